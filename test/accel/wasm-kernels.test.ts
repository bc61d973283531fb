// The wasm path's own checks (long inputs, large batches, memory growth); the
// cross-path suite in this folder covers the semantics on every path.
import { rustPathChecks } from './native-wasm-checks.js';

rustPathChecks('wasm');
