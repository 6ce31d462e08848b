/**
 * Snapshot upload for the diff route with XMLHttpRequest, because fetch cannot report upload
 * progress. Reports bytes sent while uploading, then an indeterminate "comparing" phase while the
 * server works; an AbortSignal aborts the request (CANCELLED). Also: the snapshot format from a
 * file name, and the Content-Type the route expects for each format.
 */
import { TidemarkError } from '../../src-core/model/errors';
import type { Progress, SnapshotFormat } from '../../src-core/model/store-api';
import { errorFromBody } from './errors';

export const CONTENT_TYPES: Record<SnapshotFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};

/** Format from the extension (.csv, .json, .ndjson/.jsonl), or null when unknown. */
export function formatFromName(name: string): SnapshotFormat | null {
  const m = /\.([a-z0-9]+)$/i.exec(name);
  const ext = m?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'json') return 'json';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  return null;
}

export interface UploadRequest {
  url: string;
  headers: Record<string, string>;
  body: Blob;
  contentType: string;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export function uploadJson<T>(req: UploadRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new TidemarkError('CANCELLED', 'The comparison was cancelled'));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', req.url);
    xhr.setRequestHeader('Content-Type', req.contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(req.headers)) xhr.setRequestHeader(k, v);
    xhr.responseType = 'text';
    const total = req.body.size;
    xhr.upload.onprogress = (e) => {
      req.onProgress?.({
        done: e.loaded,
        total: e.lengthComputable ? e.total : total,
        unit: 'bytes',
        phase: 'uploading',
      });
    };
    xhr.upload.onload = () => {
      req.onProgress?.({ done: total, total: null, unit: 'rows', phase: 'comparing' });
    };
    const onAbort = (): void => xhr.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => req.signal?.removeEventListener('abort', onAbort);
    xhr.onabort = () => {
      done();
      reject(new TidemarkError('CANCELLED', 'The comparison was cancelled'));
    };
    xhr.onerror = () => {
      done();
      reject(new TidemarkError('UNAVAILABLE', 'The snapshot upload could not reach the server'));
    };
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as T);
        } catch {
          reject(new TidemarkError('INTERNAL', 'The server answered the comparison with something that is not JSON'));
        }
      } else {
        reject(errorFromBody(xhr.status, xhr.responseText, 'The comparison'));
      }
    };
    req.onProgress?.({ done: 0, total, unit: 'bytes', phase: 'uploading' });
    xhr.send(req.body);
  });
}
