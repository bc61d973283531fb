//! Unit tests of the JSON kernel (vectors and larger cases are in native/core/tests/).
use super::*;
use alloc::vec::Vec;

fn canon(s: &str, mode: Mode) -> Result<Vec<u8>, JsonError> {
    let mut out = Vec::new();
    canonicalize(s.as_bytes(), mode, &mut out).map(|_| out)
}

#[test]
fn sorts_keys_and_strips_whitespace() {
    assert_eq!(canon(r#"{"b": "2", "a": "1"}"#, Mode::Strict).unwrap(), br#"{"a":"1","b":"2"}"#);
}
