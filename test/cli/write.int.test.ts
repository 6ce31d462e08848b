/**
 * `tidemark write` end to end: the real CLI process writes NDJSON from stdin into a real SQLite
 * file, and the file is then checked with the engine itself. Covers the summary numbers, re-runs
 * (all duplicates, no new txn), bad lines (line number, exit code, nothing of that transaction
 * written, earlier transactions intact), --expect-max-seq, --progress and bad option values.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { BIN, ROOT, ndjson, parseLines, runCli, tempDir } from './helpers';

let tmp: { dir: string; cleanup: () => void };
let db: string;

beforeEach(() => {
  tmp = tempDir();
  db = join(tmp.dir, 'store.db');
});
afterEach(() => tmp.cleanup());

/** `count` events with distinct keys k000..: a re-run is all duplicates. */
function events(count: number, from = 0): { key: string; data: { n: number } }[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `k${String(from + i).padStart(3, '0')}`,
    data: { n: from + i },
  }));
}

async function topicState(topic: string): Promise<{ maxSeq: number; maxTxn: number; keys: number } | null> {
  const store = openSqliteStore(db);
  try {
    const all = await store.listTopics();
    const t = all.find((x) => x.topic === topic);
    return t ? { maxSeq: t.maxSeq, maxTxn: t.maxTxn, keys: t.keys } : null;
  } finally {
    await store.close();
  }
}

describe('tidemark write', () => {
  it('writes events in transactions of --txn-size and prints a one-line summary', async () => {
    const r = await runCli(['write', '--db', db, '--topic', 'trades', '--txn-size', '10'], {
      input: ndjson(events(25)),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ written: 25, duplicates: 0, txns: 3, firstTxn: 1, lastTxn: 3, events: 25 });
    expect(await topicState('trades')).toEqual({ maxSeq: 25, maxTxn: 3, keys: 25 });
  });

  it('a re-run of the same input is all duplicates and uses no transaction number', async () => {
    const input = ndjson(events(25));
    await runCli(['write', '--db', db, '--topic', 'trades', '--txn-size', '10'], { input });
    const r = await runCli(['write', '--db', db, '--topic', 'trades', '--txn-size', '10'], { input });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      written: 0,
      duplicates: 25,
      txns: 0,
      firstTxn: null,
      lastTxn: null,
      events: 25,
    });
    expect(await topicState('trades')).toEqual({ maxSeq: 25, maxTxn: 3, keys: 25 });
  });

  it('keeps hash and contentType as given, skips blank lines, and treats data null as a tombstone', async () => {
    const hash = 'a'.repeat(64);
    const input =
      ndjson([
        { key: 'a', data: { x: 1 }, hash },
        { key: 'b', data: 'text', contentType: 'text/plain' },
      ]) +
      '\n\n' +
      ndjson([{ key: 'b', data: null }]);
    const r = await runCli(['write', '--db', db, '--topic', 't'], { input });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: 3, txns: 1, events: 3 });
    const store = openSqliteStore(db);
    try {
      const page = await store.readEvents('t');
      expect(page.events.map((e) => [e.key, e.hash === hash, e.contentType])).toEqual([
        ['a', true, 'application/json'],
        ['b', false, 'text/plain'],
        ['b', false, 'application/json'],
      ]);
      expect((await store.surface('t')).rows.map((row) => row.key)).toEqual(['a']);
    } finally {
      await store.close();
    }
  });

  it('a malformed line stops with its line number; nothing of its transaction is written, earlier ones stay', async () => {
    const good = events(12).map((e) => JSON.stringify(e));
    // Line 13 is valid, line 14 is not JSON: the transaction of lines 11-14 must leave nothing.
    const input = [
      ...good,
      JSON.stringify({ key: 'z', data: 1 }),
      '{"key":"y", data}',
      ...events(3, 50).map((e) => JSON.stringify(e)),
    ].join('\n');
    const r = await runCli(['write', '--db', db, '--topic', 'trades', '--txn-size', '10'], { input });
    expect(r.code).not.toBe(0);
    const errLines = r.stderr.trim().split('\n');
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/^tidemark: line 14: .*JSON/);
    expect(errLines[0]).toContain('nothing of its transaction (lines 11-14) was written');
    expect(errLines[0]).toContain('the 10 events of lines 1-10 stay committed');
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ written: 10, duplicates: 0, txns: 1, firstTxn: 1, lastTxn: 1, events: 10 });
    expect(summary.error).toMatchObject({ code: 'BAD_REQUEST', line: 14 });
    expect(await topicState('trades')).toEqual({ maxSeq: 10, maxTxn: 1, keys: 10 });
  });

  it('an invalid event names the line and the field', async () => {
    const input = ndjson([...events(2), { key: '', data: 1 }]);
    const r = await runCli(['write', '--db', db, '--topic', 'trades'], { input });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^tidemark: line 3: key: must be a non-empty string/);
    expect(r.stderr).toContain('nothing was written before it');
    expect(await topicState('trades')).toBeNull();

    const r2 = await runCli(['write', '--db', db, '--topic', 'trades'], {
      input: ndjson([{ key: 'a', data: 1, dat: 2 }]),
    });
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/line 1: "dat": unknown field/);

    const r3 = await runCli(['write', '--db', db, '--topic', 'trades'], { input: ndjson([{ key: 'a' }]) });
    expect(r3.stderr).toMatch(/line 1: data: is required/);
    const r4 = await runCli(['write', '--db', db, '--topic', 'trades'], {
      input: ndjson([{ key: 'a', data: 1, hash: 'xyz' }]),
    });
    expect(r4.stderr).toMatch(/line 1: hash: must be 64 lowercase hex/);
    expect(await topicState('trades')).toBeNull();
  });

  it('input that is not UTF-8 is refused naming the line and byte, never stored as U+FFFD', async () => {
    const input = Buffer.concat([Buffer.from(ndjson(events(1))), Buffer.from('{"key":"k\xff","data":1}\n', 'latin1')]);
    const r = await runCli(['write', '--db', db, '--topic', 'trades'], { input });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tidemark: line 2: is not valid UTF-8 \(at byte 9\)/);
    expect(await topicState('trades')).toBeNull();
  });

  it('--expect-max-seq: a mismatch is a CONFLICT that writes nothing; a match chains across transactions', async () => {
    await runCli(['write', '--db', db, '--topic', 't', '--txn-size', '5'], { input: ndjson(events(10)) });
    const bad = await runCli(['write', '--db', db, '--topic', 't', '--expect-max-seq', '3'], {
      input: ndjson(events(5, 100)),
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/CONFLICT/);
    expect(await topicState('t')).toEqual({ maxSeq: 10, maxTxn: 2, keys: 10 });

    // Two transactions: the second expects the seq the first left (14), and one key repeats
    // unchanged (a duplicate), so the expected seq is taken from what was really written.
    const input = ndjson([...events(4, 100), events(1)[0], ...events(5, 200)]);
    const ok = await runCli(['write', '--db', db, '--topic', 't', '--txn-size', '5', '--expect-max-seq', '10'], {
      input,
    });
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout)).toEqual({ written: 9, duplicates: 1, txns: 2, firstTxn: 3, lastTxn: 4, events: 10 });
  });

  it('--progress draws the progress line on stderr with events/s', async () => {
    const r = await runCli(['write', '--db', db, '--topic', 't', '--progress', '--txn-size', '100'], {
      input: ndjson(events(300)),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/writing 300 events \| \d+ events\/s/);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: 300, txns: 3 });
  });

  it('rejects bad option values with one line and a non-zero exit, writing nothing', async () => {
    for (const args of [
      ['--txn-size', '0'],
      ['--txn-size', '10001'],
      ['--txn-size', 'ten'],
      ['--expect-max-seq', '-1'],
    ]) {
      const r = await runCli(['write', '--db', db, '--topic', 't', ...args], { input: ndjson(events(1)) });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toContain(args[0]);
    }
    const noTopic = await runCli(['write', '--db', db], { input: ndjson(events(1)) });
    expect(noTopic.code).not.toBe(0);
    expect(noTopic.stderr).toMatch(/required option '--topic <name>'/);
    const badTopic = await runCli(['write', '--db', db, '--topic', '-bad'], { input: ndjson(events(1)) });
    expect(badTopic.code).not.toBe(0);
    expect(await topicState('t')).toBeNull();
  });

  it('round-trips: what `read` prints is what was written', async () => {
    await runCli(['write', '--db', db, '--topic', 't'], { input: ndjson(events(3)) });
    const r = await runCli(['read', '--db', db, '--topic', 't', '--format', 'ndjson']);
    expect(parseLines(r.stdout).map((e) => (e as { data: unknown }).data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });
});

describe('tidemark write, interrupted', () => {
  it('SIGINT stops reading, keeps complete transactions, drops the partial one, prints the summary, exits 130', async () => {
    const child = spawn(process.execPath, [BIN, 'write', '--db', db, '--topic', 'intr', '--txn-size', '100'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    // 20 complete transactions and a partial one; stdin stays open, as when typing or piping.
    child.stdin.write(ndjson(events(2050)));
    // Wait until the first groups are committed (8 transactions per durable commit).
    for (let i = 0; i < 300; i++) {
      const state = await topicState('intr').catch(() => null);
      if (state !== null && state.maxSeq >= 1600) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const code = await closed;
    expect(code).toBe(130);
    const summary = JSON.parse(stdout) as { written: number; error: { code: string } };
    expect(summary.error.code).toBe('CANCELLED');
    expect(summary.written % 100).toBe(0);
    expect(summary.written).toBeGreaterThanOrEqual(1600);
    expect(stderr).toMatch(/^tidemark: interrupted after line \d+; .*stay committed/);
    const state = await topicState('intr');
    expect(state?.maxSeq).toBe(summary.written);
  });
});
