/**
 * Stored events and surface rows as JSON text, written from the data text the backends store
 * (canonical JSON, canonical.ts) without parsing it: what the server sends for pages of events and
 * of the surface, a transaction (`GET …/txns/N`), the SSE backlog (server/sse.ts) and the surface
 * export's NDJSON lines (export/surface.ts). The text is byte for byte what `JSON.stringify`
 * writes for the parsed page (the contract shapes of types.ts, members in the order the backends
 * build them), so a client sees no difference. One exception needs the parse: canonical JSON sorts member names by code unit, but a
 * parsed object lists integer-like names ("0", "17") first in numeric order, so data holding such
 * a name is written as `JSON.stringify(JSON.parse(text))` would write it. Pure: no Node APIs.
 */
import { stringifyJson } from './json-write';
import type { EventPage, StoredEvent, SurfacePage, SurfaceRow, TxnInfo } from './types';

/** A stored event whose `data` is the stored JSON text (`null` for a marker or a tombstone). */
export interface StoredEventText extends Omit<StoredEvent, 'data'> {
  data: string;
}

/** A surface row whose `data` is the stored JSON text. */
export interface SurfaceRowText extends Omit<SurfaceRow, 'data'> {
  data: string;
}

export interface EventTextPage extends Omit<EventPage, 'events'> {
  events: StoredEventText[];
}

export interface SurfaceTextPage extends Omit<SurfacePage, 'rows'> {
  rows: SurfaceRowText[];
}

/** A transaction with its events (`TxnDetail`) whose data is the stored JSON text. */
export interface TxnTextDetail extends TxnInfo {
  events: StoredEventText[];
}

/** A member name a JavaScript object would list first (an array index): any all-digit name, to be safe. */
const INDEX_LIKE_NAME = /"\d+":/;

/**
 * The JSON text of stored data as a parsed value of it is written: the text itself, unless it
 * holds an integer-like member name (see the module comment).
 */
export function dataJson(text: string): string {
  return INDEX_LIKE_NAME.test(text) ? stringifyJson(JSON.parse(text)) : text;
}

/**
 * Where a page's text goes, piece by piece: a string being built, or the server's response buffer
 * (server/json-bytes.ts), which encodes each piece as it comes instead of encoding one long string
 * built from thousands of pieces at the end.
 */
export interface JsonSink {
  add(text: string): void;
}

/** The last value written and its JSON text: the strings a page repeats (topic, type, content type, time). */
class Quoted {
  private last: string | undefined;
  private text = '';
  of(value: string): string {
    if (value !== this.last) {
      this.last = value;
      this.text = JSON.stringify(value);
    }
    return this.text;
  }
}

/**
 * `eventJson` for a run of events (a page, a stream), remembering the JSON of the strings
 * consecutive events share.
 */
export function eventWriter(): (e: StoredEventText) => string {
  const topic = new Quoted();
  const type = new Quoted();
  const contentType = new Quoted();
  const time = new Quoted();
  return (e) => {
    let out =
      '{"topic":' +
      topic.of(e.topic) +
      ',"seq":' +
      e.seq +
      ',"txn":' +
      e.txn +
      ',"key":' +
      JSON.stringify(e.key) +
      ',"type":' +
      type.of(e.type) +
      ',"data":' +
      dataJson(e.data) +
      ',"contentType":' +
      contentType.of(e.contentType) +
      ',"hash":' +
      JSON.stringify(e.hash) +
      ',"time":' +
      time.of(e.time);
    if (e.target !== undefined) out += ',"target":' + e.target;
    if (e.reason !== undefined) out += ',"reason":' + JSON.stringify(e.reason);
    if (e.invalid) out += ',"invalid":true';
    return out + '}';
  };
}

/** `JSON.stringify` of the event with its data parsed. */
export function eventJson(e: StoredEventText): string {
  return eventWriter()(e);
}

/** Writes `JSON.stringify` of the page with its events' data parsed to `sink`, an event at a time. */
export function writeEventPage(page: EventTextPage, sink: JsonSink): void {
  writeList(sink, '{"events":[', page.events, eventWriter());
  sink.add('],"next":' + (page.next === null ? 'null' : page.next) + '}');
}

/**
 * Writes `JSON.stringify` of the transaction with its events' data parsed to `sink`: its
 * `TxnInfo` members as the backends build them (`meta` is stored parsed and written as before),
 * then `events`, an event at a time.
 */
export function writeTxnDetail(detail: TxnTextDetail, sink: JsonSink): void {
  const { events, ...info } = detail;
  const head = stringifyJson(info);
  writeList(sink, head.slice(0, -1) + ',"events":[', events, eventWriter());
  sink.add(']}');
}

/** `JSON.stringify` of the transaction with its events' data parsed. */
export function txnDetailJson(detail: TxnTextDetail): string {
  const sink = new StringSink();
  writeTxnDetail(detail, sink);
  return sink.text;
}

/** Writes `open`, then each item's JSON, comma-separated, one `add` per item. */
function writeList<T>(sink: JsonSink, open: string, items: readonly T[], write: (item: T) => string): void {
  sink.add(open);
  for (let i = 0; i < items.length; i++) sink.add(i > 0 ? ',' + write(items[i]!) : write(items[i]!));
}

/** A sink that builds one string. */
class StringSink implements JsonSink {
  text = '';
  add(text: string): void {
    this.text += text;
  }
}

/** `JSON.stringify` of the page with its events' data parsed. */
export function eventPageJson(page: EventTextPage): string {
  const sink = new StringSink();
  writeEventPage(page, sink);
  return sink.text;
}

/** The surface row with its stored data text parsed: what `store.surface` gives for it. */
export function parsedSurfaceRow(r: SurfaceRowText): SurfaceRow {
  return { ...r, data: JSON.parse(r.data) as SurfaceRow['data'] };
}

/** `JSON.stringify` of a surface row with its data parsed, remembering the JSON of the time rows share. */
export function surfaceRowWriter(): (r: SurfaceRowText) => string {
  const time = new Quoted();
  return (r) =>
    '{"key":' +
    JSON.stringify(r.key) +
    ',"seq":' +
    r.seq +
    ',"txn":' +
    r.txn +
    ',"hash":' +
    JSON.stringify(r.hash) +
    ',"data":' +
    dataJson(r.data) +
    ',"time":' +
    time.of(r.time) +
    (r.invalid ? ',"invalid":true}' : '}');
}

/** Writes `JSON.stringify` of the surface page with its rows' data parsed to `sink`, a row at a time. */
export function writeSurfacePage(page: SurfaceTextPage, sink: JsonSink): void {
  writeList(sink, '{"rows":[', page.rows, surfaceRowWriter());
  sink.add('],"next":' + (page.next === null ? 'null' : JSON.stringify(page.next)) + '}');
}

/** `JSON.stringify` of the surface page with its rows' data parsed. */
export function surfacePageJson(page: SurfaceTextPage): string {
  const sink = new StringSink();
  writeSurfacePage(page, sink);
  return sink.text;
}
