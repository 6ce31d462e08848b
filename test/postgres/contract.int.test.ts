/**
 * The EventStore contract suite, unchanged, against the PostgreSQL backend directly: every test
 * (and every property-test run) gets a fresh store in its own PostgreSQL schema, dropped after.
 */
import { runContractSuite } from '../contract/suite';
import { makePgStore } from './pg-helpers';

runContractSuite('postgres', async () => {
  const { store, cleanup } = await makePgStore();
  return { store, cleanup };
});
