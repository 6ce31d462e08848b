/**
 * `runContractSuite(label, makeStore, opts)`: the whole semantics of shared/API.md, exercised only
 * through the `EventStore` interface (the live tail and a closed store included), so it runs
 * unchanged against SQLite, the HTTP client, PostgreSQL and the in-memory reference store. `makeStore` must return a fresh, empty store (and a cleanup) each time it is called:
 * it is called before every test and once per property-test run. `propertyRuns` (default 50) lets
 * slower backends run fewer random histories.
 */
import { describe } from 'vitest';
import { batchCases } from './cases/batch';
import { batchOptionCases } from './cases/batch-options';
import { chainCases } from './cases/chain';
import { closedCases } from './cases/closed';
import { importCases } from './cases/import';
import { invalidateCases } from './cases/invalidate';
import { pageBytesCases } from './cases/page-bytes';
import { jsonLimitCases } from './cases/json-limits';
import { propertyCases } from './cases/property';
import { readCases } from './cases/reads';
import { repairCases } from './cases/repair';
import { republishCases } from './cases/republish';
import { surfaceCases } from './cases/surface';
import { tailCases } from './cases/tail';
import { timelineCases } from './cases/timeline';
import { storableTextCases } from './cases/text';
import { whoCases } from './cases/who';
import { writeCases } from './cases/writes';
import { verifyCases } from './cases/verify';
import { type ContractOptions, type MakeStore, useStore } from './harness';

export type { ContractOptions, MakeStore } from './harness';

export function runContractSuite(label: string, makeStore: MakeStore, opts: ContractOptions = {}): void {
  describe(`EventStore contract: ${label}`, () => {
    const fx = useStore(makeStore);
    writeCases(fx);
    batchCases(fx);
    batchOptionCases(fx);
    readCases(fx);
    pageBytesCases(fx);
    invalidateCases(fx);
    whoCases(fx);
    chainCases(fx);
    importCases(fx);
    verifyCases(fx);
    republishCases(fx);
    surfaceCases(fx);
    repairCases(fx);
    timelineCases(fx);
    storableTextCases(fx);
    jsonLimitCases(fx);
    tailCases(fx);
    closedCases(fx);
    propertyCases(makeStore, opts.propertyRuns ?? 50);
  });
}
