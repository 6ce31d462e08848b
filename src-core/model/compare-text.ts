/**
 * A comparison of two stores in words (services/compare.ts makes it): one sentence per topic, the
 * same in the CLI's table and the app. Pure: the renderer imports it.
 */
import type { TopicComparison } from './integrity';

function txns(n: number): string {
  return `${n.toLocaleString('en-US')} transaction${n === 1 ? '' : 's'}`;
}

/** What the comparison of one topic found, e.g. "the to store is ahead by 3 transactions; the first 40 are equal". */
export function describeComparison(c: TopicComparison): string {
  switch (c.result) {
    case 'equal':
      return `equal: ${txns(c.common)}, head ${c.from?.head ?? ''}`;
    case 'missing':
      return c.side === 'both'
        ? 'neither store has this topic'
        : `the ${c.side ?? ''} store has no transaction of this topic`;
    case 'prefix':
      return `the ${c.side ?? ''} store is ahead by ${txns(c.aheadBy)}; the first ${txns(c.common)} are equal`;
    case 'diverged':
      return `the logs differ from transaction ${c.firstDiff?.txn ?? ''} on; the first ${txns(c.common)} are equal`;
  }
}
