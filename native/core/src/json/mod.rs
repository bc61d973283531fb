//! Canonical JSON (Matrix spec appendix), redaction and the hash/signing inputs,
//! with the exact semantics of `notes/JSON-SEMANTICS.md` (error code + byte offset
//! identical to the TypeScript and wasm paths).
//!
//! Layout, and why:
//! - One left-to-right, iterative parse (explicit frame stack, depth ≤ 256, so no
//!   recursion on input) builds a flat *tape*: `Vec<Node>` in pre-order, 16 bytes a
//!   node, no allocation per node. Containers store the index one past their
//!   subtree, so a subtree is skipped in O(1).
//! - Strings and numbers are slices: of the input when they can be emitted as they
//!   stand (a string with no escape needs no work: its bytes, quotes included, are
//!   copied straight from the input), or of a side arena. Escaped *keys* are decoded
//!   there (keys are compared); escaped *values* are rewritten there directly into
//!   their canonical escaping (values are only emitted, so emission stays a copy;
//!   the rare reader of such a value decodes it). Compat floats are rendered there
//!   once as Python's repr.
//! - Each object's members are sorted once, when the object closes, into a shared
//!   `members` index array (key node indices, ordered by a 16-byte big-endian key
//!   prefix, then the full bytes on a tie). The same sort finds duplicate keys
//!   (adjacent equal keys) in O(n log n), so 100k-key objects stay cheap; an error
//!   met later reports an earlier duplicate of a still-open object first
//!   (`parse::Parser::fail`).
//! - Emission walks the tape with an explicit container stack into one output buffer
//!   reserved at the input's size; short pieces are copied inline, not by memcpy
//!   calls. Event operations (content hash, redaction, reference hash, signing input)
//!   are filters on that walk: one parse, no intermediate document.
//! - `Scratch` keeps the buffers between texts, so a batch allocates nothing per text.
//! - String scanning (find `"`, `\`, bytes < 0x20 or ≥ 0x80) is SIMD: SSE2 inline on
//!   x86_64 with AVX2 for long runs when detected at run time (feature `std`),
//!   simd128 on wasm32, NEON on aarch64, SWAR otherwise (`scan.rs`). Non-ASCII bytes
//!   are validated as UTF-8 one sequence at a time, so ASCII runs never leave SIMD.
//! - Offsets are u32 (inputs of 4 GiB or more are refused): half the tape size.

use alloc::vec::Vec;

mod emit;
mod number;
mod parse;
mod redact;
mod scan;

pub use parse::{Document, Scratch};
pub use redact::RedactionRules;

/// strict: room v6+ and everything Myelin signs; compat: room v1–v5 (python canonicaljson).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Strict,
    Compat,
}

/// Mirrors `CanonicalJsonErrorCode` in `src/accel/types.ts`.
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ErrorCode {
    Syntax = 1,
    InvalidUtf8 = 2,
    LoneSurrogate = 3,
    DuplicateKey = 4,
    NotInteger = 5,
    IntegerRange = 6,
    NumberRange = 7,
    TooDeep = 8,
}

impl ErrorCode {
    /// The name used by the TypeScript interface (`'syntax'`, `'invalid_utf8'`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::Syntax => "syntax",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::LoneSurrogate => "lone_surrogate",
            ErrorCode::DuplicateKey => "duplicate_key",
            ErrorCode::NotInteger => "not_integer",
            ErrorCode::IntegerRange => "integer_range",
            ErrorCode::NumberRange => "number_range",
            ErrorCode::TooDeep => "too_deep",
        }
    }
}

/// Why a text was refused, and the byte offset in the input where.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct JsonError {
    pub code: ErrorCode,
    pub offset: usize,
}

impl JsonError {
    #[inline]
    pub(crate) fn new(code: ErrorCode, offset: usize) -> JsonError {
        JsonError { code, offset }
    }
}

/// Nesting limit (arrays plus objects); the 257th opener is `TooDeep`.
pub const MAX_DEPTH: usize = 256;

/// Top-level keys left out of the content hash (spec, plus Synapse's `compute_content_hash` extras).
pub const CONTENT_HASH_DROPPED: &[&[u8]] =
    &[b"age_ts", b"destinations", b"hashes", b"outlier", b"signatures", b"unsigned"];
/// Top-level keys left out of the reference hash (after redaction).
pub const REFERENCE_HASH_DROPPED: &[&[u8]] = &[b"age_ts", b"signatures", b"unsigned"];
/// Top-level keys left out of the signing input (after redaction, when rules are given).
pub const SIGNING_DROPPED: &[&[u8]] = &[b"signatures", b"unsigned"];

/// Whole JSON text → its canonical bytes, appended to `out`. On error `out` may hold
/// partial output; the caller truncates.
pub fn canonicalize(input: &[u8], mode: Mode, out: &mut Vec<u8>) -> Result<(), JsonError> {
    let doc = parse(input, mode)?;
    doc.emit(out);
    Ok(())
}

/// `canonicalize` reusing `scratch`'s buffers (no allocation per text once they have grown).
pub fn canonicalize_with(scratch: &mut Scratch, input: &[u8], mode: Mode, out: &mut Vec<u8>) -> Result<(), JsonError> {
    let doc = parse::parse_with(input, mode, scratch)?;
    doc.emit(out);
    doc.recycle(scratch);
    Ok(())
}

/// `parse` reusing `scratch`'s buffers; hand them back with `Document::recycle`.
pub fn parse_with<'a>(input: &'a [u8], mode: Mode, scratch: &mut Scratch) -> Result<Document<'a>, JsonError> {
    parse::parse_with(input, mode, scratch)
}

/// Parse and validate `input` once; the document borrows it.
pub fn parse(input: &[u8], mode: Mode) -> Result<Document<'_>, JsonError> {
    parse::parse(input, mode)
}

/// The canonical JSON that the content hash is computed over.
pub fn content_hash_input(input: &[u8], mode: Mode, out: &mut Vec<u8>) -> Result<(), JsonError> {
    parse(input, mode)?.emit_event(None, CONTENT_HASH_DROPPED, out)
}

/// The canonical JSON of the event redacted by `rules`.
pub fn redact(input: &[u8], rules: &RedactionRules, mode: Mode, out: &mut Vec<u8>) -> Result<(), JsonError> {
    parse(input, mode)?.emit_event(Some(rules), &[], out)
}

/// The canonical JSON that the reference hash (event id, room v3+) is computed over.
pub fn reference_hash_input(
    input: &[u8],
    rules: &RedactionRules,
    mode: Mode,
    out: &mut Vec<u8>,
) -> Result<(), JsonError> {
    parse(input, mode)?.emit_event(Some(rules), REFERENCE_HASH_DROPPED, out)
}

/// The canonical JSON that signatures are made and checked over: redacted first when
/// `rules` are given, then without `signatures` and `unsigned`.
pub fn signing_input(
    input: &[u8],
    rules: Option<&RedactionRules>,
    mode: Mode,
    out: &mut Vec<u8>,
) -> Result<(), JsonError> {
    parse(input, mode)?.emit_event(rules, SIGNING_DROPPED, out)
}

/// Which string-scanning code this build/CPU uses: "avx2", "sse2", "simd128", "neon" or "scalar".
pub fn json_simd_level() -> &'static str {
    scan::level_name()
}

#[cfg(test)]
mod tests;
