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
  /**
   * A page of events or surface rows also ends once the data of the rows it holds reaches this
   * many bytes (UTF-8 of the stored canonical JSON): the row that reaches it is the page's last,
   * and `next` says where the next page starts (store/page-cut.ts). So a page of large events is
   * about a write's size (the default body limit), never `limit` times one, in every backend, on
   * the wire and in a client's memory.
   */
  pageDataBytesMax: 16 * 1024 * 1024,
  reasonMax: 1000,
  bodyBytesDefault: 16 * 1024 * 1024,
  /**
   * The most `--body-limit` may be. A JSON body is decoded into one string, which V8 caps at
   * 2^29 - 24 characters (a larger body was a 500, not a 413), and what one write stores is its
   * data as canonical JSON, up to 3.4 times the body (`9e15,` is 5 bytes sent, `9000000000000000,`
   * 17 stored): at 64 MiB a write stores at most about 218 MiB, so its transaction's detail
   * (`GET …/txns/N`, every event in one answer) stays well under the 512 MiB every client reads
   * (`answerBytesMax`).
   */
  bodyBytesMax: 64 * 1024 * 1024,
  diffRowsDefault: 1000,
  /** Most rows one diff returns in memory; every row can be exported through `onRow` instead. */
  diffRowsMax: 100_000,
  contentTypeMax: 200,
  /** Field names one diff option lists (`fields`, `ignore`, `map`, per-field `tolerance`). */
  diffFieldsMax: 1000,
  /** A write's `meta`: a JSON object of at most this many bytes as canonical JSON (UTF-8). */
  metaBytesMax: 4096,
  /**
   * `meta` that the engine builds itself (a repair's `meta.repair`: reason, snapshot name, summary,
   * options or their hash) is exempt from metaBytesMax; this bounds it instead. Writers cannot
   * reach it (store/prepare.ts `engineMeta`).
   */
  engineMetaBytesMax: 64 * 1024,
  /** Most events (hence keys) one repair writes; a larger repair is refused before anything is written. */
  repairEventsMax: 100_000,
  /** Largest `keys` part of a repair (NDJSON of JSON strings: at most repairEventsMax lines, each a key). */
  repairKeysBytesMax: 16 * 1024 * 1024,
  /** Longest repair `options` kept as given in `meta.repair` (canonical JSON bytes); longer ones are kept as their SHA-256. */
  repairOptionsBytesMax: 1024,
  /** Who made a write or an invalidation (`by`): 1 to this many characters. */
  byMax: 200,
  /**
   * Connections open at once per server (`--max-connections`); a connection past it has its first
   * request answered 429 and is closed (server/connection-cap.ts). Larger than sseStreamsDefault:
   * every live stream holds a connection.
   */
  connectionsDefault: 4096,
  /** Concurrent live (SSE) streams per server, and per token (`--max-streams`, `--max-streams-per-token`). */
  sseStreamsDefault: 1000,
  sseStreamsPerTokenDefault: 100,
  /**
   * Most levels of arrays and objects in one JSON value: event data (every backend, every caller),
   * each member of a request body, a snapshot record's fields. `[]` and `{}` are one level, a
   * scalar none. Deeper values are refused (400 naming where), never stored; see model/json-text.ts.
   */
  jsonDepthMax: 128,
  /**
   * Largest single record of a diff snapshot, in bytes: a JSON array element, an NDJSON line or a
   * CSV row. Equal to the default JSON body limit, so any event the store accepts by default can be
   * compared. A record growing past it is refused as soon as it does, never buffered whole.
   */
  snapshotRecordBytesMax: 16 * 1024 * 1024,
  /**
   * Largest file the app's New transaction editor reads: it reads the file whole and parses it in
   * the page, so bigger files are refused before reading (write them with `tidemark write`, which
   * streams).
   */
  importFileBytesMax: 256 * 1024 * 1024,
  /** Time buckets of one timeline (`GET …/timeline?buckets=`): the default and the most a caller may ask for. */
  timelineBucketsDefault: 200,
  timelineBucketsMax: 2000,
  /** An ISO-8601 time given as a timeline's `from` or `to`: at most this many characters. */
  timeTextMax: 40,
  /**
   * An import (`POST …/import`, `tidemark copy`) carries values as another store read them, which
   * may predate jsonDepthMax: it takes data and meta nested up to this many levels (every
   * backend's reader is iterative) and refuses deeper values naming txn and seq.
   */
  importJsonDepthMax: 4096,
  /** Largest NDJSON line of an import body: one `{"txn":…}` line or one event. */
  importLineBytesMax: 16 * 1024 * 1024,
  /**
   * Largest transaction of an import body: its `{"txn"}` line and its event lines together, and
   * what it stores, its events' data as canonical JSON (up to 3.4 times the lines that carried it).
   */
  importTxnBytesMax: 256 * 1024 * 1024,
  /** Longest an import request body may take to arrive, in ms (its transactions commit as they come). */
  importBodyMsMax: 60 * 60 * 1000,
  /** Longest an import request body may go without a byte arriving, in ms. */
  importIdleMsMax: 60 * 1000,
  /**
   * Most bytes a client (the Node client, `tidemark --url`, the app) reads of one server answer: a
   * whole JSON answer, one line of an NDJSON answer, one live-stream event. About the longest
   * string JavaScript holds (V8: 2^29 - 24 characters), so no answer a client could parse is
   * refused; a longer one (a hostile or broken server) is refused as soon as the count passes it,
   * never buffered whole (wire/body-read.ts).
   */
  answerBytesMax: 512 * 1024 * 1024,
  /** Most bytes a client reads of an error answer looking for the envelope; past it the status says what failed. */
  errorAnswerBytesMax: 1024 * 1024,
  /** Legacy values (stored before today's validation) one verify lists; more are reported as cut (`legacyCut`). */
  verifyLegacyMax: 1000,
} as const;

/** The key of invalidation markers; writers cannot use it (it starts with `$`, see validate.ts). */
export const INVALIDATE_KEY = '$invalidate';
export const DEFAULT_CONTENT_TYPE = 'application/json';
