/**
 * `tidemark/postgres`: the PostgreSQL backend (pg). `openPostgresStore({ url, schema, poolSize })`
 * connects, migrates the schema and returns a `PostgresEventStore`, which implements `EventStore`.
 */
export {
  openPostgresStore,
  PostgresEventStore,
  DEFAULT_SCHEMA,
  type PostgresStoreOptions,
} from '../store/postgres/index';
