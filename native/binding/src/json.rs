//! Canonical JSON, redaction and hash inputs.
use myelin_core::json::{self, JsonError, Mode, RedactionRules};
use myelin_core::utf16;
use napi::bindgen_prelude::{Buffer, Either, Uint32Array};
use napi::JsString;
use napi_derive::napi;

use crate::parallel;

/// Why a text was refused: `code` as CanonicalJsonErrorCode (1 = syntax … 8 = too_deep), byte offset.
#[napi(object)]
pub struct JsonFailure {
    pub code: u32,
    pub offset: u32,
}

pub(crate) fn failure(e: JsonError) -> JsonFailure {
    JsonFailure { code: e.code as u32, offset: e.offset as u32 }
}

pub(crate) fn mode(compat: bool) -> Mode {
    if compat { Mode::Compat } else { Mode::Strict }
}

pub(crate) fn rules(json: &[u8]) -> napi::Result<RedactionRules> {
    RedactionRules::from_json(json).ok_or_else(|| napi::Error::from_reason("myelin: malformed redaction rules JSON"))
}

fn result(r: Result<(), JsonError>, out: Vec<u8>) -> Either<Buffer, JsonFailure> {
    match r {
        Ok(()) => Either::A(out.into()),
        Err(e) => Either::B(failure(e)),
    }
}

#[napi]
pub fn canonical_json(input: &[u8], compat: bool) -> Either<Buffer, JsonFailure> {
    let mut out = Vec::new();
    let r = json::canonicalize(input, mode(compat), &mut out);
    result(r, out)
}

/// A JS string, read as UTF-16 (N-API's UTF-8 accessor would replace a lone
/// surrogate with U+FFFD): a lone surrogate is `lone_surrogate` at the UTF-8
/// length of the text before it, reported before any parse.
#[napi]
pub fn canonical_json_string(input: JsString, compat: bool) -> napi::Result<Either<Buffer, JsonFailure>> {
    let units = input.into_utf16()?;
    let mut text = Vec::new();
    if let Err(at) = utf16::to_utf8(crate::utf16_units(&units), &mut text) {
        let mut prefix = Vec::new();
        let _ = utf16::to_utf8(&crate::utf16_units(&units)[..at], &mut prefix);
        return Ok(Either::B(JsonFailure { code: json::ErrorCode::LoneSurrogate as u32, offset: prefix.len() as u32 }));
    }
    let mut out = Vec::new();
    let r = json::canonicalize(&text, mode(compat), &mut out);
    Ok(result(r, out))
}

#[napi(object)]
pub struct JsonBatch {
    /// every canonical output, concatenated
    pub output: Buffer,
    /// per item: end offset in `output`, error code (0 = ok), error offset
    pub items: Uint32Array,
}

/// Many texts in one call: `input` holds them back to back, `ends[i]` is where
/// item i ends. Large batches are spread over the cores.
#[napi]
pub fn canonical_json_batch(input: &[u8], ends: &[u32], compat: bool) -> napi::Result<JsonBatch> {
    if ends.windows(2).any(|w| w[0] > w[1]) || ends.last().is_some_and(|&e| e as usize > input.len()) {
        return Err(napi::Error::from_reason("myelin: batch offsets out of order or past the input"));
    }
    let mode = mode(compat);
    let start = |i: usize| if i == 0 { 0 } else { ends[i - 1] as usize };
    let parts = parallel::chunked(ends.len(), input.len() > 1 << 20, |range| {
        let mut out = Vec::with_capacity(start(range.end) - start(range.start));
        let mut items = Vec::with_capacity(range.len() * 3);
        for i in range {
            let mark = out.len();
            let (code, offset) = match json::canonicalize(&input[start(i)..ends[i] as usize], mode, &mut out) {
                Ok(()) => (0, 0),
                Err(e) => {
                    out.truncate(mark);
                    (e.code as u32, e.offset as u32)
                }
            };
            items.extend_from_slice(&[out.len() as u32, code, offset]);
        }
        (out, items)
    });
    if parts.len() == 1 {
        let (out, items) = parts.into_iter().next().unwrap();
        return Ok(JsonBatch { output: out.into(), items: items.into() });
    }
    let total = parts.iter().map(|p| p.0.len()).sum();
    let mut output = Vec::with_capacity(total);
    let mut items = Vec::with_capacity(ends.len() * 3);
    for (out, mut part_items) in parts {
        let base = output.len() as u32;
        for item in part_items.chunks_exact_mut(3) {
            item[0] += base;
        }
        output.extend_from_slice(&out);
        items.extend_from_slice(&part_items);
    }
    Ok(JsonBatch { output: output.into(), items: items.into() })
}

#[napi]
pub fn redact(event: &[u8], rules_json: &[u8], compat: bool) -> napi::Result<Either<Buffer, JsonFailure>> {
    let rules = rules(rules_json)?;
    let mut out = Vec::new();
    let r = json::redact(event, &rules, mode(compat), &mut out);
    Ok(result(r, out))
}

#[napi]
pub fn content_hash(event: &[u8], compat: bool) -> Either<Buffer, JsonFailure> {
    let mut input = Vec::new();
    match json::content_hash_input(event, mode(compat), &mut input) {
        Ok(()) => Either::A(crate::crypto::sha256_vec(&input).into()),
        Err(e) => Either::B(failure(e)),
    }
}

#[napi]
pub fn reference_hash(event: &[u8], rules_json: &[u8], compat: bool) -> napi::Result<Either<Buffer, JsonFailure>> {
    let rules = rules(rules_json)?;
    let mut input = Vec::new();
    Ok(match json::reference_hash_input(event, &rules, mode(compat), &mut input) {
        Ok(()) => Either::A(crate::crypto::sha256_vec(&input).into()),
        Err(e) => Either::B(failure(e)),
    })
}

/// The value of a JSON string literal's body, as a JS string.
#[napi]
pub fn decode_json_string(body: &[u8]) -> Either<String, JsonFailure> {
    let mut out = Vec::new();
    match utf16::decode_json_string(body, &mut out) {
        // the parser validated the UTF-8
        Ok(()) => Either::A(String::from_utf8(out).expect("validated UTF-8")),
        Err(e) => Either::B(failure(e)),
    }
}
