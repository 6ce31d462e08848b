/**
 * Every CSV the product writes is safe to open (docs/security.md, "Safe exports"), over a real
 * SQLite store: the server's surface export, the desktop app's surface export job (plain Node), the
 * CLI's `tidemark diff --out` (a real child process) and the Diff tab's export function hold keys,
 * field names and values `=1+1`, `@SUM(A1)`, `-5`, `+x`, tab-x: formula-like text is neutralised
 * with a leading `'`, numbers stay as they are. And the round trip: a surface exported to CSV
 * and uploaded back as a snapshot (its `data` column named `value`, the name a scalar event is
 * compared under) diffs with zero differences for every numeric key and value; a neutralised
 * text key comes back with its `'` and is reported missing on both sides (the documented rule).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, runCli } from '../cli/helpers';
import { servicesFor } from '../../src-core/services/index';
import { exportSurfaceToFile } from '../../src-core/services/save';
import { diffSnapshot } from '../../src-core/diff/index';
import type { DiffResult, DiffRow } from '../../src-core/model/types';
import { diffExportFile } from '../../renderer/lib/diff-export';
import { type TestServer, startTestServer } from '../http/helpers';

const TRICKY = ['=1+1', '@SUM(A1)', '-5', '+x', '\tx'];
/** What each tricky text becomes in a cell. */
const SAFE: Record<string, string> = {
  '=1+1': "'=1+1",
  '@SUM(A1)': "'@SUM(A1)",
  '-5': '-5',
  '+x': "'+x",
  '\tx': "'\tx",
};

/** `tidemark ARGS` as a child process (test/cli/helpers.ts), with no token from the environment. */
const tidemark = (args: string[]): Promise<RunResult> => runCli(args);

/** No cell of a parsed CSV starts like a formula unless it is a JSON number. */
function expectNoFormula(rows: string[][]): void {
  for (const row of rows) {
    for (const cell of row) {
      if (/^[=+\-@\t\r]/.test(cell)) expect(cell).toMatch(/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/);
    }
  }
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  // Scalar numeric data per key; text values and field names that look like formulas in `obj`.
  await s.store.append('tricky', { events: TRICKY.map((key, i) => ({ key, data: -1 - i })) });
  await s.store.append('tricky', { events: [{ key: 'plain', data: -1.5e-7 }] });
  await s.store.append('obj', { events: TRICKY.map((key) => ({ key: `k${TRICKY.indexOf(key)}`, data: { v: key } })) });
  await s.store.append('nums', {
    events: [
      { key: '-5', data: -5 },
      { key: '-1.5', data: -1.5 },
      { key: '10', data: 10 },
      { key: '-0.001', data: -0.001 },
      { key: '1.5e-10', data: 1.5e-10 },
      { key: '-7e-7', data: -7e-7 },
    ],
  });
});
afterAll(async () => {
  await s.close();
});

async function serverExport(topic: string): Promise<string> {
  const res = await fetch(`${s.url}/v1/topics/${topic}/surface/export?format=csv`);
  expect(res.status).toBe(200);
  return res.text();
}

describe('surface export CSV', () => {
  it('server route: formula-like keys neutralised, numbers kept', async () => {
    const rows = parse<Record<string, string>>(await serverExport('tricky'), { columns: true });
    const byKey = new Map(rows.map((r) => [r.key!, r.data!]));
    for (const [i, key] of TRICKY.entries()) expect(byKey.get(SAFE[key]!), key).toBe(String(-1 - i));
    expect(byKey.get('plain')).toBe('-1.5e-7');
    expectNoFormula(parse(await serverExport('tricky')));
    // Values inside `data` are JSON text (`{"v":"=1+1"}`): the cell starts with `{`, nothing to neutralise.
    const obj = parse<Record<string, string>>(await serverExport('obj'), { columns: true });
    expect(obj.map((r) => JSON.parse(r.data!) as unknown)).toEqual(TRICKY.map((v) => ({ v })));
  });

  it('the desktop export job writes the same bytes as the server', async () => {
    const file = join(s.dir, 'tricky.csv');
    expect(await exportSurfaceToFile(servicesFor(s.store), 'tricky', { format: 'csv' }, file)).toBe(6);
    expect(readFileSync(file, 'utf8')).toBe(await serverExport('tricky'));
  });

  it('round trip: exported numbers diff with zero differences when uploaded back', async () => {
    const text = (await serverExport('nums')).replace(
      /^key,seq,txn,hash,time,invalid,data\r\n/,
      'key,seq,txn,hash,time,invalid,value\r\n',
    );
    expect(text).toContain('\r\n-5,'); // `-5` stays `-5` in the file
    const res = await fetch(`${s.url}/v1/topics/nums/diff?key=key&fields=value`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: text,
    });
    expect(res.status).toBe(200);
    const result = (await res.json()) as DiffResult;
    expect(result.summary).toMatchObject({ equal: 6, different: 0, missingInStore: 0, missingInSnapshot: 0 });
  });

  it('round trip: a neutralised text key comes back with its quote (documented), numeric keys match', async () => {
    const text = (await serverExport('tricky')).replace(/,data\r\n/, ',value\r\n');
    const res = await fetch(`${s.url}/v1/topics/tricky/diff?key=key&fields=value`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: text,
    });
    const result = (await res.json()) as DiffResult;
    expect(result.summary).toMatchObject({ equal: 2, different: 0, missingInStore: 4, missingInSnapshot: 4 });
    const missing = result.rows.filter((r) => r.status === 'missingInStore').map((r) => r.key);
    expect(missing.sort()).toEqual(["'\tx", "'+x", "'=1+1", "'@SUM(A1)"]);
  });
});

describe('diff result CSV', () => {
  // A snapshot with formula-like keys, a formula-like field name and formula-like values.
  const snapshotCsv = ['key,value,@f', '"=1+1",-1,=2+2', '-5,99,x', '"+x",-4,@SUM(B1)', '"@evil",1,1'].join('\r\n');

  it('tidemark diff --out: keys and field names neutralised, numbers kept', async () => {
    const snap = join(s.dir, 'snap.csv');
    const out = join(s.dir, 'result.csv');
    writeFileSync(snap, snapshotCsv + '\r\n');
    const r = await tidemark([
      'diff',
      '--db',
      join(s.dir, 'store.db'),
      '--topic',
      'tricky',
      '--file',
      snap,
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const rows = parse<Record<string, string>>(text, { columns: true });
    const byKey = new Map(rows.map((x) => [x.key!, x]));
    expect(byKey.get("'=1+1")).toMatchObject({ status: 'different', fields: "'@f" });
    expect(byKey.get('-5')).toMatchObject({ status: 'different', storeData: '-3', fields: 'value;@f' });
    expect(byKey.get("'@evil")).toMatchObject({ status: 'missingInStore' });
    expect(byKey.get("'\tx")).toMatchObject({ status: 'missingInSnapshot', storeData: '-5' });
    expectNoFormula(parse(text));
  });

  it("the Diff tab's export: the same rule", async () => {
    const rows: DiffRow[] = [];
    async function* body(): AsyncGenerator<string> {
      yield snapshotCsv;
    }
    await diffSnapshot(
      s.store,
      'tricky',
      { format: 'csv', body: body(), size: null },
      { onRow: (r) => void rows.push(r) },
    );
    expect(rows.length).toBeGreaterThan(3);
    const text = diffExportFile('tricky', rows, 'csv').text;
    const parsed = parse<Record<string, string>>(text, { columns: true });
    expect(parsed.map((x) => x.key).sort()).toEqual(
      ["'\tx", "'+x", "'=1+1", "'@SUM(A1)", "'@evil", '-5', 'plain'].sort(),
    );
    expect(parsed.find((x) => x.key === '-5')).toMatchObject({ status: 'different', storeData: '-3' });
    expectNoFormula(parse(text));
  });
});
