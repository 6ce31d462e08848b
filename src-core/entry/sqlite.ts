/**
 * `tidemark/sqlite`: the embedded SQLite backend (better-sqlite3). `openSqliteStore(file, opts)`
 * opens or creates a store file and returns a `SqliteEventStore`, which implements `EventStore`.
 */
export { openSqliteStore, SqliteEventStore, type SqliteOpenOptions } from '../store/sqlite/index';
