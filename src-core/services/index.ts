/**
 * `servicesFor(store)`: the one place that decides how an operation beyond `EventStore` runs for a
 * given store. An HTTP store gets the HTTP implementation, which calls the server's routes so the
 * work runs next to the data (http.ts); every other store (SQLite, PostgreSQL, the in-memory
 * store) gets the generic implementation over its public methods (generic.ts). `config` is only
 * for the generic one (where a diff spills); over HTTP the server decides that.
 */
import { HttpEventStore } from '../store/http/index';
import type { EventStore } from '../store/types';
import { type GenericServicesConfig, createGenericServices } from './generic';
import { createHttpServices } from './http';
import type { StoreServices } from './types';

export type { StoreServices, SurfaceExport, ServiceDiffOptions, SampleObserver, RepairOptions } from './types';
export type { GenericServicesConfig } from './generic';
export { SAMPLE_TOPIC } from './sample';
export { exportSurfaceToFile } from './save';

export function servicesFor(store: EventStore, config: GenericServicesConfig = {}): StoreServices {
  if (store instanceof HttpEventStore) return createHttpServices(store);
  return createGenericServices(store, config);
}
