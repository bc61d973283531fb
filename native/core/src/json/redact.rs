//! Redaction rules as data (the protocol layer owns them per room version; the kernel
//! only applies them). They cross from TypeScript as JSON:
//! `{"keepTopLevel":["type",...],"keepContent":{"m.room.member":["membership","third_party_invite.signed"]}}`.

use alloc::vec::Vec;

use super::parse::{Document, K_ARRAY, K_OBJECT};
use super::Mode;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RedactionRules {
    /// top-level keys kept (`content` is always kept, maybe emptied)
    keep_top_level: Vec<Vec<u8>>,
    /// per event type, what its content keeps
    keep_content: Vec<(Vec<u8>, ContentRule)>,
}

/// The kept content of one event type, entries split at their first dot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ContentRule {
    /// `"*"`: the whole content
    pub all: bool,
    /// `"k"`: content.k
    pub keys: Vec<Vec<u8>>,
    /// `"a.b"`: content.a (if an object) reduced to its keys b
    pub nested: Vec<(Vec<u8>, Vec<Vec<u8>>)>,
}

impl ContentRule {
    fn from_entries(entries: Vec<Vec<u8>>) -> ContentRule {
        let mut rule = ContentRule::default();
        for e in entries {
            if e.as_slice() == b"*" {
                rule.all = true;
            } else if let Some(dot) = e.iter().position(|&c| c == b'.') {
                let (outer, inner) = (&e[..dot], &e[dot + 1..]);
                match rule.nested.iter_mut().find(|(o, _)| o.as_slice() == outer) {
                    Some((_, list)) => list.push(inner.to_vec()),
                    None => rule.nested.push((outer.to_vec(), alloc::vec![inner.to_vec()])),
                }
            } else {
                rule.keys.push(e);
            }
        }
        rule
    }

    #[inline]
    pub(crate) fn keeps(&self, key: &[u8]) -> bool {
        self.keys.iter().any(|k| k.as_slice() == key)
    }

    /// The inner keys kept of `content[key]` when it is an object, if `key` has `"key.x"` entries.
    #[inline]
    pub(crate) fn nested_keys(&self, key: &[u8]) -> Option<&[Vec<u8>]> {
        self.nested.iter().find(|(o, _)| o.as_slice() == key).map(|(_, v)| v.as_slice())
    }
}

impl RedactionRules {
    /// Build rules directly: top-level keys, and per event type its content entries
    /// (`"*"`, `"key"` or `"key.sub"`, split at the first dot), all UTF-8 bytes.
    pub fn new(mut keep_top_level: Vec<Vec<u8>>, keep_content: Vec<(Vec<u8>, Vec<Vec<u8>>)>) -> RedactionRules {
        // sorted, for a binary search per top-level key
        keep_top_level.sort_unstable();
        keep_top_level.dedup();
        RedactionRules {
            keep_top_level,
            keep_content: keep_content.into_iter().map(|(t, e)| (t, ContentRule::from_entries(e))).collect(),
        }
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
        Some(RedactionRules::new(keep_top_level, keep_content))
    }

    /// The kept top-level keys, sorted.
    #[inline]
    pub(crate) fn keep_top_level(&self) -> &[Vec<u8>] {
        &self.keep_top_level
    }

    /// What the content of an event of this type keeps (`None`: no content keys).
    #[inline]
    pub(crate) fn content_rule(&self, event_type: &[u8]) -> Option<&ContentRule> {
        self.keep_content.iter().find(|(t, _)| t.as_slice() == event_type).map(|(_, r)| r)
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
        if !doc.is_string(i) {
            return None;
        }
        out.push(doc.string_value(i).into_owned());
        i += 1;
    }
    Some(out)
}
