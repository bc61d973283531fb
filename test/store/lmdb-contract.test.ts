// The store contract on LMDB (a temp directory per test), with each durability
// mode: they share the write path up to the commit and differ in the fsync wait.
import { runStoreContract } from './contract.js';
import { lmdbHarness } from './lmdb-harness.js';

runStoreContract('lmdb', () => lmdbHarness());
runStoreContract('lmdb (disk durability)', () => lmdbHarness('disk'));
