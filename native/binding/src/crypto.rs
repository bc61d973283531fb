//! SHA-256 (sha2, SHA-NI at run time) and Ed25519 (ed25519-dalek) with the
//! libsodium/Synapse acceptance policy, plus whole-batch verification on every core.
use std::cell::RefCell;
use std::collections::HashMap;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use myelin_core::json::{self, RedactionRules};
use myelin_core::verify::{signature_of, signing_message, VerifyCode};
use napi::bindgen_prelude::{Buffer, Either, Uint32ArraySlice, Uint8ArraySlice};
use napi_derive::napi;
use sha2::{Digest, Sha256};

use crate::parallel;

pub(crate) fn sha256_vec(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

pub(crate) fn sha256_level() -> &'static str {
    if std::is_x86_feature_detected!("sha") { "sha2 crate (sha-ni)" } else { "sha2 crate (portable)" }
}

pub(crate) fn ed25519_level() -> &'static str {
    // curve25519-dalek's simd backend picks AVX2 at run time on x86_64 (its
    // AVX-512 IFMA backend needs a nightly compiler, which the shipped build does not use).
    if std::is_x86_feature_detected!("avx2") { "ed25519-dalek (avx2)" } else { "ed25519-dalek (serial)" }
}

#[napi]
pub fn sha256(bytes: &[u8], scratch: Uint8ArraySlice) -> Either<u32, Buffer> {
    crate::deliver(&sha256_vec(bytes), scratch)
}

fn seed(bytes: &[u8]) -> napi::Result<SigningKey> {
    let seed: &[u8; 32] = bytes
        .try_into()
        .map_err(|_| napi::Error::from_reason(format!("an Ed25519 seed is 32 bytes, not {}", bytes.len())))?;
    Ok(SigningKey::from_bytes(seed))
}

#[napi]
pub fn ed25519_public_key(seed_bytes: &[u8], scratch: Uint8ArraySlice) -> napi::Result<Either<u32, Buffer>> {
    Ok(crate::deliver(&seed(seed_bytes)?.verifying_key().to_bytes(), scratch))
}

thread_local! {
    /// Expanded signing keys by seed: a server signs everything with one or two
    /// keys, and expanding a seed (SHA-512 and a base-point multiplication for
    /// the public key) costs as much as the signature itself.
    static SIGNING_KEYS: RefCell<Vec<([u8; 32], SigningKey)>> = const { RefCell::new(Vec::new()) };
}

fn with_signing_key<T>(id: &[u8; 32], f: impl FnOnce(&SigningKey) -> T) -> T {
    SIGNING_KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, key)) = cache.iter().find(|(seed, _)| seed == id) {
            return f(key);
        }
        let key = SigningKey::from_bytes(id);
        let out = f(&key);
        if cache.len() >= 8 {
            cache.remove(0);
        }
        cache.push((*id, key));
        out
    })
}

fn seed_id(seed_bytes: &[u8]) -> napi::Result<[u8; 32]> {
    seed_bytes
        .try_into()
        .map_err(|_| napi::Error::from_reason(format!("an Ed25519 seed is 32 bytes, not {}", seed_bytes.len())))
}

#[napi]
pub fn ed25519_sign(seed_bytes: &[u8], message: &[u8], scratch: Uint8ArraySlice) -> napi::Result<Either<u32, Buffer>> {
    let signature = with_signing_key(&seed_id(seed_bytes)?, |key| key.sign(message));
    Ok(crate::deliver(&signature.to_bytes(), scratch))
}

/// Hashes and signs one of our own events in one crossing (spec: server-server
/// "Adding hashes and signatures to outgoing events"). `event` is the JSON text
/// of the event WITHOUT `hashes`, `signatures` and `unsigned`;
/// `signatures_prefix` the JSON text `"signatures":{"<server>":{"<key id>":"`.
/// Delivers (in `scratch` when it fits, else as a Buffer): the content hash
/// (32 bytes), our signature of the redacted event carrying that hash (64), the
/// SHA-256 of those same signed bytes (32: for an event without `age_ts`, its
/// reference hash, the v3+ event id), then the canonical JSON of the whole
/// signed event. Or why the text was refused.
#[napi]
pub fn sign_event(
    event: &[u8],
    rules_json: &[u8],
    compat: bool,
    seed_bytes: &[u8],
    signatures_prefix: &[u8],
    scratch: Uint8ArraySlice,
) -> napi::Result<crate::json::JsonOutput> {
    use napi::bindgen_prelude::Either3;
    let id = seed_id(seed_bytes)?;
    let rules = crate::json::rules(rules_json)?;
    let mode = crate::json::mode(compat);
    let mut input = Vec::with_capacity(event.len());
    if let Err(e) = json::content_hash_input(event, mode, &mut input) {
        return Ok(Either3::C(crate::json::failure(e)));
    }
    let content_hash = Sha256::digest(&input);
    // The event with `hashes` as its last member: the text parsed as an object,
    // so its last `}` closes it; a comma unless the object is empty.
    let Some(close) = event.iter().rposition(|&b| b == b'}') else {
        return Ok(Either3::C(crate::json::JsonFailure { code: json::ErrorCode::Syntax as u32, offset: event.len() as u32 }));
    };
    let empty = event[..close].iter().rev().find(|b| !b" \t\r\n".contains(b)) == Some(&b'{');
    let mut hashed = Vec::with_capacity(event.len() + 80);
    hashed.extend_from_slice(&event[..close]);
    hashed.extend_from_slice(if empty { &b"\"hashes\":{\"sha256\":\""[..] } else { &b",\"hashes\":{\"sha256\":\""[..] });
    myelin_core::base64::encode(&content_hash, false, &mut hashed);
    hashed.extend_from_slice(b"\"}}");
    input.clear();
    if let Err(e) = json::redact(&hashed, &rules, mode, &mut input) {
        return Ok(Either3::C(crate::json::failure(e)));
    }
    let signature = with_signing_key(&id, |key| key.sign(&input)).to_bytes();
    let reference_hash = Sha256::digest(&input);
    // The whole event: `hashed` without its closing brace, then our signatures.
    hashed.pop();
    hashed.push(b',');
    hashed.extend_from_slice(signatures_prefix);
    myelin_core::base64::encode(&signature, false, &mut hashed);
    hashed.extend_from_slice(b"\"}}}");
    let mut out = Vec::with_capacity(128 + hashed.len());
    out.extend_from_slice(&content_hash);
    out.extend_from_slice(&signature);
    out.extend_from_slice(&reference_hash);
    if let Err(e) = json::canonicalize(&hashed, mode, &mut out) {
        return Ok(Either3::C(crate::json::failure(e)));
    }
    Ok(match crate::deliver(&out, scratch) {
        Either::A(n) => Either3::A(n),
        Either::B(b) => Either3::B(b),
    })
}

/// y < p = 2^255 − 19 (sign bit ignored): libsodium refuses non-canonical public
/// keys, dalek's decompression reduces them silently.
fn is_canonical_point(p: &[u8; 32]) -> bool {
    if p[31] & 0x7f != 0x7f || p[1..31].iter().any(|&b| b != 0xff) {
        return true;
    }
    p[0] < 0xed
}

/// A public key as verification will use it: `None` if it cannot verify anything
/// (wrong length, non-canonical, not a point). Small-order keys are refused by
/// `verify_strict` itself.
fn verifying_key(bytes: &[u8]) -> Option<VerifyingKey> {
    let bytes: &[u8; 32] = bytes.try_into().ok()?;
    if !is_canonical_point(bytes) {
        return None;
    }
    VerifyingKey::from_bytes(bytes).ok()
}

/// libsodium semantics: S < L, A canonical and not of small order, R not of small
/// order, and the cofactorless equation with R compared byte for byte.
fn verify(key: &VerifyingKey, message: &[u8], signature: &[u8; 64]) -> bool {
    key.verify_strict(message, &Signature::from_bytes(signature)).is_ok()
}

thread_local! {
    /// Decompressed public keys for single verification: a server checks many
    /// signatures by few keys, and decompression is a square root per call.
    static KEYS: RefCell<HashMap<[u8; 32], Option<VerifyingKey>>> = RefCell::new(HashMap::new());
}

fn cached_verifying_key(bytes: &[u8]) -> Option<VerifyingKey> {
    let id: [u8; 32] = bytes.try_into().ok()?;
    KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(key) = cache.get(&id) {
            return *key;
        }
        if cache.len() >= 4096 {
            cache.clear();
        }
        let key = verifying_key(bytes);
        cache.insert(id, key);
        key
    })
}

#[napi]
pub fn ed25519_verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let (Some(key), Ok(sig)) = (cached_verifying_key(public_key), <&[u8; 64]>::try_from(signature)) else {
        return false;
    };
    verify(&key, message, sig)
}

/// Verifies every object of a batch in one call, spread over the cores.
///
/// - `objects`: the JSON texts back to back; `object_ends[i]` = end of object i
/// - `required_ends[i]` = end (exclusive) of object i's requirements in the lists below
/// - requirement j: server = `names[name_ends[2j-1]..name_ends[2j]]`, key id =
///   `names[name_ends[2j]..name_ends[2j+1]]`, public key = `keys[key_ends[j-1]..key_ends[j]]`
///   (previous end 0 for the first)
/// - `rules_json`: redaction rules (PDUs are signed in redacted form), or absent
///
/// Writes two numbers per object into `results`: a `VerifyCode` (0 ok, 1 bad_json,
/// 2 missing_signature, 3 bad_signature_encoding, 4 invalid_signature) and the index
/// of the failing requirement (0xffffffff when none).
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn verify_batch(
    objects: &[u8],
    object_ends: &[u32],
    required_ends: &[u32],
    names: &[u8],
    name_ends: &[u32],
    keys: &[u8],
    key_ends: &[u32],
    rules_json: Option<&[u8]>,
    compat: bool,
    mut results: Uint32ArraySlice,
) -> napi::Result<()> {
    // SAFETY: JS is blocked in this call; nothing else writes the array meanwhile.
    let results = unsafe { results.as_mut() };
    let n = object_ends.len();
    let m = key_ends.len();
    let ordered = |ends: &[u32], limit: usize| {
        ends.windows(2).all(|w| w[0] <= w[1]) && ends.last().is_none_or(|&e| e as usize <= limit)
    };
    if required_ends.len() != n
        || results.len() != 2 * n
        || name_ends.len() != 2 * m
        || !ordered(object_ends, objects.len())
        || !ordered(required_ends, m)
        || !ordered(name_ends, names.len())
        || !ordered(key_ends, keys.len())
    {
        return Err(napi::Error::from_reason("myelin: verifyBatch offsets are inconsistent"));
    }
    let rules: Option<RedactionRules> = rules_json.map(crate::json::rules).transpose()?;
    let mode = crate::json::mode(compat);
    let prev = |ends: &[u32], i: usize| if i == 0 { 0 } else { ends[i - 1] as usize };
    let name = |k: usize| &names[prev(name_ends, k)..name_ends[k] as usize];

    let parts = parallel::chunked(n, n >= 8, |range| {
        // Public keys repeat across a batch (one per origin server): decompress each once.
        let mut key_cache: HashMap<&[u8], Option<VerifyingKey>> = HashMap::new();
        let mut message = Vec::new();
        let mut out = Vec::with_capacity(range.len() * 2);
        for i in range {
            let object = &objects[prev(object_ends, i)..object_ends[i] as usize];
            let (code, failed) = verify_object(object, prev(required_ends, i)..required_ends[i] as usize, |j| {
                let key = &keys[prev(key_ends, j)..key_ends[j] as usize];
                (name(2 * j), name(2 * j + 1), *key_cache.entry(key).or_insert_with(|| verifying_key(key)))
            }, rules.as_ref(), mode, &mut message);
            out.extend_from_slice(&[code as u32, failed.map_or(u32::MAX, |j| j as u32)]);
        }
        out
    });
    for (dst, src) in results.iter_mut().zip(parts.iter().flatten()) {
        *dst = *src;
    }
    Ok(())
}

fn verify_object<'k>(
    object: &[u8],
    required: std::ops::Range<usize>,
    mut requirement: impl FnMut(usize) -> (&'k [u8], &'k [u8], Option<VerifyingKey>),
    rules: Option<&RedactionRules>,
    mode: json::Mode,
    message: &mut Vec<u8>,
) -> (VerifyCode, Option<usize>) {
    let Ok(doc) = json::parse(object, mode) else {
        return (VerifyCode::BadJson, None);
    };
    message.clear();
    if let Err(code) = signing_message(&doc, rules, message) {
        return (code, None);
    }
    for j in required {
        let (server, key_id, key) = requirement(j);
        let signature = match signature_of(&doc, server, key_id) {
            Ok(s) => s,
            Err(code) => return (code, Some(j)),
        };
        match key {
            Some(key) if verify(&key, message, &signature) => {}
            _ => return (VerifyCode::InvalidSignature, Some(j)),
        }
    }
    (VerifyCode::Ok, None)
}
