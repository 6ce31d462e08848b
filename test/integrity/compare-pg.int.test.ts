/**
 * Compare across backends with PostgreSQL: the same 3,000-transaction log imported into a SQLite
 * file and into a fresh PostgreSQL database is `equal` (the chain is the same on every backend);
 * a PostgreSQL copy with one transaction changed at a random k is `diverged` at k, within
 * log2(N) + 3 reads per side; and `tidemark compare --from FILE --to postgres://…` exits 0 and
 * 3 for them. Skipped, with the reason printed, when the PostgreSQL test cluster is unreachable.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src-core/cli/exit-codes';
import { compareStores } from '../../src-core/services/compare';
import { openPostgresStore } from '../../src-core/store/postgres';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { parseLines, runCli } from '../cli/helpers';
import { tempDir } from '../http/helpers';
import { type TempDatabase, makeDatabase, pgUnreachable } from '../postgres/pg-helpers';
import { countingStore, importLog } from './fixtures';

const N = 3000;
const T = 'pg.cmp';
const k = 1 + Math.floor(Math.random() * N);
const why = await pgUnreachable();
if (why !== null) console.log(`compare-pg: skipped: ${why}`);

describe.skipIf(why !== null)('compare with PostgreSQL', () => {
  let dir: string;
  let file: string;
  let same: TempDatabase;
  let changed: TempDatabase;
  const open: EventStore[] = [];

  beforeAll(async () => {
    dir = tempDir('tidemark-compare-pg-');
    file = join(dir, 'a.db');
    const s = openSqliteStore(file, { synchronous: 'NORMAL' });
    open.push(s);
    expect((await s.importTxns(T, importLog(T, N))).error).toBeNull();
    same = await makeDatabase();
    changed = await makeDatabase();
    for (const [db, log] of [
      [same, importLog(T, N)],
      [changed, importLog(T, N, { changeAt: k })],
    ] as const) {
      const p = await openPostgresStore({ url: db.url });
      open.push(p);
      expect((await p.importTxns(T, log)).error).toBeNull();
    }
  }, 300_000);

  afterAll(async () => {
    for (const s of open) await s.close();
    await same?.drop();
    await changed?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`SQLite and PostgreSQL holding the same log are equal; a change at ${k} is found within the bound`, async () => {
    const [sqlite, pgSame, pgChanged] = open as [EventStore, EventStore, EventStore];
    expect(await compareStores(sqlite, pgSame)).toMatchObject({
      equal: true,
      topics: [{ result: 'equal', common: N }],
    });
    const a = countingStore(sqlite);
    const b = countingStore(pgChanged);
    const r = await compareStores(a.store, b.store, { topics: [T] });
    expect(r.topics[0]).toMatchObject({ result: 'diverged', firstDiff: { txn: k }, common: k - 1 });
    const bound = Math.ceil(Math.log2(N)) + 3;
    expect(a.total()).toBeLessThanOrEqual(bound);
    expect(b.total()).toBeLessThanOrEqual(bound);
  });

  it('tidemark compare takes a postgres:// STORE: exit 0 when equal, 3 when not', async () => {
    const eq = await runCli(['compare', '--from', file, '--to', same.url]);
    expect(eq.stderr).toBe('');
    expect(eq.code).toBe(EXIT.ok);
    const ne = await runCli(['compare', '--from', file, '--to', changed.url, '--format', 'ndjson']);
    expect(ne.code).toBe(EXIT.differences);
    expect(parseLines(ne.stdout)).toMatchObject([{ topic: T, result: 'diverged', firstDiff: { txn: k } }]);
  });
});
