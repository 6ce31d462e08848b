/**
 * The HTTP implementation's repair: the snapshot is streamed to the server's repair route
 * (`POST /v1/topics/{topic}/repair`), which runs the diff and writes next to the data, with `by`
 * the name of this client's token. Options go in the query (wire/repair-form.ts `repairQuery`);
 * chosen keys make the body multipart/form-data (wire/repair-form.ts `repairMultipart`: the keys
 * part, then the snapshot streamed). Options are checked here first with the generic repair's own
 * checks, so a bad one fails alike on every path and is never sent; `by` is refused (the server
 * sets it). Progress: bytes sent (phase `upload`); an aborted signal ends it with CANCELLED.
 */
import { TidemarkError } from '../model/errors';
import type { LongOperation } from '../model/store-api';
import type { RepairResult } from '../model/types';
import { byNotAccepted, validateTopic } from '../model/validate';
import { CONTENT_TYPES, parseSnapshotFormat } from '../diff/format';
import { checkOptions } from '../diff/options';
import { Pacer, cancelled } from '../diff/pacer';
import type { SnapshotSource } from '../diff/types';
import type { HttpTransport } from '../store/http/transport';
import { paths } from '../wire/paths';
import { repairMultipart, repairQuery } from '../wire/repair-form';
import type { WireRequestInit } from '../wire/transport';
import { Upload, cutOff } from './http-diff';
import { checkRepairOptions } from './repair-options';
import type { RepairOptions } from './types';

export async function httpRepair(
  t: HttpTransport,
  topic: string,
  source: SnapshotSource,
  opts: RepairOptions,
  op: LongOperation = {},
): Promise<RepairResult> {
  validateTopic(topic);
  const format = parseSnapshotFormat(source.format);
  if (opts.by !== undefined && opts.by !== null) throw byNotAccepted('by');
  const { include, keys, dryRun, expectMaxSeq, limit, reason, name, by, ...diff } = opts;
  void by;
  checkOptions(diff);
  checkRepairOptions(opts);
  const query = repairQuery({ ...diff, limit, include, reason, dryRun, expectMaxSeq, name });
  const pacer = new Pacer(op);
  pacer.check();
  let body = source.body;
  let size = source.size ?? null;
  let contentType = CONTENT_TYPES[format];
  if (keys !== undefined && keys !== null) {
    const form = repairMultipart(keys, { name: name ?? `snapshot.${format}`, format, body, size });
    body = form.body;
    size = form.size;
    contentType = form.contentType;
  }
  const headers: Record<string, string> = { 'content-type': contentType };
  if (size !== null) headers['content-length'] = String(size);
  const upload = new Upload(body, size, (sent, done) => {
    const p = { done: sent, total: done ? sent : size, unit: 'bytes' as const, phase: 'upload' };
    if (done) pacer.flush(p);
    else pacer.progress(p);
  });
  const stop = pacer.onAbort(source.body);
  try {
    const init: WireRequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers,
      body: upload.stream,
      duplex: 'half',
      query,
    };
    if (op.signal !== undefined) init.signal = op.signal;
    let res: Response;
    try {
      res = await t.fetch(paths.repair(topic), init);
    } catch (e) {
      if (op.signal?.aborted === true) throw cancelled();
      throw upload.failure ?? e;
    }
    if (res.status !== 200) throw await t.errorFrom(res);
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (op.signal?.aborted === true) throw cancelled();
      throw cutOff(t, e);
    }
    try {
      return JSON.parse(text) as RepairResult;
    } catch {
      throw new TidemarkError('INTERNAL', `the server at ${t.url('')} answered the repair with malformed JSON`);
    }
  } finally {
    stop();
    upload.release();
  }
}
