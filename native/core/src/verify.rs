//! What batch signature verification needs from each signed object, shared by the
//! native binding (which then verifies with ed25519-dalek) and the wasm binding
//! (which hands the pieces to node:crypto): the signing input (redacted first when
//! rules are given, then without `signatures` and `unsigned`, canonical) and each
//! required signature looked up in the ORIGINAL object and base64-decoded.
use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::base64;
use crate::json::{Document, RedactionRules, SIGNING_DROPPED};

/// Per-object (and per-signature) result codes; mirror `VerifyFailure` in
/// `src/accel/types.ts`, 0 meaning success.
#[repr(u32)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VerifyCode {
    Ok = 0,
    BadJson = 1,
    MissingSignature = 2,
    BadSignatureEncoding = 3,
    InvalidSignature = 4,
}

/// The canonical bytes the signatures of `doc` cover; `BadJson` if the root is not an object.
pub fn signing_message(doc: &Document, rules: Option<&RedactionRules>, out: &mut Vec<u8>) -> Result<(), VerifyCode> {
    doc.emit_event(rules, SIGNING_DROPPED, out).map_err(|_| VerifyCode::BadJson)
}

/// `signatures[server][key_id]` of the object, decoded: absent (or a parent that is
/// not an object) is `MissingSignature`; present but not a string, or not base64
/// (padded or unpadded, trailing bits ignored) of exactly 64 bytes, is `BadSignatureEncoding`.
pub fn signature_of(doc: &Document, server: &[u8], key_id: &[u8]) -> Result<[u8; 64], VerifyCode> {
    let path: [&[u8]; 3] = [b"signatures", server, key_id];
    let text: Cow<[u8]> = match doc.get_str(&path) {
        Some(t) => t,
        None if doc.find(&path).is_some() => return Err(VerifyCode::BadSignatureEncoding),
        None => return Err(VerifyCode::MissingSignature),
    };
    // 64 bytes are 86 characters unpadded, 88 padded: refuse anything longer before decoding.
    if text.len() > 88 {
        return Err(VerifyCode::BadSignatureEncoding);
    }
    let mut raw = Vec::with_capacity(66);
    base64::decode(&text, false, &mut raw).map_err(|_| VerifyCode::BadSignatureEncoding)?;
    raw.as_slice().try_into().map_err(|_| VerifyCode::BadSignatureEncoding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse, Mode};

    const SIG: &str = "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ";

    fn lookup(json: &str, server: &str, key: &str) -> Result<[u8; 64], VerifyCode> {
        let doc = parse(json.as_bytes(), Mode::Strict).unwrap();
        signature_of(&doc, server.as_bytes(), key.as_bytes())
    }

    #[test]
    fn finds_and_decodes_the_signature() {
        let json = alloc::format!(r#"{{"signatures":{{"example.org":{{"ed25519:1":"{SIG}"}}}}}}"#);
        let sig = lookup(&json, "example.org", "ed25519:1").unwrap();
        assert_eq!(&sig[..3], &[0x2b, 0xcd, 0xbc]);
        assert_eq!(lookup(&json, "example.org", "ed25519:2"), Err(VerifyCode::MissingSignature));
        assert_eq!(lookup(&json, "other.org", "ed25519:1"), Err(VerifyCode::MissingSignature));
    }

    #[test]
    fn classifies_bad_shapes() {
        let m = Err(VerifyCode::MissingSignature);
        let e = Err(VerifyCode::BadSignatureEncoding);
        assert_eq!(lookup(r#"{}"#, "s", "k"), m);
        assert_eq!(lookup(r#"{"signatures":[]}"#, "s", "k"), m);
        assert_eq!(lookup(r#"{"signatures":{"s":"x"}}"#, "s", "k"), m);
        assert_eq!(lookup(r#"{"signatures":{"s":{"k":5}}}"#, "s", "k"), e);
        assert_eq!(lookup(r#"{"signatures":{"s":{"k":{}}}}"#, "s", "k"), e);
        assert_eq!(lookup(r#"{"signatures":{"s":{"k":"AAAA"}}}"#, "s", "k"), e);
        assert_eq!(lookup(r#"{"signatures":{"s":{"k":"!!"}}}"#, "s", "k"), e);
    }

    #[test]
    fn signing_message_redacts_and_strips() {
        let doc = parse(br#"{"b":1,"unsigned":{"x":1},"signatures":{},"a":"x"}"#, Mode::Strict).unwrap();
        let mut out = Vec::new();
        signing_message(&doc, None, &mut out).unwrap();
        assert_eq!(out, br#"{"a":"x","b":1}"#);
        let doc = parse(b"[1]", Mode::Strict).unwrap();
        assert_eq!(signing_message(&doc, None, &mut Vec::new()), Err(VerifyCode::BadJson));
    }
}
