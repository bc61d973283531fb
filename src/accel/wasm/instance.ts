// Instantiates wasm/myelin.wasm (myelin-core built for wasm32 + simd128, committed
// to the repository) synchronously, once, and wraps its linear-memory protocol
// (see wasm/src/lib.rs): input areas, the result block, output areas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../native/addon.js';

/** The exports myelin-wasm defines; others may add more (state resolution). */
export interface MyelinWasmExports {
  readonly memory: WasmMemory;
  myelin_version(): number;
  myelin_result(): number;
  myelin_input(slot: number, len: number): number;
  myelin_alloc(len: number): number;
  myelin_free(ptr: number, len: number): void;
  myelin_simd_levels(): number;
  myelin_canonicalize(len: number, compat: number): number;
  myelin_canonicalize_utf16(units: number, compat: number): number;
  myelin_canonicalize_batch(count: number, compat: number): number;
  myelin_redact(len: number, rulesLen: number, compat: number): number;
  myelin_content_hash_input(len: number, compat: number): number;
  myelin_reference_hash_input(len: number, rulesLen: number, compat: number): number;
  myelin_decode_json_string(len: number): number;
  myelin_base64_encode(len: number, urlSafe: number): number;
  myelin_base64_decode(len: number, urlSafe: number): number;
  myelin_utf16_to_utf8(units: number): number;
  myelin_find_lone_surrogate(units: number): number;
  myelin_verify_prepare(metaLen: number, rulesLen: number, hasRules: number, compat: number): number;
}

/** What the last call left: outputs (bytes, u32 words) and its status. */
export interface WasmResult {
  readonly outPtr: number;
  readonly outLen: number;
  readonly out2Ptr: number;
  readonly out2Len: number;
  readonly code: number;
  readonly offset: number;
}

export interface WasmRuntime {
  /** every export, typed for Myelin's kernels and open to exports added later */
  readonly exports: MyelinWasmExports & Readonly<Record<string, unknown>>;
  readonly memory: WasmMemory;
  /** a block of linear memory for the caller's own use; free it with `free(ptr, len)` */
  alloc(len: number): number;
  free(ptr: number, len: number): void;
  /** a view of linear memory (invalid once memory grows: take it after the call) */
  bytes(ptr: number, len: number): Uint8Array;
  words(ptr: number, count: number): Uint32Array;
  /** copies `data` into input area `slot` (0–2); returns its length */
  writeInput(slot: number, data: Uint8Array): number;
  /** copies a JS string as UTF-16LE code units (lone surrogates kept) into input area `slot`; returns the unit count */
  writeUtf16(slot: number, text: string): number;
  /** writes a string as UTF-8 (lone surrogates become U+FFFD) into input area `slot`; returns the byte length */
  writeUtf8(slot: number, text: string): number;
  result(): WasmResult;
  /** the last call's byte output, copied out */
  output(): Uint8Array;
  /** the last call's word output, as a view */
  output2(): Uint32Array;
}

/** The WebAssembly API as used here (the ES2022 + node typings do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let runtime: WasmRuntime | Error | undefined;

/** The instantiated wasm module, or why it cannot be loaded. Cached. */
export function wasmInstance(): WasmRuntime | Error {
  if (runtime !== undefined) return runtime;
  try {
    runtime = instantiate(join(packageRoot(), 'wasm', 'myelin.wasm'));
  } catch (err) {
    runtime = err instanceof Error ? err : new Error(String(err));
  }
  return runtime;
}

function instantiate(file: string): WasmRuntime {
  const module = new WebAssemblyApi.Module(readFileSync(file));
  const instance = new WebAssemblyApi.Instance(module, {});
  const exports = instance.exports as unknown as MyelinWasmExports & Readonly<Record<string, unknown>>;
  if (typeof exports.myelin_verify_prepare !== 'function') {
    throw new Error(`${file} is not a current myelin wasm build (run \`npm run build:wasm\`)`);
  }
  const memory = exports.memory;
  const resultPtr = exports.myelin_result();
  const bytes = (ptr: number, len: number) => new Uint8Array(memory.buffer, ptr, len);
  const words = (ptr: number, count: number) => new Uint32Array(memory.buffer, ptr, count);
  const result = (): WasmResult => {
    const r = words(resultPtr, 6);
    return { outPtr: r[0]!, outLen: r[1]!, out2Ptr: r[2]!, out2Len: r[3]!, code: r[4]!, offset: r[5]! };
  };
  return {
    exports,
    memory,
    alloc: (len) => exports.myelin_alloc(len),
    free: (ptr, len) => exports.myelin_free(ptr, len),
    bytes,
    words,
    writeInput(slot, data) {
      const ptr = exports.myelin_input(slot, data.byteLength);
      bytes(ptr, data.byteLength).set(data);
      return data.byteLength;
    },
    writeUtf16(slot, text) {
      const ptr = exports.myelin_input(slot, text.length * 2);
      // Buffer's utf16le writer copies code units as they are, lone surrogates included.
      Buffer.from(memory.buffer, ptr, text.length * 2).write(text, 'utf16le');
      return text.length;
    },
    writeUtf8(slot, text) {
      const max = text.length * 3;
      const ptr = exports.myelin_input(slot, max);
      return Buffer.from(memory.buffer, ptr, max).write(text, 'utf8');
    },
    result,
    output() {
      const r = result();
      return bytes(r.outPtr, r.outLen).slice();
    },
    output2() {
      const r = result();
      return words(r.out2Ptr, r.out2Len);
    },
  };
}
