//! Redaction rules as data (the protocol layer owns them per room version; the kernel
//! only applies them). They cross from TypeScript as JSON:
//! `{"keepTopLevel":["type",...],"keepContent":{"m.room.member":["membership","third_party_invite.signed"]}}`.

use alloc::vec::Vec;

use super::parse::{Document, K_ARRAY, K_OBJECT, K_STR_ARENA, K_STR_RAW};
use super::Mode;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RedactionRules {
    /// top-level keys kept (`content` is always kept, maybe emptied)
    keep_top_level: Vec<Vec<u8>>,
    /// (event type, kept content paths: `"*"`, `"key"` or `"key.sub"`)
    keep_content: Vec<(Vec<u8>, Vec<Vec<u8>>)>,
}

impl RedactionRules {
    /// Build rules directly (UTF-8 byte strings).
    pub fn new(keep_top_level: Vec<Vec<u8>>, keep_content: Vec<(Vec<u8>, Vec<Vec<u8>>)>) -> RedactionRules {
        RedactionRules { keep_top_level, keep_content }
    }

    /// Parse the JSON form; `None` if it is not that shape.
    pub fn from_json(rules_json: &[u8]) -> Option<RedactionRules> {
        let doc = super::parse(rules_json, Mode::Strict).ok()?;
        if !doc.root_is_object() {
            return None;
        }
        let top = doc.lookup(0, b"keepTopLevel")?;
        let keep_top_level = string_list(&doc, top)?;
        let kc = doc.lookup(0, b"keepContent")?;
        if doc.nodes[kc].kind != K_OBJECT {
            return None;
        }
        let mut keep_content = Vec::new();
        for &k in doc.sorted_keys(kc) {
            let k = k as usize;
            keep_content.push((doc.str_bytes(k).to_vec(), string_list(&doc, k + 1)?));
        }
        Some(RedactionRules { keep_top_level, keep_content })
    }

    #[inline]
    pub(crate) fn keeps_top_level(&self, key: &[u8]) -> bool {
        self.keep_top_level.iter().any(|k| k.as_slice() == key)
    }

    /// The kept content paths for an event type (`None`: keep no content keys).
    #[inline]
    pub(crate) fn content_rules(&self, event_type: &[u8]) -> Option<&[Vec<u8>]> {
        self.keep_content.iter().find(|(t, _)| t.as_slice() == event_type).map(|(_, v)| v.as_slice())
    }
}

fn string_list(doc: &Document<'_>, idx: usize) -> Option<Vec<Vec<u8>>> {
    if doc.nodes[idx].kind != K_ARRAY {
        return None;
    }
    let end = doc.nodes[idx].b as usize;
    let mut out = Vec::new();
    let mut i = idx + 1;
    while i < end {
        if !matches!(doc.nodes[i].kind, K_STR_RAW | K_STR_ARENA) {
            return None;
        }
        out.push(doc.str_bytes(i).to_vec());
        i += 1;
    }
    Some(out)
}
