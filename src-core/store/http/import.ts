/**
 * The HTTP store's import: one `POST /v1/topics/{topic}/import` whose NDJSON body (per
 * transaction a `{"txn":TxnInfo}` line and its event lines, stringifyJson for values of any
 * depth) is produced as the request streams, so a long import is never held whole in memory. The
 * server checks and commits each transaction as it arrives and answers `ImportResult`; an aborted
 * signal cancels the request (CANCELLED; what the server committed stays, a rerun resumes).
 */
import type { ImportOptions, ImportResult, ImportTxn } from '../../model/integrity';
import { stringifyJson } from '../../model/json-write';
import { validateTopic } from '../../model/validate';
import type { WireRequestInit } from '../../wire/transport';
import { paths } from '../../wire/paths';
import type { HttpTransport } from './transport';

/** Transactions per body chunk handed to the connection. */
const CHUNK_TXNS = 64;

function bodyOf(txns: AsyncIterable<ImportTxn> | Iterable<ImportTxn>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const it: AsyncIterator<ImportTxn> | Iterator<ImportTxn> =
    Symbol.asyncIterator in txns ? txns[Symbol.asyncIterator]() : txns[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      let text = '';
      for (let n = 0; n < CHUNK_TXNS; n++) {
        const r = await it.next();
        if (r.done === true) {
          if (text !== '') controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        }
        text += `{"txn":${stringifyJson(r.value.txn)}}\n`;
        for (const e of r.value.events) text += stringifyJson(e) + '\n';
      }
      controller.enqueue(encoder.encode(text));
    },
    cancel: async () => {
      await it.return?.();
    },
  });
}

export async function importOverHttp(
  t: HttpTransport,
  topic: string,
  txns: AsyncIterable<ImportTxn> | Iterable<ImportTxn>,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const path = paths.import(validateTopic(topic));
  const init: WireRequestInit & { duplex: 'half' } = {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', accept: 'application/json' },
    body: bodyOf(txns),
    duplex: 'half',
    what: `POST ${path}`,
  };
  if (opts.signal !== undefined) init.signal = opts.signal;
  const res = await t.send('POST', path, init);
  const result = await t.jsonOf<ImportResult>(res, `POST ${path}`);
  if (result.imported > 0) opts.onProgress?.(result.imported);
  return result;
}
