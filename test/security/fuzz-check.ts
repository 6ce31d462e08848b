/**
 * The properties of the HTTP boundary fuzz test (fuzz-boundary.int.test.ts): `check` sends one
 * described request to a server and fails, with the request, the answer, the oracle's reading and
 * the server's log tail, on a 5xx, a 4xx without the JSON error envelope (or a 401 without
 * `WWW-Authenticate: Bearer`), the web UI on an API path, a 2xx beyond what the caller's role may
 * do (route-oracle.ts; in loopback mode, a 2xx for a foreign Host or a state-changing request
 * from a foreign Origin), a hostile body accepted, or the store changed by a refused request or a
 * GET/HEAD. It also tallies how many plain requests succeeded, so the test is not vacuous.
 */
import { build, roleOf } from './fuzz-render';
import { type Fuzz, HOSTS_OK, ORIGINS_FOREIGN } from './fuzz-requests';
import { type Target, fingerprint } from './fuzz-servers';
import { type RawAnswer, type RawRequest, answerJson, envelopeOf, sendRaw } from './raw-http';
import { classify, mayPass } from './route-oracle';

function describeRequest(r: RawRequest): string {
  const headers = r.headers.map(([n, v]) => `${n}: ${v.length > 80 ? `${v.slice(0, 40)}…(${v.length} chars)` : v}`);
  const body = r.body
    ? `${r.body.length} bytes${r.chunked ? ' chunked' : ''}: ${JSON.stringify(r.body.subarray(0, 120).toString('latin1'))}`
    : 'none';
  return `${r.method} ${r.target}\n  ${headers.join('\n  ')}\n  body ${body}`;
}

function describeAnswer(a: RawAnswer): string {
  return `${a.status} content-type=${a.headers['content-type'] ?? '(none)'}${a.cut ? ' (stream)' : ''} ${JSON.stringify(a.text.slice(0, 300))}`;
}

const isLoopbackHost = (host: string): boolean => HOSTS_OK.includes(host);
const isForeignOrigin = (origin: string | null): boolean => origin !== null && ORIGINS_FOREIGN.includes(origin);

/** The end of what the server wrote to stderr (where `tidemark serve` logs errors). */
function serverLog(t: Target): string {
  return JSON.stringify(t.served.stderr().slice(-1500));
}

export interface Tally {
  plain: number;
  plainOk: number;
}

export async function check(f: Fuzz, t: Target, tally: Tally): Promise<void> {
  const { req, mustRefuse } = build(f, t);
  const before = await fingerprint(t.store);
  let answer: RawAnswer;
  try {
    answer = await sendRaw(t.port, req);
  } catch (e) {
    const state = t.served.proc.exitCode !== null || t.served.proc.signalCode !== null ? 'has exited' : 'is running';
    throw new Error(
      `${e instanceof Error ? e.message : String(e)}\n[${t.mode} server, which ${state}] request:\n${describeRequest(req)}\n` +
        `server log (tail): ${serverLog(t)}`,
    );
  }
  const after = await fingerprint(t.store);
  const c = classify(req.method, req.target);
  const ok = answer.status >= 200 && answer.status < 300;
  const ct = answer.headers['content-type'] ?? '';
  const fail = (what: string): never => {
    throw new Error(
      `${what}\n[${t.mode} server] request:\n${describeRequest(req)}\nanswer: ${describeAnswer(answer)}\n` +
        `oracle: api=${c.api} need=${c.need} routes=${c.routes.join(',') || '-'}`,
    );
  };

  if (f.plain) {
    tally.plain++;
    if (ok) tally.plainOk++;
  }
  if (answer.status >= 500) fail(`a 5xx answer; server log (tail): ${serverLog(t)}`);
  if (answer.status >= 400) {
    if (!/^application\/json/i.test(ct)) fail('a 4xx without a JSON content type');
    if (req.method !== 'HEAD' && envelopeOf(answer) === null)
      fail('a 4xx without the {"error":{"code","message"}} envelope');
    if (answer.status === 401 && !/^Bearer/i.test(answer.headers['www-authenticate'] ?? '')) {
      fail('a 401 without WWW-Authenticate: Bearer');
    }
  }
  // The UI's own files (this test's build has only HTML and JavaScript) may answer a path that
  // some reading takes as a UI path; nothing else justifies a 2xx without the role.
  const isUi = /^text\/(html|javascript)/i.test(ct);
  if (c.api && isUi) fail('an API path answered with the web UI');
  if (ok && !(c.ui && isUi)) {
    if (t.mode === 'tokens' && !mayPass(roleOf(f.auth), c.need)) {
      fail(`a 2xx the caller's role (${roleOf(f.auth) ?? 'no valid token'}) does not allow`);
    }
    if (t.mode === 'open') {
      if (c.need === 'none') fail('a 2xx for an API path that names no route');
      if (c.anyApi && !isLoopbackHost(f.host)) fail('a 2xx in no-token mode for a Host that is not loopback');
      if ((c.need === 'write' || c.need === 'admin') && isForeignOrigin(f.origin)) {
        fail('a 2xx in no-token mode for a state-changing request from a foreign Origin');
      }
    }
  }
  if (ok) {
    if (mustRefuse && c.routes.length > 0) {
      if (c.routes.every((r) => r === 'append' || r === 'invalidate')) fail('a hostile body was accepted (2xx)');
      if (c.routes.every((r) => r === 'batch')) {
        const error = (answerJson(answer) as { error?: unknown } | null)?.error;
        if (error === null || error === undefined) fail('a hostile body was accepted by /v1/batch without an error');
      }
    }
  }
  if (!ok && after !== before) fail(`a refused request changed the store:\nbefore:\n${before}\nafter:\n${after}`);
  if ((req.method === 'GET' || req.method === 'HEAD') && after !== before) {
    fail(`a ${req.method} changed the store:\nbefore:\n${before}\nafter:\n${after}`);
  }
}
