/**
 * Runs the EventStore contract suite against the in-memory reference store (a fresh store for
 * every test and every property-test run): the oracle the other backends are checked against must
 * itself keep the whole contract.
 */
import { openMemoryStore } from '../../src-core/store/memory/index';
import { runContractSuite } from './suite';

runContractSuite('memory', async () => {
  const store = openMemoryStore();
  return { store, cleanup: () => store.close() };
});
