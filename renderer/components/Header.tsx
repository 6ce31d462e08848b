/**
 * The top bar: app name, navigation (Topics, Connections), the command palette button (Ctrl/Cmd+K)
 * and the "Dark mode" toggle.
 */
import type { ReactNode } from 'react';
import { useDarkMode } from '../lib/theme';
import type { Route } from '../lib/route';

interface Props {
  route: Route;
  onPalette: () => void;
  connected: boolean;
}

export function Header({ route, onPalette, connected }: Props): ReactNode {
  const [dark, setDark] = useDarkMode();
  return (
    <header className="app-header">
      <a className="brand" href="#/topics">
        Tidemark
      </a>
      <nav aria-label="Main">
        <a href="#/topics" aria-current={route.screen !== 'connections' ? 'page' : undefined}>
          Topics
        </a>
        <a href="#/connections" aria-current={route.screen === 'connections' ? 'page' : undefined}>
          Connections
        </a>
      </nav>
      <span className="spacer" />
      {connected && (
        <button type="button" onClick={onPalette} title="Jump to a topic (Ctrl+K)">
          Jump to topic <kbd>Ctrl K</kbd>
        </button>
      )}
      <label className="toggle">
        <input type="checkbox" checked={dark} onChange={(e) => setDark(e.target.checked)} />
        Dark mode
      </label>
    </header>
  );
}
