/**
 * The public entry of the `tidemark` package (`import … from 'tidemark'`): open a store by options
 * (`openStore`: a SQLite file, a PostgreSQL URL or a Tidemark server, each backend loaded only when
 * named), the `EventStore` interface every backend implements, the record and option types of the
 * API, the errors with their string codes, the helpers a producer needs to compute hashes the way
 * the store does, and the in-memory reference store (`openMemoryStore`: the whole contract with no
 * database, for tests and examples). Backend-specific factories live in `tidemark/sqlite`, `tidemark/postgres` and
 * `tidemark/http`; the snapshot diff in `tidemark/diff`. Nothing else of src-core is public.
 */
export { openStoreFromOptions as openStore, DEFAULT_DB_FILE, type OpenStoreOptions } from './store/open';
export type { EventStore, CommitListener, Unsubscribe } from './store/types';
export { tailTopic, type TailOptions } from './store/tail';
export { openMemoryStore, MemoryEventStore } from './store/memory/index';
export { previewInvalidation } from './services/preview';
export { servicesFor, type StoreServices, type SurfaceExport, type ServiceDiffOptions } from './services/index';
export type { InvalidatePreview, InvalidateImpactRow, LongOperation, Progress } from './model/store-api';
export {
  TidemarkError,
  ERROR_STATUS,
  type ErrorCode,
  type ErrorBody,
  hasErrorCode,
  isErrorCode,
  statusForCode,
  codeForStatus,
  toErrorBody,
} from './model/errors';
export { LIMITS, INVALIDATE_KEY, DEFAULT_CONTENT_TYPE } from './model/limits';
export { canonicalJson, compareKeys } from './model/canonical';
export { hashData } from './store/hash';
export type {
  JsonValue,
  EventType,
  StoredEvent,
  TopicInfo,
  TxnInfo,
  TxnDetail,
  SurfaceRow,
  EventInput,
  AppendRequest,
  AppendResultItem,
  AppendResponse,
  BatchTxn,
  BatchError,
  BatchResponse,
  InvalidateResult,
  Order,
  ReadEventsOptions,
  EventPage,
  ListTxnsOptions,
  TxnPage,
  SurfaceView,
  SurfaceOptions,
  SurfacePage,
  DiffStatus,
  DiffSummary,
  DiffRow,
  DiffResult,
  Role,
} from './model/types';
