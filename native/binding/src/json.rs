//! Canonical JSON, redaction and hash inputs.
use myelin_core::json::{self, JsonError, Mode, RedactionRules};
use myelin_core::utf16;
use napi::bindgen_prelude::{Buffer, Either, Either3, Uint32ArraySlice, Uint8ArraySlice};
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

/// Output length in `scratch`, or a Buffer when it does not fit, or why the text was refused.
pub type JsonOutput = Either3<u32, Buffer, JsonFailure>;

fn result(r: Result<(), JsonError>, out: &[u8], scratch: Uint8ArraySlice) -> JsonOutput {
    match r {
        Ok(()) => match crate::deliver(out, scratch) {
            Either::A(n) => Either3::A(n),
            Either::B(b) => Either3::B(b),
        },
        Err(e) => Either3::C(failure(e)),
    }
}

#[napi]
pub fn canonical_json(input: &[u8], compat: bool, scratch: Uint8ArraySlice) -> JsonOutput {
    let mut out = Vec::new();
    let r = json::canonicalize(input, mode(compat), &mut out);
    result(r, &out, scratch)
}

/// A JS string, read as UTF-16 (N-API's UTF-8 accessor would replace a lone
/// surrogate with U+FFFD): a lone surrogate is `lone_surrogate` at the UTF-8
/// length of the text before it, reported before any parse.
#[napi]
pub fn canonical_json_string(input: JsString, compat: bool, scratch: Uint8ArraySlice) -> napi::Result<JsonOutput> {
    let units = input.into_utf16()?;
    let mut text = Vec::new();
    if let Err(at) = utf16::to_utf8(crate::utf16_units(&units), &mut text) {
        let mut prefix = Vec::new();
        let _ = utf16::to_utf8(&crate::utf16_units(&units)[..at], &mut prefix);
        return Ok(Either3::C(JsonFailure { code: json::ErrorCode::LoneSurrogate as u32, offset: prefix.len() as u32 }));
    }
    let mut out = Vec::new();
    let r = json::canonicalize(&text, mode(compat), &mut out);
    Ok(result(r, &out, scratch))
}

/// Many texts in one call: `input` holds them back to back, `ends[i]` is where
/// item i ends. Writes per item [end in the output, error code (0 = ok), error
/// offset] into `items` (3 words each) and returns the canonical texts back to
/// back (in `scratch` when they fit). Large batches are spread over the cores.
#[napi]
pub fn canonical_json_batch(
    input: &[u8],
    ends: &[u32],
    compat: bool,
    mut items_out: Uint32ArraySlice,
    scratch: Uint8ArraySlice,
) -> napi::Result<Either<u32, Buffer>> {
    // SAFETY: JS is blocked in this call; nothing else writes the array meanwhile.
    let items_out = unsafe { items_out.as_mut() };
    if items_out.len() != ends.len() * 3 {
        return Err(napi::Error::from_reason("myelin: batch result array must hold 3 words per item"));
    }
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
        items_out.copy_from_slice(&items);
        return Ok(crate::deliver(&out, scratch));
    }
    let total = parts.iter().map(|p| p.0.len()).sum();
    let mut output = Vec::with_capacity(total);
    let mut k = 0;
    for (out, part_items) in parts {
        let base = output.len() as u32;
        for item in part_items.chunks_exact(3) {
            items_out[k..k + 3].copy_from_slice(&[item[0] + base, item[1], item[2]]);
            k += 3;
        }
        output.extend_from_slice(&out);
    }
    Ok(crate::deliver(&output, scratch))
}

#[napi]
pub fn redact(event: &[u8], rules_json: &[u8], compat: bool, scratch: Uint8ArraySlice) -> napi::Result<JsonOutput> {
    let rules = rules(rules_json)?;
    let mut out = Vec::new();
    let r = json::redact(event, &rules, mode(compat), &mut out);
    Ok(result(r, &out, scratch))
}

#[napi]
pub fn content_hash(event: &[u8], compat: bool, scratch: Uint8ArraySlice) -> JsonOutput {
    let mut input = Vec::new();
    let r = json::content_hash_input(event, mode(compat), &mut input);
    result(r, &crate::crypto::sha256_vec(&input), scratch)
}

#[napi]
pub fn reference_hash(event: &[u8], rules_json: &[u8], compat: bool, scratch: Uint8ArraySlice) -> napi::Result<JsonOutput> {
    let rules = rules(rules_json)?;
    let mut input = Vec::new();
    let r = json::reference_hash_input(event, &rules, mode(compat), &mut input);
    Ok(result(r, &crate::crypto::sha256_vec(&input), scratch))
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
