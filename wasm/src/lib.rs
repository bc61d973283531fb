//! The wasm binding of myelin-core: `extern "C"` exports over linear memory.
//!
//! Protocol (single-threaded, one call at a time): JS asks for an input area
//! with `myelin_input(slot, len)` (slots 0–2, reused and grown across calls),
//! writes the bytes there, then calls an operation with the lengths. An
//! operation leaves its output in area `out` (bytes) and `out2` (u32 numbers) and
//! describes it in the result block at `myelin_result()`:
//! `[out_ptr, out_len, out2_ptr, out2_len, code, offset]`. JS copies what it needs
//! before the next call. `code` is 0 on success, else the kernel's error code
//! (canonical JSON: `ErrorCode`, 1 = syntax … 8 = too_deep).
//!
//! Hashing and Ed25519 are not here: on the wasm path they run in node:crypto.
#![no_std]
extern crate alloc;

use alloc::vec::Vec;
use core::cell::UnsafeCell;

use myelin_core::json::{self, ErrorCode, JsonError, Mode, RedactionRules};
use myelin_core::verify::{signature_of, signing_message, VerifyCode};
use myelin_core::{base64, utf16};

mod stateres;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[global_allocator]
static ALLOC: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

struct State {
    input: [Vec<u8>; 3],
    out: Vec<u8>,
    out2: Vec<u32>,
    result: [u32; 6],
}

impl State {
    /// Records the outputs and a status, returns the status.
    fn finish(&mut self, code: u32, offset: u32) -> u32 {
        self.result = [
            self.out.as_ptr() as u32,
            self.out.len() as u32,
            self.out2.as_ptr() as u32,
            self.out2.len() as u32,
            code,
            offset,
        ];
        code
    }

    fn finish_json(&mut self, r: Result<(), JsonError>) -> u32 {
        match r {
            Ok(()) => self.finish(0, 0),
            Err(e) => {
                self.out.clear();
                self.finish(e.code as u32, e.offset as u32)
            }
        }
    }

    /// Clears the outputs for a new call.
    fn reset(&mut self) {
        self.out.clear();
        self.out2.clear();
    }
}

struct Shared(UnsafeCell<State>);
// wasm32 here is single-threaded: no other thread can observe the state.
unsafe impl Sync for Shared {}

static STATE: Shared = Shared(UnsafeCell::new(State {
    input: [Vec::new(), Vec::new(), Vec::new()],
    out: Vec::new(),
    out2: Vec::new(),
    result: [0; 6],
}));

/// Runs `f` with the state, outputs cleared. Each export calls this exactly once,
/// so there is never a second live reference.
fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    // SAFETY: single-threaded, and no export re-enters another.
    let s = unsafe { &mut *STATE.0.get() };
    s.reset();
    f(s)
}

fn mode(compat: u32) -> Mode {
    if compat != 0 { Mode::Compat } else { Mode::Strict }
}

/// The first `len` bytes JS wrote into an input area.
fn bytes(v: &[u8], len: u32) -> &[u8] {
    &v[..(len as usize).min(v.len())]
}

fn words(bytes: &[u8]) -> &[u32] {
    if bytes.len() < 4 {
        return &[]; // an empty Vec's pointer is not aligned for u32
    }
    // SAFETY: input areas come from dlmalloc (8-aligned); a partial trailing word is ignored.
    unsafe { core::slice::from_raw_parts(bytes.as_ptr() as *const u32, bytes.len() / 4) }
}

fn units(v: &[u8], count: u32) -> &[u16] {
    let b = bytes(v, count.saturating_mul(2));
    if b.len() < 2 {
        return &[];
    }
    // SAFETY: as in `words`.
    unsafe { core::slice::from_raw_parts(b.as_ptr() as *const u16, b.len() / 2) }
}

/// Code for malformed redaction rules or verify metadata (not a JSON error code).
const BAD_REQUEST: u32 = 100;

#[no_mangle]
pub extern "C" fn myelin_version() -> u32 {
    myelin_core::version()
}

/// Pointer to the 6-word result block.
#[no_mangle]
pub extern "C" fn myelin_result() -> *const u32 {
    // SAFETY: a pointer only; JS reads it after calls complete.
    unsafe { (*STATE.0.get()).result.as_ptr() }
}

/// An input area of at least `len` bytes (contents unspecified), reused across calls.
#[no_mangle]
pub extern "C" fn myelin_input(slot: u32, len: u32) -> *mut u8 {
    with(|s| {
        let v = &mut s.input[(slot as usize).min(2)];
        v.clear();
        v.resize(len as usize, 0);
        v.as_mut_ptr()
    })
}

/// General-purpose allocation for other callers (e.g. state resolution).
#[no_mangle]
pub extern "C" fn myelin_alloc(len: u32) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len.max(1) as usize);
    let p = v.as_mut_ptr();
    core::mem::forget(v);
    p
}

/// Frees what `myelin_alloc(len)` returned.
///
/// # Safety
/// `ptr` must come from `myelin_alloc(len)` with the same `len`, freed once.
#[no_mangle]
pub unsafe extern "C" fn myelin_free(ptr: *mut u8, len: u32) {
    drop(Vec::from_raw_parts(ptr, 0, len.max(1) as usize));
}

/// SIMD levels, as one ASCII string in `out`: "json,base64,utf16".
#[no_mangle]
pub extern "C" fn myelin_simd_levels() -> u32 {
    with(|s| {
        let levels = [json::json_simd_level(), base64::base64_simd_level(), utf16::utf16_simd_level()];
        for (k, part) in levels.iter().enumerate() {
            if k > 0 {
                s.out.push(b',');
            }
            s.out.extend_from_slice(part.as_bytes());
        }
        s.finish(0, 0)
    })
}

// ---- canonical JSON ----

#[no_mangle]
pub extern "C" fn myelin_canonicalize(len: u32, compat: u32) -> u32 {
    with(|s| {
        let r = json::canonicalize(bytes(&s.input[0], len), mode(compat), &mut s.out);
        s.finish_json(r)
    })
}

/// Slot 0 holds `count` UTF-16LE code units (a JS string): a lone surrogate is
/// `lone_surrogate` at the UTF-8 length of the text before it.
#[no_mangle]
pub extern "C" fn myelin_canonicalize_utf16(count: u32, compat: u32) -> u32 {
    with(|s| {
        let [text, utf8, _] = &mut s.input;
        let text = units(text, count);
        utf8.clear();
        if let Err(at) = utf16::to_utf8(text, utf8) {
            let _ = utf16::to_utf8(&text[..at], utf8);
            let offset = utf8.len() as u32;
            return s.finish(ErrorCode::LoneSurrogate as u32, offset);
        }
        let r = json::canonicalize(utf8, mode(compat), &mut s.out);
        s.finish_json(r)
    })
}

/// Slot 0: the texts back to back; slot 1: `count` u32 end offsets. Output: the
/// canonical texts back to back; out2: per item [end in out, code, offset].
#[no_mangle]
pub extern "C" fn myelin_canonicalize_batch(count: u32, compat: u32) -> u32 {
    with(|s| {
        let texts = &s.input[0];
        let ends = words(bytes(&s.input[1], count.saturating_mul(4)));
        let mut start = 0usize;
        for &end in ends {
            let end = (end as usize).clamp(start, texts.len());
            let mark = s.out.len();
            let (code, offset) = match json::canonicalize(&texts[start..end], mode(compat), &mut s.out) {
                Ok(()) => (0, 0),
                Err(e) => {
                    s.out.truncate(mark);
                    (e.code as u32, e.offset as u32)
                }
            };
            s.out2.extend_from_slice(&[s.out.len() as u32, code, offset]);
            start = end;
        }
        s.finish(0, 0)
    })
}

#[no_mangle]
pub extern "C" fn myelin_redact(len: u32, rules_len: u32, compat: u32) -> u32 {
    with(|s| {
        let Some(rules) = RedactionRules::from_json(bytes(&s.input[1], rules_len)) else {
            return s.finish(BAD_REQUEST, 0);
        };
        let r = json::redact(bytes(&s.input[0], len), &rules, mode(compat), &mut s.out);
        s.finish_json(r)
    })
}

/// The bytes the content hash covers (hashed in JS).
#[no_mangle]
pub extern "C" fn myelin_content_hash_input(len: u32, compat: u32) -> u32 {
    with(|s| {
        let r = json::content_hash_input(bytes(&s.input[0], len), mode(compat), &mut s.out);
        s.finish_json(r)
    })
}

/// The bytes the reference hash covers (hashed in JS).
#[no_mangle]
pub extern "C" fn myelin_reference_hash_input(len: u32, rules_len: u32, compat: u32) -> u32 {
    with(|s| {
        let Some(rules) = RedactionRules::from_json(bytes(&s.input[1], rules_len)) else {
            return s.finish(BAD_REQUEST, 0);
        };
        let r = json::reference_hash_input(bytes(&s.input[0], len), &rules, mode(compat), &mut s.out);
        s.finish_json(r)
    })
}

#[no_mangle]
pub extern "C" fn myelin_decode_json_string(len: u32) -> u32 {
    with(|s| {
        let r = utf16::decode_json_string(bytes(&s.input[0], len), &mut s.out);
        s.finish_json(r)
    })
}

// ---- base64 ----

#[no_mangle]
pub extern "C" fn myelin_base64_encode(len: u32, url_safe: u32) -> u32 {
    with(|s| {
        base64::encode(bytes(&s.input[0], len), url_safe != 0, &mut s.out);
        s.finish(0, 0)
    })
}

/// Code 1 when the text is not base64 of the chosen alphabet.
#[no_mangle]
pub extern "C" fn myelin_base64_decode(len: u32, url_safe: u32) -> u32 {
    with(|s| match base64::decode(bytes(&s.input[0], len), url_safe != 0, &mut s.out) {
        Ok(()) => s.finish(0, 0),
        Err(_) => s.finish(1, 0),
    })
}

// ---- UTF-16 ----

/// Slot 0: `count` UTF-16LE units → UTF-8 in out; code 1 with offset = index of a lone surrogate.
#[no_mangle]
pub extern "C" fn myelin_utf16_to_utf8(count: u32) -> u32 {
    with(|s| match utf16::to_utf8(units(&s.input[0], count), &mut s.out) {
        Ok(()) => s.finish(0, 0),
        Err(at) => s.finish(1, at as u32),
    })
}

/// Index of the first lone surrogate among `count` UTF-16LE units in slot 0, or -1.
#[no_mangle]
pub extern "C" fn myelin_find_lone_surrogate(count: u32) -> i32 {
    with(|s| utf16::find_lone_surrogate(units(&s.input[0], count)).map_or(-1, |i| i as i32))
}

// ---- signature verification: everything but the Ed25519 check ----

/// Prepares a verifyBatch for node:crypto.
/// - slot 0: the objects back to back
/// - slot 1: u32 words `[n, m, objectEnds[n], requiredEnds[n], nameEnds[2m]]`, then the
///   names (server j, key id j, UTF-8) back to back
/// - slot 2: redaction rules JSON (`rules_len` bytes) when `has_rules`
///
/// Output: out = m 64-byte signatures (zeros where not found), then the signing
/// messages back to back; out2 = per object [code, message end (relative to the
/// messages)], then per requirement its code (0 = signature found and decoded).
#[no_mangle]
pub extern "C" fn myelin_verify_prepare(meta_len: u32, rules_len: u32, has_rules: u32, compat: u32) -> u32 {
    with(|s| {
        let meta = bytes(&s.input[1], meta_len);
        let w = words(meta);
        let (n, m) = match w {
            [n, m, ..] => (*n as usize, *m as usize),
            _ => return s.finish(BAD_REQUEST, 0),
        };
        let header = 2 + 2 * n + 2 * m;
        if w.len() < header {
            return s.finish(BAD_REQUEST, 0);
        }
        let (object_ends, required_ends, name_ends) = (&w[2..2 + n], &w[2 + n..2 + 2 * n], &w[2 + 2 * n..header]);
        let names = &meta[header * 4..];
        let rules = match (has_rules != 0).then(|| RedactionRules::from_json(bytes(&s.input[2], rules_len))) {
            Some(None) => return s.finish(BAD_REQUEST, 0),
            Some(r) => r,
            None => None,
        };
        let name = |k: usize| {
            let start = if k == 0 { 0 } else { name_ends[k - 1] as usize };
            let end = (name_ends[k] as usize).min(names.len());
            &names[start.min(end)..end]
        };
        let objects = &s.input[0];
        let (out, codes) = (&mut s.out, &mut s.out2);
        out.resize(64 * m, 0);
        codes.resize(2 * n + m, 0);
        let (mut start, mut req) = (0usize, 0usize);
        for i in 0..n {
            let end = (object_ends[i] as usize).clamp(start, objects.len());
            let req_end = (required_ends[i] as usize).clamp(req, m);
            let mark = out.len();
            let code = match json::parse(&objects[start..end], mode(compat)) {
                Err(_) => VerifyCode::BadJson,
                Ok(doc) => match signing_message(&doc, rules.as_ref(), out) {
                    Err(c) => {
                        out.truncate(mark);
                        c
                    }
                    Ok(()) => {
                        for j in req..req_end {
                            codes[2 * n + j] = match signature_of(&doc, name(2 * j), name(2 * j + 1)) {
                                Ok(sig) => {
                                    out[64 * j..64 * j + 64].copy_from_slice(&sig);
                                    0
                                }
                                Err(c) => c as u32,
                            };
                        }
                        VerifyCode::Ok
                    }
                },
            };
            codes[2 * i] = code as u32;
            codes[2 * i + 1] = (out.len() - 64 * m) as u32;
            start = end;
            req = req_end;
        }
        s.finish(0, 0)
    })
}
