/**
 * Content hashes: lowercase hex SHA-256 over the canonical JSON of an event's data. Node only
 * (uses node:crypto); the renderer never computes hashes.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical';

export function hashCanonical(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export function hashData(data: unknown): string {
  return hashCanonical(canonicalJson(data));
}
