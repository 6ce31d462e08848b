/**
 * `servicesFor(store)`: the one place that decides how an operation beyond `EventStore` runs for a
 * given store. Today every store gets the generic implementation (generic.ts); an HTTP store gets
 * the HTTP implementation that calls the server's routes (http.ts) once it exists.
 */
import type { EventStore } from '../store/types';
import { type GenericServicesConfig, createGenericServices } from './generic';
import type { StoreServices } from './types';

export type { StoreServices, SurfaceExport, ServiceDiffOptions } from './types';
export type { GenericServicesConfig } from './generic';

export function servicesFor(store: EventStore, config: GenericServicesConfig = {}): StoreServices {
  return createGenericServices(store, config);
}
