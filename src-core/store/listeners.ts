/**
 * `CommitListeners`: the listeners registered with `subscribe` on a store that learns of commits
 * in-process (SQLite, the memory store), per topic. `emit` hands a topic's newly committed events
 * to each of its listeners after the commit, each with its own array, and a listener that throws
 * affects neither the writer nor the other listeners.
 */
import type { StoredEvent } from '../model/types';
import type { CommitListener, Unsubscribe } from './types';

export class CommitListeners {
  private readonly byTopic = new Map<string, Set<CommitListener>>();

  add(topic: string, listener: CommitListener): Unsubscribe {
    let set = this.byTopic.get(topic);
    if (set === undefined) this.byTopic.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      const s = this.byTopic.get(topic);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) this.byTopic.delete(topic);
    };
  }

  /** Whether anyone listens to `topic` (a writer collects its events only then). */
  has(topic: string): boolean {
    return this.byTopic.has(topic);
  }

  emit(topic: string, events: StoredEvent[]): void {
    const set = this.byTopic.get(topic);
    if (!set || events.length === 0) return;
    for (const listener of [...set]) {
      try {
        listener(events.slice());
      } catch {
        // A listener's failure must not affect the writer or other listeners.
      }
    }
  }

  clear(): void {
    this.byTopic.clear();
  }
}
