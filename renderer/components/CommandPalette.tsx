/**
 * The command palette (Ctrl/Cmd+K): type part of a topic name, Up/Down to choose, Enter to open
 * it, Escape to close. Lists the topics already loaded for the topic list.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useApi } from '../api/api-context';
import { topicsQuery } from '../queries/topics';
import { navigate } from '../lib/route';
import { fmtNum } from '../lib/format';
import { Modal } from './Modal';

export function CommandPalette({ onClose }: { onClose: () => void }): ReactNode {
  const api = useApi();
  const { data: topics = [], error } = useQuery(topicsQuery(api));
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    const q = text.trim().toLowerCase();
    return topics.filter((t) => t.topic.toLowerCase().includes(q)).slice(0, 50);
  }, [topics, text]);
  const current = Math.min(active, Math.max(0, matches.length - 1));

  const open = (topic: string): void => {
    navigate({ screen: 'topic', topic, tab: 'events' });
    onClose();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'ArrowDown') setActive(Math.min(current + 1, matches.length - 1));
    else if (e.key === 'ArrowUp') setActive(Math.max(current - 1, 0));
    else if (e.key === 'Enter' && matches[current]) open(matches[current].topic);
    else return;
    e.preventDefault();
  };

  return (
    <Modal title="Jump to topic" onClose={onClose} className="palette">
      <input
        autoFocus
        type="search"
        aria-label="Jump to topic"
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={matches[current] ? `palette-${current}` : undefined}
        placeholder="Topic name…"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      {error ? <p className="muted">Topics could not be loaded.</p> : null}
      <ul id="palette-list" role="listbox" aria-label="Matching topics" className="palette-list">
        {matches.map((t, i) => (
          <li
            key={t.topic}
            id={`palette-${i}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'active' : ''}
            onMouseEnter={() => setActive(i)}
            onClick={() => open(t.topic)}
          >
            <span>{t.topic}</span>
            <span className="muted">{fmtNum(t.events)} events</span>
          </li>
        ))}
        {matches.length === 0 && <li className="muted">No topic matches.</li>}
      </ul>
    </Modal>
  );
}
