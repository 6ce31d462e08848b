/**
 * The Node client's transport is the wire's (src-core/wire/transport.ts), under the names the Node
 * client and its callers use: `HttpTransport` (base URL, bearer token, Node's global `fetch` —
 * undici, keep-alive by default — and errors rebuilt from the server's envelope by code; no answer
 * is UNAVAILABLE, an abort CANCELLED) and `topicPath` (src-core/wire/paths.ts). Nothing here is
 * specific to Node beyond the runtime's `fetch`.
 */
export { WireTransport as HttpTransport, type WireTransportOptions as TransportOptions } from '../../wire/transport';
export type { QueryValue } from '../../wire/query';
export { topicPath } from '../../wire/paths';
