/**
 * An error shown in place: what went wrong (the message, which names the bad field), the code,
 * what to do next, and a retry button when one makes sense.
 */
import type { ReactNode } from 'react';
import type { ApiError } from '../../src-core/model/store-api';
import { toApiError, hintFor } from '../api/errors';

interface Props {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  /** What to do next, when the screen knows better than the generic hint for the code. */
  hint?: (code: ApiError['code']) => string | undefined;
  children?: ReactNode;
}

export function ErrorNotice({ error, title = 'Something went wrong', onRetry, hint, children }: Props): ReactNode {
  const e = toApiError(error);
  return (
    <div className="error-notice" role="alert">
      <strong>{title}</strong>
      <p className="error-message">{e.message}</p>
      <p className="error-hint">
        {hint?.(e.code) ?? hintFor(e.code)} <span className="error-code">({e.code})</span>
      </p>
      <div className="error-actions">
        {onRetry && (
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        )}
        {e.code === 'UNAUTHORIZED' && <a href="#/connections">Go to Connections</a>}
        {children}
      </div>
    </div>
  );
}
