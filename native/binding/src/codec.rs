//! Base64 and UTF-16 → UTF-8.
use myelin_core::{base64, utf16};
use napi::bindgen_prelude::{Buffer, Either, Uint8ArraySlice};
use napi::JsString;
use napi_derive::napi;

#[napi]
pub fn base64_encode(bytes: &[u8], url_safe: bool) -> String {
    let mut out = Vec::new();
    base64::encode(bytes, url_safe, &mut out);
    // base64 is ASCII
    unsafe { String::from_utf8_unchecked(out) }
}

/// `null` when the text is not base64 of the chosen alphabet. The text arrives
/// as UTF-8, so any non-ASCII character (or lone surrogate, as U+FFFD) is a
/// non-alphabet byte and rejected.
#[napi]
pub fn base64_decode(text: String, url_safe: bool, scratch: Uint8ArraySlice) -> Option<Either<u32, Buffer>> {
    let mut out = Vec::new();
    base64::decode(text.as_bytes(), url_safe, &mut out).ok()?;
    Some(crate::deliver(&out, scratch))
}

/// UTF-8 bytes (length in `scratch`, or a Buffer), or `-1 - index` of the first lone surrogate.
#[napi]
pub fn utf8_encode(text: JsString, scratch: Uint8ArraySlice) -> napi::Result<Either<i64, Buffer>> {
    let units = text.into_utf16()?;
    let mut out = Vec::new();
    Ok(match utf16::to_utf8(crate::utf16_units(&units), &mut out) {
        Ok(()) => match crate::deliver(&out, scratch) {
            Either::A(n) => Either::A(n as i64),
            Either::B(b) => Either::B(b),
        },
        Err(at) => Either::A(-1 - at as i64),
    })
}

#[napi]
pub fn find_lone_surrogate(text: JsString) -> napi::Result<i32> {
    let units = text.into_utf16()?;
    Ok(utf16::find_lone_surrogate(crate::utf16_units(&units)).map_or(-1, |i| i as i32))
}
