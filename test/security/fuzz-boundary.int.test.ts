/**
 * Property-based fuzz test of the HTTP boundary (issue 9, "Tests that must exist"). Real
 * `tidemark serve` processes, one with a token of each role and one with no tokens (loopback
 * mode), over (a) real SQLite files and (b) real PostgreSQL schemas (skipped, with the reason
 * printed, only when PostgreSQL cannot be reached), get random raw requests over `node:net`: real
 * routes spelled every way a router might normalise (percent-encoding of any character, case
 * changes, double slashes, dot segments, trailing `;` `?` `#` `/`, absolute-form targets), random
 * methods, Authorization (none, garbage, each role's token), Host, Origin, Content-Type and
 * framing, and bodies from valid writes to hostile JSON (hostile.ts). For every answer: no 5xx;
 * every 4xx is the `{"error":{"code","message"}}` envelope with a JSON content type (401 with
 * `WWW-Authenticate`); no 2xx beyond what the caller's role may do, judged by route-oracle.ts from
 * what the target decodes to (in loopback mode: no 2xx for a foreign Host, none for a
 * state-changing route with a foreign Origin); an API path never gets the web UI; the store is
 * unchanged after every refused request and after every GET/HEAD; a body that API.md requires to
 * be refused is never written. Fixed seed (TIDEMARK_FUZZ_SEED), bounded runs (TIDEMARK_FUZZ_RUNS);
 * fast-check prints the seed and the shrunk request on failure. Most requests from the right role
 * with valid bodies must succeed, so the test is not vacuous.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgUnreachable } from '../postgres/pg-helpers';
import { type Tally, check } from './fuzz-check';
import { type Focus, type Fuzz, KNOWN_BYPASSES, KNOWN_HOSTILE, fuzzArb, plainArb } from './fuzz-requests';
import { type Backend, seed, startBackend } from './fuzz-servers';

const SEED = Number(process.env.TIDEMARK_FUZZ_SEED ?? 20_261_129);
const RUNS = Number(process.env.TIDEMARK_FUZZ_RUNS ?? 200);

async function runProperty(
  b: Backend,
  arb: fc.Arbitrary<Fuzz>,
  runs: number,
  seedOffset: number,
  examples: Fuzz[] = [],
): Promise<Tally> {
  const tally: Tally = { plain: 0, plainOk: 0 };
  await fc.assert(
    fc.asyncProperty(arb, (f) => check(f, f.mode === 'tokens' ? b.tokens : b.open, tally)),
    // fast-check counts the examples in numRuns: `runs` random requests come after them.
    { seed: SEED + seedOffset, numRuns: runs + examples.length, examples: examples.map((e): [Fuzz] => [e]) },
  );
  return tally;
}

/** Mostly odd spellings, from callers without the role, with otherwise well-formed requests. */
const SPELLINGS: Focus = {
  spelled: 40,
  methods: 2,
  strangers: 12,
  writes: 2,
  hostile: 1,
  junk: 1,
  types: 2,
  headers: 4,
};
/** Mostly hostile bodies, on canonical write routes, from callers that hold the role. */
const HOSTILE: Focus = { spelled: 1, methods: 1, strangers: 1, writes: 24, hostile: 24, junk: 1, types: 1, headers: 2 };

function suite(name: string, start: () => Promise<Backend>): void {
  describe(name, () => {
    let b: Backend;
    beforeAll(async () => {
      b = await start();
      await seed(b.tokens);
      await seed(b.open);
    });
    afterAll(async () => {
      await b?.stop();
    });

    it('every spelling of every route, any method, token, Host and Origin: no 5xx, the envelope, no 2xx beyond the role, nothing changed when refused', async () => {
      const arb = fc.oneof({ weight: 1, arbitrary: plainArb }, { weight: 3, arbitrary: fuzzArb(SPELLINGS) });
      const tally = await runProperty(b, arb, RUNS, 0, KNOWN_BYPASSES);
      // Not vacuous: canonical requests from a sufficient role with valid bodies mostly succeed.
      expect(tally.plain).toBeGreaterThan(RUNS / 10);
      expect(tally.plainOk / tally.plain).toBeGreaterThanOrEqual(0.6);
    }, 120_000);

    it('hostile bodies (deep, wide, invalid UTF-8, lone surrogates, NUL, big integers, duplicate names, huge keys): refused with the envelope, never stored, never 5xx', async () => {
      const arb = fc.oneof({ weight: 1, arbitrary: plainArb }, { weight: 4, arbitrary: fuzzArb(HOSTILE) });
      const tally = await runProperty(b, arb, RUNS, 1, KNOWN_HOSTILE);
      expect(tally.plain).toBeGreaterThan(RUNS / 10);
      expect(tally.plainOk / tally.plain).toBeGreaterThanOrEqual(0.6);
    }, 120_000);
  });
}

const pgReason = await pgUnreachable();
if (pgReason !== null) console.warn(`fuzz-boundary: skipping the PostgreSQL variant: ${pgReason}`);

suite('fuzz the HTTP boundary over SQLite', () => startBackend('sqlite'));
describe.skipIf(pgReason !== null)('PostgreSQL', () => {
  suite('fuzz the HTTP boundary over PostgreSQL', () => startBackend('postgres'));
});
