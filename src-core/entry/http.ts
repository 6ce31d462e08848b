/**
 * `tidemark/http`: the client of a `tidemark serve`. `openHttpStore({ url, token })` returns an
 * `HttpEventStore` implementing `EventStore` over the HTTP API; `OrderedWriter` pipelines
 * transactions into `POST /v1/batch` in order (a later write never succeeds after an earlier one
 * failed) with safe retries.
 */
export {
  openHttpStore,
  HttpEventStore,
  type HttpStoreOptions,
  OrderedWriter,
  type OrderedWriterOptions,
  type OrderedAppendResponse,
} from '../store/http/index';
