/**
 * Stored events and surface rows as JSON text, written from the data text the backends store
 * (canonical JSON, canonical.ts) without parsing it: what the server sends for pages of events and
 * of the surface. The text is byte for byte what `JSON.stringify` writes for the parsed page (the
 * contract shapes of types.ts, members in the order the backends build them), so a client sees no
 * difference. One exception needs the parse: canonical JSON sorts member names by code unit, but a
 * parsed object lists integer-like names ("0", "17") first in numeric order, so data holding such
 * a name is written as `JSON.stringify(JSON.parse(text))` would write it. Pure: no Node APIs.
 */
import { stringifyJson } from './json-write';
import type { EventPage, StoredEvent, SurfacePage, SurfaceRow } from './types';

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

/** A member name a JavaScript object would list first (an array index): any all-digit name, to be safe. */
const INDEX_LIKE_NAME = /"\d+":/;

/**
 * The JSON text of stored data as a parsed value of it is written: the text itself, unless it
 * holds an integer-like member name (see the module comment).
 */
export function dataJson(text: string): string {
  return INDEX_LIKE_NAME.test(text) ? stringifyJson(JSON.parse(text)) : text;
}

/** `JSON.stringify` of the event with its data parsed. */
export function eventJson(e: StoredEventText): string {
  let out =
    '{"topic":' +
    JSON.stringify(e.topic) +
    ',"seq":' +
    e.seq +
    ',"txn":' +
    e.txn +
    ',"key":' +
    JSON.stringify(e.key) +
    ',"type":' +
    JSON.stringify(e.type) +
    ',"data":' +
    dataJson(e.data) +
    ',"contentType":' +
    JSON.stringify(e.contentType) +
    ',"hash":' +
    JSON.stringify(e.hash) +
    ',"time":' +
    JSON.stringify(e.time);
  if (e.target !== undefined) out += ',"target":' + e.target;
  if (e.reason !== undefined) out += ',"reason":' + JSON.stringify(e.reason);
  if (e.invalid) out += ',"invalid":true';
  return out + '}';
}

/** `JSON.stringify` of the page with its events' data parsed. */
export function eventPageJson(page: EventTextPage): string {
  let out = '{"events":[';
  for (let i = 0; i < page.events.length; i++) out += (i > 0 ? ',' : '') + eventJson(page.events[i]!);
  return out + '],"next":' + (page.next === null ? 'null' : page.next) + '}';
}

/** `JSON.stringify` of the surface row with its data parsed. */
export function surfaceRowJson(r: SurfaceRowText): string {
  return (
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
    JSON.stringify(r.time) +
    (r.invalid ? ',"invalid":true}' : '}')
  );
}

/** `JSON.stringify` of the surface page with its rows' data parsed. */
export function surfacePageJson(page: SurfaceTextPage): string {
  let out = '{"rows":[';
  for (let i = 0; i < page.rows.length; i++) out += (i > 0 ? ',' : '') + surfaceRowJson(page.rows[i]!);
  return out + '],"next":' + (page.next === null ? 'null' : JSON.stringify(page.next)) + '}';
}
