/**
 * The path of every API route a client calls, one builder per route (docs/api.md has the
 * reference; src-core/server/route-table.ts declares the same routes on the server side, and
 * test/http/wire-paths.unit.test.ts checks the two agree). A topic name is one path segment,
 * percent-encoded here and nowhere else (names may hold `:`, `/` is refused by the name rule but
 * would be encoded too); a transaction number is written as the decimal it is. Every client (the
 * Node `HttpEventStore`, the browser adapter, Electron, the CLI) builds paths with these, so a route
 * is spelled once on the client side. Pure.
 */

/** `/v1/topics/{topic}{rest}` with the topic encoded as one segment. */
export function topicPath(topic: string, rest = ''): string {
  return `/v1/topics/${encodeURIComponent(topic)}${rest}`;
}

const txnSegment = (txn: number): string => `/txns/${encodeURIComponent(String(txn))}`;

export const paths = {
  health: (): string => '/v1/health',
  whoami: (): string => '/v1/whoami',
  openapi: (): string => '/v1/openapi.json',
  metrics: (): string => '/metrics',
  topics: (): string => '/v1/topics',
  batch: (): string => '/v1/batch',
  sample: (): string => '/v1/sample',
  topic: (topic: string): string => topicPath(topic),
  events: (topic: string): string => topicPath(topic, '/events'),
  stream: (topic: string): string => topicPath(topic, '/events/stream'),
  txns: (topic: string): string => topicPath(topic, '/txns'),
  txn: (topic: string, txn: number): string => topicPath(topic, txnSegment(txn)),
  invalidate: (topic: string, txn: number): string => topicPath(topic, `${txnSegment(txn)}/invalidate`),
  previewInvalidate: (topic: string, txn: number): string => topicPath(topic, `${txnSegment(txn)}/preview-invalidate`),
  timeline: (topic: string): string => topicPath(topic, '/timeline'),
  republish: (topic: string, txn: number): string => topicPath(topic, `${txnSegment(txn)}/republish`),
  previewRepublish: (topic: string, txn: number): string => topicPath(topic, `${txnSegment(txn)}/preview-republish`),
  surface: (topic: string): string => topicPath(topic, '/surface'),
  surfaceExport: (topic: string): string => topicPath(topic, '/surface/export'),
  diff: (topic: string): string => topicPath(topic, '/diff'),
  repair: (topic: string): string => topicPath(topic, '/repair'),
  import: (topic: string): string => topicPath(topic, '/import'),
  // --- verify (issue 13) ---
  verify: (topic: string): string => topicPath(topic, '/verify'),
  // --- end verify ---
} as const;

export type RouteName = keyof typeof paths;
