// The native path's own checks (long inputs, large batches, scratch overflow); the
// cross-path suite in this folder covers the semantics on every path.
import { rustPathChecks } from './native-wasm-checks.js';

rustPathChecks('native');
