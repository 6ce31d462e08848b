/**
 * An error boundary per screen: a render error shows a readable notice with "Try again" and a way
 * back, never a blank screen. `resetKey` changing (e.g. the route) clears the error.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice';

interface Props {
  children: ReactNode;
  resetKey?: string;
  where: string;
}

interface State {
  error: unknown;
  key: string | undefined;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, key: undefined };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.key) return { key: props.resetKey, error: null };
    return null;
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`[${this.props.where}]`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <ErrorNotice
          title={`The ${this.props.where} could not be shown`}
          error={this.state.error}
          onRetry={() => this.setState({ error: null })}
        >
          <a href="#/topics">Back to topics</a>
        </ErrorNotice>
      );
    }
    return this.props.children;
  }
}
