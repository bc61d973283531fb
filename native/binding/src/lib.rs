//! The N-API binding of myelin-core. Thin: convert buffers, call the core, convert
//! back. Batches cross the boundary once (one concatenated buffer + offsets), never
//! once per item. Error codes mirror `src/accel/types.ts`; the TypeScript wrapper in
//! `src/accel/native/` turns them into CanonicalJsonError / Base64Error / LoneSurrogateError.
use napi::bindgen_prelude::{Buffer, Either, Uint8ArraySlice};
use napi_derive::napi;

mod codec;
mod crypto;
mod json;
mod parallel;
mod stateres;

/// Bytes for JS: copied into the caller's `scratch` when they fit (the length is
/// returned), else a new Buffer. Creating a Buffer over Rust memory costs far more
/// than a copy for the sizes Matrix deals in (an external buffer's finalizer
/// must be tracked by V8's GC), so every per-item kernel returns this way.
pub(crate) fn deliver(bytes: &[u8], mut scratch: Uint8ArraySlice) -> Either<u32, Buffer> {
    // SAFETY: JS is blocked in this call; nothing else writes the scratch meanwhile.
    let scratch = unsafe { scratch.as_mut() };
    match scratch.get_mut(..bytes.len()) {
        Some(dst) => {
            dst.copy_from_slice(bytes);
            Either::A(bytes.len() as u32)
        }
        None => Either::B(bytes.to_vec().into()),
    }
}

/// The code units of a string read with `into_utf16` (which appends a NUL).
pub(crate) fn utf16_units<'a>(s: &'a napi::JsStringUtf16) -> &'a [u16] {
    let all = s.as_slice();
    &all[..all.len().saturating_sub(1)]
}

#[napi]
pub fn version() -> u32 {
    myelin_core::version()
}

/// CPU features found at run time, for `myelin doctor`.
#[napi]
pub fn cpu_features() -> Vec<String> {
    myelin_core::simd::cpu_features().into_iter().map(String::from).collect()
}

#[napi(object)]
pub struct SimdLevels {
    pub canonical_json: String,
    pub base64: String,
    pub utf16: String,
    pub sha256: String,
    pub ed25519: String,
}

/// Which code each kernel runs on this CPU.
#[napi]
pub fn simd_levels() -> SimdLevels {
    SimdLevels {
        canonical_json: myelin_core::json::json_simd_level().into(),
        base64: myelin_core::base64::base64_simd_level().into(),
        utf16: myelin_core::utf16::utf16_simd_level().into(),
        sha256: crypto::sha256_level().into(),
        ed25519: crypto::ed25519_level().into(),
    }
}
