/**
 * Content hashes: lowercase hex SHA-256 over the canonical JSON of an event's data. It lives in
 * store/, not model/, because it needs node:crypto and model imports no `node:*` (the renderer
 * imports model and never computes hashes). Uses Node's one-shot `crypto.hash` where it exists
 * (Node >= 20.12), which skips the Hash object of `createHash` per event.
 */
import * as crypto from 'node:crypto';
import { canonicalJson } from '../model/canonical';

type OneShotHash = (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** SHA-256 through a Hash object: the reference the one-shot path is tested against. */
export function hashCanonicalReference(canonical: string): string {
  return crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Lowercase hex SHA-256 of the UTF-8 text of a canonical JSON string. */
export const hashCanonical: (canonical: string) => string =
  typeof oneShot === 'function' ? (text) => oneShot('sha256', text, 'hex') : hashCanonicalReference;

/** Lowercase hex SHA-256 of bytes (store/chain-one.ts hashes a layout it wrote as bytes). */
export const hashBytes: (bytes: Uint8Array) => string =
  typeof oneShot === 'function'
    ? (bytes) => oneShot('sha256', bytes, 'hex')
    : (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

export function hashData(data: unknown): string {
  return hashCanonical(canonicalJson(data));
}
