/**
 * Events as a person writes them, in text: the one parser of `{"key","data"[,"hash","contentType"]}`
 * objects shared by the CLI (`tidemark write`, NDJSON lines from a stream: cli/ndjson-input.ts
 * splits the lines) and the app's New transaction editor (pasted or dropped text), so both give the
 * same answers in the same words. Each event is read by the model's strict JSON reader (a duplicate
 * member name, a number beyond ±2^53 or nesting deeper than the limit is refused as over HTTP) and
 * checked by the model's validator (validate.ts `validateEventInput`); any other field is refused so
 * a typo cannot go unnoticed. Messages name where: `line 17: key: must be ...`.
 *
 * `parseEventsText` reads a whole text: a JSON array of events (`[{…},{…}]`), one JSON object
 * (possibly over several lines), or NDJSON (one event per line, blank lines skipped but counted).
 * Every problem is collected (up to `maxProblems`), not just the first, so an editor can show them
 * all in place. `splitIntoTxns` cuts events into transactions of at most LIMITS.eventsPerTxnMax, in
 * order: what an import of a large file writes, one after the other. Pure: no Node APIs.
 */
import { badRequest } from './errors';
import { parseJsonText } from './json-text';
import { LIMITS } from './limits';
import type { EventInput } from './types';
import { validateEventInput } from './validate';

const ALLOWED = new Set(['key', 'data', 'hash', 'contentType']);

/** Checks one parsed event value; messages start with `where: ` (`line 3`, `events[2]`). */
export function eventFromValue(value: unknown, where: string): EventInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`${where}: must be a JSON object with "key" and "data"`);
  }
  for (const field of Object.keys(value)) {
    if (!ALLOWED.has(field)) {
      throw badRequest(`${where}: ${JSON.stringify(field)}: unknown field (allowed: key, data, hash, contentType)`);
    }
  }
  try {
    // The path '@' is stripped below so messages read "key: must be ..." not "@.key: ...".
    return validateEventInput(value, '@');
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^@\.?/, '') : String(err);
    throw badRequest(`${where}: ${message}`);
  }
}

/** Parses one NDJSON line into an event, or throws BAD_REQUEST naming the line. */
export function parseEventLine(line: string, lineNo: number): EventInput {
  const where = `line ${lineNo}`;
  // The line is one event: its members (data among them) get the full depth limit.
  return eventFromValue(parseJsonText(line, { envelope: 1, at: where, prefix: `${where}: ` }), where);
}

export interface EventTextProblem {
  /** 1-based line of the text where the problem is (for an array: the line its element starts on is not tracked, 1). */
  line: number;
  message: string;
}

export interface ParsedEvents {
  /** How the text was read. */
  form: 'empty' | 'array' | 'object' | 'ndjson';
  events: EventInput[];
  problems: EventTextProblem[];
  /** True when more problems exist than `problems` holds. */
  moreProblems: boolean;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads events from text (see the module comment). A text with problems still returns the events
 * that were good, but a caller must not write any of them: a transaction is all or nothing.
 */
export function parseEventsText(text: string, maxProblems = 20): ParsedEvents {
  const trimmed = text.trim();
  if (trimmed === '') return { form: 'empty', events: [], problems: [], moreProblems: false };
  const problems: EventTextProblem[] = [];
  let moreProblems = false;
  const problem = (line: number, message: string): void => {
    if (problems.length < maxProblems) problems.push({ line, message });
    else moreProblems = true;
  };
  if (trimmed.startsWith('[')) {
    let value: unknown;
    try {
      // The array and each event object are the envelope: data members get the full depth.
      value = parseJsonText(trimmed, { envelope: 2, at: 'the text' });
    } catch (err) {
      problem(1, messageOf(err));
      return { form: 'array', events: [], problems, moreProblems };
    }
    const items = value as unknown[];
    const events: EventInput[] = [];
    items.forEach((item, i) => {
      try {
        events.push(eventFromValue(item, `events[${i}]`));
      } catch (err) {
        problem(1, messageOf(err));
      }
    });
    if (items.length === 0) problem(1, 'the text: an empty array holds no events');
    return { form: 'array', events, problems, moreProblems };
  }
  const lines = text.split('\n');
  const nonBlank = lines.filter((l) => l.trim() !== '');
  // One object over several lines (pretty-printed): read whole when its first line is not an event by itself.
  if (nonBlank.length > 1 && trimmed.startsWith('{') && !firstLineIsObject(nonBlank[0]!)) {
    try {
      const event = eventFromValue(parseJsonText(trimmed, { envelope: 1, at: 'the text' }), 'the event');
      return { form: 'object', events: [event], problems, moreProblems };
    } catch (err) {
      problem(1, messageOf(err));
      return { form: 'object', events: [], problems, moreProblems };
    }
  }
  const events: EventInput[] = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    try {
      events.push(parseEventLine(line, i + 1));
    } catch (err) {
      problem(i + 1, messageOf(err));
    }
  });
  return { form: nonBlank.length === 1 ? 'object' : 'ndjson', events, problems, moreProblems };
}

function firstLineIsObject(line: string): boolean {
  try {
    const v = parseJsonText(line, { envelope: 1 });
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** Events cut into consecutive transactions of at most `size` (default LIMITS.eventsPerTxnMax). */
export function splitIntoTxns(events: readonly EventInput[], size: number = LIMITS.eventsPerTxnMax): EventInput[][] {
  if (!Number.isInteger(size) || size < 1 || size > LIMITS.eventsPerTxnMax) {
    throw badRequest(`size: must be an integer from 1 to ${LIMITS.eventsPerTxnMax}`);
  }
  const out: EventInput[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
  return out;
}
