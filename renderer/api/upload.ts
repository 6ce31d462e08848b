/**
 * Snapshot upload for the diff and repair routes with XMLHttpRequest, because fetch cannot report
 * upload progress: the browser's own part of a diff or a repair. Reports bytes sent while
 * uploading, then an indeterminate phase ("comparing", or the caller's) while the server works;
 * an AbortSignal aborts the request (CANCELLED). A FormData body (a repair of chosen keys) goes
 * with the browser's own multipart Content-Type, which carries the boundary. The URL, the Content-Type of each format and the error rules are the wire's
 * (src-core/wire/); `formatFromName` is the wire's file-name rule under the name the screens use.
 * The answer is bounded as every client's is (src-core/wire/body-read.ts): a 2xx answer past
 * `LIMITS.answerBytesMax` bytes is aborted and refused (INTERNAL, naming the bound), an error
 * answer past `LIMITS.errorAnswerBytesMax` is aborted and reported by its status alone.
 */
import type { Progress } from '../../src-core/model/store-api';
import { LIMITS } from '../../src-core/model/limits';
import { answerTooLarge } from '../../src-core/wire/body-read';
import { cancelled, errorFromStatus, notJson, unreachable } from '../../src-core/wire/envelope';

export { formatFromFileName as formatFromName } from '../../src-core/wire/snapshot-format';

export interface UploadRequest {
  url: string;
  /** The server, for messages. */
  base: string;
  headers: Record<string, string>;
  /** The snapshot, or multipart parts (sent with the browser's multipart Content-Type). */
  body: Blob | FormData;
  /** The snapshot's media type (ignored for FormData). */
  contentType: string;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** For messages (default "The comparison"). */
  what?: string;
  /** The phase reported once uploaded (default "comparing"). */
  serverPhase?: string;
  /** Most bytes of a 2xx answer read (default `LIMITS.answerBytesMax`; tests lower it). */
  maxAnswerBytes?: number;
}

export function uploadJson<T>(req: UploadRequest): Promise<T> {
  const WHAT = req.what ?? 'The comparison';
  return new Promise<T>((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(cancelled(WHAT));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', req.url);
    if (!(req.body instanceof FormData)) xhr.setRequestHeader('Content-Type', req.contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(req.headers)) xhr.setRequestHeader(k, v);
    xhr.responseType = 'text';
    const total = req.body instanceof FormData ? null : req.body.size;
    xhr.upload.onprogress = (e) => {
      req.onProgress?.({
        done: e.loaded,
        total: e.lengthComputable ? e.total : total,
        unit: 'bytes',
        phase: 'uploading',
      });
    };
    xhr.upload.onload = () => {
      req.onProgress?.({ done: total ?? 0, total: null, unit: 'rows', phase: req.serverPhase ?? 'comparing' });
    };
    const onAbort = (): void => xhr.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => req.signal?.removeEventListener('abort', onAbort);
    // The answer past its bound: what to report once the abort it causes lands (null: a cancel).
    let refused: Error | null = null;
    const maxAnswer = req.maxAnswerBytes ?? LIMITS.answerBytesMax;
    xhr.onprogress = (e) => {
      const ok = xhr.status >= 200 && xhr.status < 300;
      const max = ok ? maxAnswer : LIMITS.errorAnswerBytesMax;
      if (refused !== null || e.loaded <= max) return;
      refused = ok ? answerTooLarge(WHAT, max) : errorFromStatus(xhr.status, '', WHAT);
      xhr.abort();
    };
    xhr.onabort = () => {
      done();
      reject(refused ?? cancelled(WHAT));
    };
    xhr.onerror = () => {
      done();
      reject(unreachable(WHAT, req.base, 'the upload failed'));
    };
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as T);
        } catch {
          reject(notJson(WHAT));
        }
      } else {
        reject(errorFromStatus(xhr.status, xhr.responseText, WHAT));
      }
    };
    req.onProgress?.({ done: 0, total, unit: 'bytes', phase: 'uploading' });
    xhr.send(req.body);
  });
}
