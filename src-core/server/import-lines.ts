/**
 * The import body (`POST /v1/topics/{topic}/import`, API.md "Integrity") read as it streams:
 * NDJSON whose lines are, per transaction, `{"txn":TxnInfo}` followed by exactly `count` event
 * lines (its events as read), so each transaction is complete, and handed on, as soon as its last
 * event line arrives (a live replica's import is never held back waiting for the next one). Bounds
 * (model/limits.ts, docs/security.md): a line of at most LIMITS.importLineBytesMax bytes (refused
 * as soon as it grows past it), a transaction of at most LIMITS.importTxnBytesMax bytes, strict
 * UTF-8, JSON under the model's strict reader with data nested up to LIMITS.importJsonDepthMax.
 * A line that breaks a rule ends the units there, and `error` names its line number; the fields
 * themselves are checked by the store's import (store/import-check.ts). Blank lines are skipped.
 */
import { LIMITS } from '../model/limits';
import type { ImportTxn } from '../model/integrity';
import { parseJsonText } from '../model/json-text';
import type { StoredEvent, TxnInfo } from '../model/types';
import { isPlainObject } from '../model/validate';
import { noteImportBytes } from '../store/import-run';

const NL = 0x0a;

/** A transaction whose event lines are still arriving. */
interface Pending {
  txn: TxnInfo;
  events: StoredEvent[];
  count: number;
  bytes: number;
}

export class ImportLines {
  /** Why the units ended early (`line 7: ...`), or null. */
  error: string | null = null;
  private line = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  /** Complete transactions from a stream of body chunks. */
  async *units(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<ImportTxn> {
    let parts: Buffer[] = [];
    let partBytes = 0;
    let unit: Pending | null = null;
    const take = (bytes: Buffer): ImportTxn | null | false => {
      this.line++;
      let text: string;
      try {
        text = this.decoder.decode(bytes);
      } catch {
        return this.fail('is not valid UTF-8');
      }
      if (text.trim() === '') return null;
      let v: unknown;
      try {
        v = parseJsonText(text, { maxDepth: LIMITS.importJsonDepthMax, envelope: 2, at: 'the line' });
      } catch (e) {
        return this.fail((e as Error).message);
      }
      if (!isPlainObject(v)) return this.fail('must be a JSON object');
      const isTxnLine = Object.keys(v).length === 1 && isPlainObject(v.txn);
      if (unit === null) {
        if (!isTxnLine) return this.fail('expected a {"txn":TxnInfo} line starting a transaction');
        const count = (v.txn as Record<string, unknown>).count;
        if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > LIMITS.eventsPerTxnMax) {
          return this.fail(`txn.count: must be an integer of 1 to ${LIMITS.eventsPerTxnMax}`);
        }
        unit = { txn: v.txn as TxnInfo, events: [], count, bytes: bytes.length };
        return null;
      }
      if (isTxnLine)
        return this.fail(`expected event ${unit.events.length + 1} of ${unit.count} of txn ${String(unit.txn.txn)}`);
      unit.bytes += bytes.length;
      if (unit.bytes > LIMITS.importTxnBytesMax) {
        return this.fail(`transaction ${String(unit.txn.txn)} is over ${LIMITS.importTxnBytesMax} bytes`);
      }
      unit.events.push(v as unknown as StoredEvent);
      if (unit.events.length < unit.count) return null;
      const done: ImportTxn = { txn: unit.txn, events: unit.events };
      noteImportBytes(done, unit.bytes);
      unit = null;
      return done;
    };
    for await (const raw of chunks) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(NL, from);
        const end = nl < 0 ? chunk.length : nl;
        partBytes += end - from;
        if (partBytes > LIMITS.importLineBytesMax) {
          this.line++;
          this.fail(`is longer than ${LIMITS.importLineBytesMax} bytes`);
          return;
        }
        if (end > from) parts.push(chunk.subarray(from, end));
        if (nl < 0) break;
        const got = take(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        parts = [];
        partBytes = 0;
        if (got === false) return;
        if (got !== null) yield got;
        from = nl + 1;
      }
    }
    if (partBytes > 0) {
      const got = take(Buffer.concat(parts));
      if (got === false) return;
      if (got !== null) yield got;
    }
    const open = unit as Pending | null;
    if (open !== null) {
      this.fail(
        `the body ended inside txn ${String(open.txn.txn)} (${open.events.length} of the ${open.count} events its count says)`,
      );
    }
  }

  private fail(problem: string): false {
    this.error = `line ${this.line}: ${problem}`;
    return false;
  }
}
