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
import type { SnapshotSource } from '../diff/types';
import type { HttpTransport } from '../store/http/transport';
import { readAnswerText } from '../wire/body-read';
import { paths } from '../wire/paths';
import { repairMultipart, repairQuery } from '../wire/repair-form';
import { postSnapshot } from './http-diff';
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
  let body = source.body;
  let size = source.size ?? null;
  let contentType = CONTENT_TYPES[format];
  if (keys !== undefined && keys !== null) {
    const form = repairMultipart(keys, { name: name ?? `snapshot.${format}`, format, body, size });
    body = form.body;
    size = form.size;
    contentType = form.contentType;
  }
  const post = {
    path: paths.repair(topic),
    body,
    size,
    headers: { 'content-type': contentType },
    query,
    source: source.body,
  };
  return postSnapshot(t, post, op, async (res) => {
    const text = await readAnswerText(res, 'The repair');
    try {
      return JSON.parse(text) as RepairResult;
    } catch {
      throw new TidemarkError('INTERNAL', `the server at ${t.url('')} answered the repair with malformed JSON`);
    }
  });
}
