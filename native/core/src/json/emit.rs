//! Canonical emission from the tape, plus the event filters (redaction, dropped keys).

use alloc::vec::Vec;
use core::mem::MaybeUninit;

use super::parse::*;
use super::parse::cmp_bytes;
use super::redact::{ContentRule, RedactionRules};
use super::{ErrorCode, JsonError, MAX_DEPTH};

impl<'a> Document<'a> {
    /// Canonical JSON of the whole document, appended to `out`.
    pub fn emit(&self, out: &mut Vec<u8>) {
        if self.verbatim {
            put(out, self.input);
            return;
        }
        out.reserve(self.input.len());
        self.value(0, out);
    }

    /// True when the input text is already canonical JSON (`emit` would reproduce it
    /// byte for byte): a caller may use the input itself instead of a copy.
    pub fn is_canonical(&self) -> bool {
        self.verbatim
    }

    /// Canonical JSON of the root object after optional redaction, then without the
    /// top-level keys in `drop_top_level`. The root must be an object, else `Syntax`
    /// at the root's first byte.
    pub fn emit_event(
        &self,
        redaction: Option<&RedactionRules>,
        drop_top_level: &[&[u8]],
        out: &mut Vec<u8>,
    ) -> Result<(), JsonError> {
        if self.nodes[0].kind != K_OBJECT {
            return Err(JsonError::new(ErrorCode::Syntax, self.root_offset));
        }
        out.reserve(self.input.len());
        // the root's keys come in ascending order: walk the (sorted) lists alongside
        let mut dropped = Walk::new(drop_top_level);
        out.push(b'{');
        let mut first = true;
        let Some(rules) = redaction else {
            for &k in self.sorted_keys(0) {
                let k = k as usize;
                if dropped.contains(self.str_bytes(k)) {
                    continue;
                }
                self.member(k, &mut first, out);
                self.value(k + 1, out);
            }
            out.push(b'}');
            return Ok(());
        };
        // Redaction: `content` is always present (maybe `{}`), filtered by the event type.
        let keep = match self.lookup(0, b"type") {
            Some(t) if self.is_string(t) => rules.content_rule(&self.string_value(t)),
            _ => None,
        };
        let want_content = !drop_top_level.iter().any(|d| *d == b"content");
        let mut kept = Walk::new(rules.keep_top_level());
        let mut content_done = !want_content;
        for &k in self.sorted_keys(0) {
            let k = k as usize;
            let key = self.str_bytes(k);
            if !content_done && key >= &b"content"[..] {
                if key == b"content" {
                    self.member(k, &mut first, out);
                    self.redacted_content(Some(k + 1), keep, out);
                    content_done = true;
                    continue;
                }
                self.literal_member(b"content", &mut first, out);
                self.redacted_content(None, keep, out);
                content_done = true;
            }
            if key == b"content" || !kept.contains(key) || dropped.contains(key) {
                continue;
            }
            self.member(k, &mut first, out);
            self.value(k + 1, out);
        }
        if !content_done {
            self.literal_member(b"content", &mut first, out);
            self.redacted_content(None, keep, out);
        }
        out.push(b'}');
        Ok(())
    }

    /// `content` of a redacted event, filtered by the rule for the event's type.
    fn redacted_content(&self, content: Option<usize>, rule: Option<&ContentRule>, out: &mut Vec<u8>) {
        let (Some(c), Some(rule)) = (content, rule) else {
            out.extend_from_slice(b"{}");
            return;
        };
        if self.nodes[c].kind != K_OBJECT {
            out.extend_from_slice(b"{}");
            return;
        }
        if rule.all {
            self.value(c, out);
            return;
        }
        out.push(b'{');
        let mut first = true;
        for &k in self.sorted_keys(c) {
            let k = k as usize;
            let key = self.str_bytes(k);
            if rule.keeps(key) {
                self.member(k, &mut first, out);
                self.value(k + 1, out);
                continue;
            }
            let v = k + 1;
            let Some(subs) = rule.nested_keys(key) else { continue };
            if self.nodes[v].kind != K_OBJECT {
                continue;
            }
            self.member(k, &mut first, out);
            out.push(b'{');
            let mut inner_first = true;
            for &sk in self.sorted_keys(v) {
                let sk = sk as usize;
                let skey = self.str_bytes(sk);
                if subs.iter().any(|s| s.as_slice() == skey) {
                    self.member(sk, &mut inner_first, out);
                    self.value(sk + 1, out);
                }
            }
            out.push(b'}');
        }
        out.push(b'}');
    }

    /// `,` if needed, then the key node `k` and `:`.
    #[inline(always)]
    fn member(&self, k: usize, first: &mut bool, out: &mut Vec<u8>) {
        if !*first {
            out.push(b',');
        }
        *first = false;
        let n = self.nodes[k];
        let (a, b) = (n.a as usize, n.b as usize);
        if n.kind == K_STR_RAW {
            put(out, &self.input[a - 1..a + b + 1]);
        } else {
            escape_string(&self.arena[a..a + b], out);
        }
        out.push(b':');
    }

    fn literal_member(&self, key: &[u8], first: &mut bool, out: &mut Vec<u8>) {
        if !*first {
            out.push(b',');
        }
        *first = false;
        escape_string(key, out);
        out.push(b':');
    }

    /// Canonical JSON of the subtree at `idx`. Iterative: an explicit stack of open
    /// containers (depth ≤ MAX_DEPTH), so no native stack depends on the input.
    pub(crate) fn value(&self, idx: usize, out: &mut Vec<u8>) {
        let n = self.nodes[idx];
        if n.kind < K_ARRAY {
            self.scalar(n, out);
            return;
        }
        // (container node, cursor): arrays → next child node; objects → next position in `members`
        // uninitialised (no 2 KB memset per call): entries below `sp` are always written
        let mut stack = [const { MaybeUninit::<(u32, u32)>::uninit() }; MAX_DEPTH + 1];
        let mut sp = 0usize;
        let open = |idx: usize, n: Node, out: &mut Vec<u8>, stack: &mut [MaybeUninit<(u32, u32)>], sp: &mut usize| {
            if n.kind == K_ARRAY {
                out.push(b'[');
                stack[*sp] = MaybeUninit::new((idx as u32, idx as u32 + 1));
            } else {
                out.push(b'{');
                stack[*sp] = MaybeUninit::new((idx as u32, n.a));
            }
            *sp += 1;
        };
        open(idx, n, out, &mut stack, &mut sp);
        while sp > 0 {
            // SAFETY: stack[sp - 1] was written by `open` (sp only grows through it).
            let (c, cur) = unsafe { stack[sp - 1].assume_init() };
            let cn = self.nodes[c as usize];
            let child = if cn.kind == K_ARRAY {
                if cur == cn.b {
                    out.push(b']');
                    sp -= 1;
                    continue;
                }
                if cur != c + 1 {
                    out.push(b',');
                }
                stack[sp - 1] = MaybeUninit::new((c, self.next(cur as usize) as u32));
                cur as usize
            } else {
                if cur == cn.a + cn.c {
                    out.push(b'}');
                    sp -= 1;
                    continue;
                }
                let k = self.members[cur as usize] as usize;
                let mut first = cur == cn.a;
                self.member(k, &mut first, out);
                stack[sp - 1] = MaybeUninit::new((c, cur + 1));
                k + 1
            };
            let n = self.nodes[child];
            if n.kind < K_ARRAY {
                self.scalar(n, out);
            } else {
                open(child, n, out, &mut stack, &mut sp);
            }
        }
    }

    #[inline(always)]
    fn scalar(&self, n: Node, out: &mut Vec<u8>) {
        let (a, b) = (n.a as usize, n.b as usize);
        match n.kind {
            K_STR_RAW => put(out, &self.input[a - 1..a + b + 1]),
            K_STR_CANON => {
                out.push(b'"');
                put(out, &self.arena[a..a + b]);
                out.push(b'"');
            }
            K_NUM_RAW => put(out, &self.input[a..a + b]),
            K_NUM_ARENA => put(out, &self.arena[a..a + b]),
            K_NULL => put(out, b"null"),
            K_TRUE => put(out, b"true"),
            K_FALSE => put(out, b"false"),
            _ => escape_string(&self.arena[a..a + b], out),
        }
    }
}

/// Membership tests of ascending keys in a list, walking the list alongside when it is
/// sorted (one comparison per step instead of a search per key).
struct Walk<'s, T: AsRef<[u8]>> {
    list: &'s [T],
    pos: usize,
    sorted: bool,
}

impl<'s, T: AsRef<[u8]>> Walk<'s, T> {
    fn new(list: &'s [T]) -> Self {
        let sorted = list.windows(2).all(|w| w[0].as_ref() < w[1].as_ref());
        Walk { list, pos: 0, sorted }
    }

    /// Whether `key` is in the list; keys must be asked in ascending order.
    #[inline]
    fn contains(&mut self, key: &[u8]) -> bool {
        if !self.sorted {
            return self.list.iter().any(|x| x.as_ref() == key);
        }
        while self.pos < self.list.len() {
            match cmp_bytes(self.list[self.pos].as_ref(), key) {
                core::cmp::Ordering::Less => self.pos += 1,
                core::cmp::Ordering::Equal => return true,
                core::cmp::Ordering::Greater => return false,
            }
        }
        false
    }
}

/// `out.extend_from_slice(s)`, with the short copies canonical JSON is made of done
/// inline (two overlapping word moves) instead of a call to memcpy.
#[inline(always)]
pub(crate) fn put(out: &mut Vec<u8>, s: &[u8]) {
    use core::ptr::{copy_nonoverlapping, read_unaligned, write_unaligned};
    let n = s.len();
    if out.capacity() - out.len() < n {
        out.reserve(n);
    }
    // SAFETY: capacity for n more bytes was just ensured; every access below stays
    // within s[0..n] and the n bytes after out.len().
    unsafe {
        let dst = out.as_mut_ptr().add(out.len());
        let src = s.as_ptr();
        if (8..=16).contains(&n) {
            write_unaligned(dst as *mut u64, read_unaligned(src as *const u64));
            write_unaligned(dst.add(n - 8) as *mut u64, read_unaligned(src.add(n - 8) as *const u64));
        } else if (17..=32).contains(&n) {
            write_unaligned(dst as *mut u128, read_unaligned(src as *const u128));
            write_unaligned(dst.add(n - 16) as *mut u128, read_unaligned(src.add(n - 16) as *const u128));
        } else if (4..8).contains(&n) {
            write_unaligned(dst as *mut u32, read_unaligned(src as *const u32));
            write_unaligned(dst.add(n - 4) as *mut u32, read_unaligned(src.add(n - 4) as *const u32));
        } else if (1..4).contains(&n) {
            *dst = *src;
            *dst.add(n / 2) = *src.add(n / 2);
            *dst.add(n - 1) = *src.add(n - 1);
        } else if n > 32 {
            copy_nonoverlapping(src, dst, n);
        }
        out.set_len(out.len() + n);
    }
}

/// A decoded string as a canonical JSON string literal.
pub(crate) fn escape_string(s: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let mut last = 0;
    for (i, &c) in s.iter().enumerate() {
        if c >= 0x20 && c != b'"' && c != b'\\' {
            continue;
        }
        out.extend_from_slice(&s[last..i]);
        last = i + 1;
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]),
        }
    }
    out.extend_from_slice(&s[last..]);
    out.push(b'"');
}
