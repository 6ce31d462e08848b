/**
 * Limits of the contract (`shared/API.md`). One place, so the engine, server, client and UI agree.
 * Pure constants: safe for the browser build.
 */
export const LIMITS = {
  topicNameMax: 200,
  keyMax: 1024,
  eventsPerTxnMax: 10_000,
  pageDefault: 100,
  pageMax: 10_000,
  reasonMax: 1000,
  bodyBytesDefault: 16 * 1024 * 1024,
  diffRowsDefault: 1000,
  contentTypeMax: 200,
  /** Concurrent live (SSE) streams per server, and per token (`--max-streams`, `--max-streams-per-token`). */
  sseStreamsDefault: 1000,
  sseStreamsPerTokenDefault: 100,
} as const;

/** The key of invalidation markers; writers cannot use it (it starts with `$`, see validate.ts). */
export const INVALIDATE_KEY = '$invalidate';
export const DEFAULT_CONTENT_TYPE = 'application/json';
