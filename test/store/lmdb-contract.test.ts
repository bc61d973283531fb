// The store contract on LMDB (a temp directory per test).
import { runStoreContract } from './contract.js';
import { lmdbHarness } from './lmdb-harness.js';

runStoreContract('lmdb', lmdbHarness);
