/**
 * Turns a writer's transaction into what the SQL needs, before any connection is taken: validates
 * the topic and events (model/validate.ts), checks that each event's data is JSON, computes its
 * hash over the canonical JSON unless the writer gave one, and stores that canonical text as the
 * data (as the SQLite backend does, so both read back identical JSON). PostgreSQL text cannot hold U+0000 and
 * `pg` would silently replace a lone surrogate, so keys, content types and reasons containing
 * either are rejected with a BAD_REQUEST naming the field rather than stored altered.
 */
import { canonicalJson } from '../../model/canonical';
import { badRequest } from '../../model/errors';
import { hashCanonical } from '../../model/hash';
import type { AppendRequest } from '../../model/types';
import { contentTypeOf, validateAppendRequest, validateTopic } from '../../model/validate';

export interface PreparedEvent {
  key: string;
  /** Canonical JSON text (as SQLite stores it, so both backends read back the same bytes). */
  data: string;
  tomb: boolean;
  contentType: string;
  hash: string;
}

export interface PreparedTxn {
  topic: string;
  events: PreparedEvent[];
  expectMaxSeq: number | undefined;
}

/** Throws BAD_REQUEST when `text` cannot be stored unchanged in a PostgreSQL text column. */
export function checkStorableText(text: string, path: string): void {
  if (text.includes('\u0000')) throw badRequest(`${path}: the NUL character (U+0000) cannot be stored`);
  if (!text.isWellFormed()) throw badRequest(`${path}: contains a lone UTF-16 surrogate (not valid Unicode)`);
}

export function prepareTxn(topic: unknown, req: unknown, path = ''): PreparedTxn {
  const name = validateTopic(topic);
  const r: AppendRequest = validateAppendRequest(req, path);
  const events: PreparedEvent[] = new Array<PreparedEvent>(r.events.length);
  for (let i = 0; i < r.events.length; i++) {
    const e = r.events[i]!;
    const at = `${path}events[${i}]`;
    checkStorableText(e.key, `${at}.key`);
    const contentType = contentTypeOf(e);
    checkStorableText(contentType, `${at}.contentType`);
    const canonical = canonicalJson(e.data, `${at}.data`);
    events[i] = {
      key: e.key,
      data: canonical,
      tomb: e.data === null,
      contentType,
      hash: e.hash ?? hashCanonical(canonical),
    };
  }
  return { topic: name, events, expectMaxSeq: r.expectMaxSeq };
}
