//! The one-pass validating parser: JSON text → tape (`Document`).

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::number;
use super::scan;
use super::{ErrorCode, JsonError, Mode, MAX_DEPTH};

pub(crate) const K_NULL: u8 = 0;
pub(crate) const K_FALSE: u8 = 1;
pub(crate) const K_TRUE: u8 = 2;
/// number: `a..a+b` of the input
pub(crate) const K_NUM_RAW: u8 = 3;
/// number: `a..a+b` of the arena (a compat float rendered as Python repr)
pub(crate) const K_NUM_ARENA: u8 = 4;
/// string without escapes: value is `a..a+b` of the input (quotes at a-1 and a+b); c = quote offset
pub(crate) const K_STR_RAW: u8 = 5;
/// key string with escapes: decoded value is `a..a+b` of the arena; c = opening quote offset
pub(crate) const K_STR_ARENA: u8 = 6;
/// value string with escapes: its canonical body (escapes already rewritten to their
/// canonical form, so emission is a copy) is `a..a+b` of the arena; c = opening quote offset
pub(crate) const K_STR_CANON: u8 = 7;
/// array: children follow; b = index one past the subtree
pub(crate) const K_ARRAY: u8 = 8;
/// object: key/value node pairs follow; members[a..a+c] = key node indices sorted by key; b = end
pub(crate) const K_OBJECT: u8 = 9;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub kind: u8,
    pub a: u32,
    pub b: u32,
    pub c: u32,
}

/// A parsed, validated JSON document borrowing its input.
pub struct Document<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) nodes: Vec<Node>,
    pub(crate) members: Vec<u32>,
    pub(crate) arena: Vec<u8>,
    /// offset of the root value's first byte
    pub(crate) root_offset: usize,
    /// the input is already canonical: emission is one copy of it
    pub(crate) verbatim: bool,
}

impl<'a> Document<'a> {
    /// Decoded bytes of a key (or of a value string without escapes).
    #[inline(always)]
    pub(crate) fn str_bytes(&self, idx: usize) -> &[u8] {
        debug_assert!(self.nodes[idx].kind != K_STR_CANON);
        let n = self.nodes[idx];
        let (a, b) = (n.a as usize, n.b as usize);
        if n.kind == K_STR_RAW {
            &self.input[a..a + b]
        } else {
            &self.arena[a..a + b]
        }
    }

    #[inline]
    pub(crate) fn is_string(&self, idx: usize) -> bool {
        matches!(self.nodes[idx].kind, K_STR_RAW | K_STR_ARENA | K_STR_CANON)
    }

    /// The decoded value of any string node (keys are decoded already; escaped values
    /// are kept in canonical form and decoded here, off the hot path).
    pub(crate) fn string_value(&self, idx: usize) -> Cow<'_, [u8]> {
        let n = self.nodes[idx];
        if n.kind == K_STR_CANON {
            Cow::Owned(unescape_canonical(&self.arena[n.a as usize..(n.a + n.b) as usize]))
        } else {
            Cow::Borrowed(self.str_bytes(idx))
        }
    }

    /// Index of the node after the subtree rooted at `idx`.
    #[inline(always)]
    pub(crate) fn next(&self, idx: usize) -> usize {
        let n = self.nodes[idx];
        if n.kind >= K_ARRAY {
            n.b as usize
        } else {
            idx + 1
        }
    }

    /// Sorted key node indices of an object node.
    #[inline(always)]
    pub(crate) fn sorted_keys(&self, idx: usize) -> &[u32] {
        let n = self.nodes[idx];
        &self.members[n.a as usize..(n.a + n.c) as usize]
    }

    /// Value node index of `key` in the object `obj` (binary search on the sorted keys).
    pub(crate) fn lookup(&self, obj: usize, key: &[u8]) -> Option<usize> {
        if self.nodes[obj].kind != K_OBJECT {
            return None;
        }
        let keys = self.sorted_keys(obj);
        keys.binary_search_by(|&k| cmp_bytes(self.str_bytes(k as usize), key))
            .ok()
            .map(|i| keys[i] as usize + 1)
    }

    /// Node index reached by following object keys from the root.
    pub(crate) fn find(&self, path: &[&[u8]]) -> Option<usize> {
        let mut idx = 0usize;
        for key in path {
            idx = self.lookup(idx, key)?;
        }
        Some(idx)
    }

    /// The decoded value of the string at `path` (object keys from the root); `None`
    /// if absent or not a string.
    pub fn get_str(&self, path: &[&[u8]]) -> Option<Cow<'a, [u8]>> {
        let idx = self.find(path)?;
        let n = self.nodes[idx];
        let (a, b) = (n.a as usize, n.b as usize);
        match n.kind {
            K_STR_RAW => Some(Cow::Borrowed(&self.input[a..a + b])),
            K_STR_ARENA | K_STR_CANON => Some(Cow::Owned(self.string_value(idx).into_owned())),
            _ => None,
        }
    }

    /// True when the root value is an object.
    pub fn root_is_object(&self) -> bool {
        self.nodes[0].kind == K_OBJECT
    }

    /// Offset of the root value's first byte in the input.
    pub fn root_offset(&self) -> usize {
        self.root_offset
    }
}

#[derive(Clone, Copy)]
struct Frame {
    node: u32,
    /// start of this object's keys in `Parser::keys` (arrays: unused)
    keys_start: u32,
    is_object: bool,
}

struct Parser<'a> {
    input: &'a [u8],
    mode: Mode,
    nodes: Vec<Node>,
    members: Vec<u32>,
    arena: Vec<u8>,
    /// key node indices of the open objects, innermost last
    keys: Vec<u32>,
    stack: Vec<Frame>,
    /// scratch for sorting one object's keys: (key prefix, key node index)
    sort_buf: Vec<(u128, u32)>,
    long: scan::LongScan,
    /// nothing seen so far would be emitted differently (see `Document::verbatim`)
    verbatim: bool,
}

/// Reusable buffers for parsing many texts without allocating for each one
/// (`canonicalize_with`, `parse_with`; give a document's buffers back with `Document::recycle`).
#[derive(Default)]
pub struct Scratch {
    nodes: Vec<Node>,
    members: Vec<u32>,
    arena: Vec<u8>,
    keys: Vec<u32>,
    stack: Vec<Frame>,
    sort_buf: Vec<(u128, u32)>,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch::default()
    }

    /// Buffers sized for one text of `len` bytes, so that parsing it rarely reallocates.
    fn for_input(len: usize) -> Scratch {
        Scratch {
            nodes: Vec::with_capacity(len / 6 + 8),
            members: Vec::with_capacity(len / 16 + 8),
            arena: Vec::new(),
            keys: Vec::with_capacity(32),
            stack: Vec::with_capacity(16),
            sort_buf: Vec::with_capacity(32),
        }
    }
}

impl<'a> Document<'a> {
    /// Give this document's buffers back for the next `parse_with`.
    pub fn recycle(self, scratch: &mut Scratch) {
        scratch.nodes = self.nodes;
        scratch.members = self.members;
        scratch.arena = self.arena;
    }
}

pub(crate) fn parse(input: &[u8], mode: Mode) -> Result<Document<'_>, JsonError> {
    parse_with(input, mode, &mut Scratch::for_input(input.len()))
}

pub(crate) fn parse_with<'a>(input: &'a [u8], mode: Mode, scratch: &mut Scratch) -> Result<Document<'a>, JsonError> {
    // Offsets are stored as u32: inputs of 4 GiB or more are refused (Node buffers and
    // wasm memory cannot hold them anyway).
    if input.len() >= u32::MAX as usize {
        return Err(JsonError::new(ErrorCode::Syntax, u32::MAX as usize));
    }
    fn take<T>(v: &mut Vec<T>) -> Vec<T> {
        let mut v = core::mem::take(v);
        v.clear();
        v
    }
    let mut p = Parser {
        input,
        mode,
        nodes: take(&mut scratch.nodes),
        members: take(&mut scratch.members),
        arena: take(&mut scratch.arena),
        keys: take(&mut scratch.keys),
        stack: take(&mut scratch.stack),
        sort_buf: take(&mut scratch.sort_buf),
        long: scan::LongScan::detect(),
        verbatim: true,
    };
    let result = p.run().map_err(|e| p.fail(e));
    scratch.keys = p.keys;
    scratch.stack = p.stack;
    scratch.sort_buf = p.sort_buf;
    match result {
        Ok(root_offset) => Ok(Document {
            input,
            nodes: p.nodes,
            members: p.members,
            arena: p.arena,
            root_offset,
            verbatim: p.verbatim,
        }),
        Err(e) => {
            scratch.nodes = p.nodes;
            scratch.members = p.members;
            scratch.arena = p.arena;
            Err(e)
        }
    }
}

#[inline(always)]
fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\n' || b == b'\r' || b == b'\t'
}

#[inline(always)]
fn err<T>(code: ErrorCode, offset: usize) -> Result<T, JsonError> {
    Err(JsonError::new(code, offset))
}

impl<'a> Parser<'a> {
    #[inline(always)]
    fn skip_ws(&mut self, mut i: usize) -> usize {
        let s = self.input;
        // compact input (the common case) has no whitespace between tokens
        if i < s.len() && s[i] > b' ' {
            return i;
        }
        let from = i;
        while i < s.len() && is_ws(s[i]) {
            i += 1;
        }
        if i != from {
            self.verbatim = false;
        }
        i
    }

    /// The error to report: an earlier duplicate key in a still-open object wins,
    /// because it was met first (its key string completed before this error).
    #[cold]
    fn fail(&self, e: JsonError) -> JsonError {
        // An open object's direct keys are `keys[its keys_start .. the next open object's]`.
        let objects: Vec<Frame> = self.stack.iter().copied().filter(|f| f.is_object).collect();
        for (k, f) in objects.iter().enumerate() {
            let end = objects.get(k + 1).map_or(self.keys.len(), |g| g.keys_start as usize);
            let mut seg: Vec<u32> = self.keys[f.keys_start as usize..end].to_vec();
            if let Some(q) = self.first_duplicate(&mut seg) {
                return JsonError::new(ErrorCode::DuplicateKey, q);
            }
        }
        e
    }

    #[inline(always)]
    fn key_bytes(&self, idx: usize) -> &[u8] {
        let n = self.nodes[idx];
        let (a, b) = (n.a as usize, n.b as usize);
        if n.kind == K_STR_RAW {
            &self.input[a..a + b]
        } else {
            &self.arena[a..a + b]
        }
    }

    /// Sort key node indices by (key bytes, position); return the opening-quote offset
    /// of the earliest second occurrence of any key, if there is one.
    fn first_duplicate(&self, seg: &mut [u32]) -> Option<usize> {
        sort_keys(seg, |a, b| {
            self.key_bytes(a as usize).cmp(self.key_bytes(b as usize)).then(a.cmp(&b))
        });
        let mut best: Option<u32> = None;
        for w in seg.windows(2) {
            if self.key_bytes(w[0] as usize) == self.key_bytes(w[1] as usize) {
                best = Some(match best {
                    Some(b) if b < w[1] => b,
                    _ => w[1],
                });
            }
        }
        best.map(|k| self.nodes[k as usize].c as usize)
    }

    #[inline(always)]
    fn push(&mut self, kind: u8, a: usize, b: usize, c: usize) {
        self.nodes.push(Node { kind, a: a as u32, b: b as u32, c: c as u32 });
    }

    /// Parse the whole text; returns the root's offset.
    fn run(&mut self) -> Result<usize, JsonError> {
        let input = self.input;
        let n = input.len();
        let root_offset = self.skip_ws(0);
        let mut i = root_offset;
        'value: loop {
            // ---- a value starts at (or after whitespace from) i ----
            i = self.skip_ws(i);
            if i >= n {
                return err(ErrorCode::Syntax, n);
            }
            match input[i] {
                b'"' => {
                    i = self.string::<false>(i)?;
                }
                b'{' | b'[' => {
                    if self.stack.len() >= MAX_DEPTH {
                        return err(ErrorCode::TooDeep, i);
                    }
                    let is_object = input[i] == b'{';
                    let node = self.nodes.len();
                    // b = 0 marks "still open" until the close sets the subtree end
                    self.push(if is_object { K_OBJECT } else { K_ARRAY }, 0, 0, 0);
                    self.stack.push(Frame { node: node as u32, keys_start: self.keys.len() as u32, is_object });
                    i = self.skip_ws(i + 1);
                    if i >= n {
                        return err(ErrorCode::Syntax, n);
                    }
                    if is_object {
                        if input[i] == b'}' {
                            self.close(i)?;
                            i += 1;
                        } else {
                            i = self.key(i)?;
                            continue 'value;
                        }
                    } else if input[i] == b']' {
                        self.close(i)?;
                        i += 1;
                    } else {
                        continue 'value;
                    }
                }
                b'-' | b'0'..=b'9' => {
                    i = self.number(i)?;
                }
                b't' => i = self.literal(i, b"true", K_TRUE)?,
                b'f' => i = self.literal(i, b"false", K_FALSE)?,
                b'n' => i = self.literal(i, b"null", K_NULL)?,
                _ => return err(ErrorCode::Syntax, i),
            }
            // ---- after a value: a separator, a closer, or the end ----
            loop {
                i = self.skip_ws(i);
                let Some(top) = self.stack.last().copied() else {
                    if i != n {
                        return err(ErrorCode::Syntax, i);
                    }
                    return Ok(root_offset);
                };
                if i >= n {
                    return err(ErrorCode::Syntax, n);
                }
                let b = input[i];
                if b == b',' {
                    i += 1;
                    if top.is_object {
                        i = self.skip_ws(i);
                        i = self.key(i)?;
                    }
                    continue 'value;
                }
                if b == (if top.is_object { b'}' } else { b']' }) {
                    self.close(i)?;
                    i += 1;
                    continue;
                }
                return err(ErrorCode::Syntax, i);
            }
        }
    }

    /// An object key at `i` (expected `"`), then `:`; returns the offset after the colon.
    #[inline(always)]
    fn key(&mut self, i: usize) -> Result<usize, JsonError> {
        let n = self.input.len();
        if i >= n {
            return err(ErrorCode::Syntax, n);
        }
        if self.input[i] != b'"' {
            return err(ErrorCode::Syntax, i);
        }
        let k = self.nodes.len();
        let mut j = self.string::<true>(i)?;
        self.keys.push(k as u32);
        j = self.skip_ws(j);
        if j >= n {
            return err(ErrorCode::Syntax, n);
        }
        if self.input[j] != b':' {
            return err(ErrorCode::Syntax, j);
        }
        Ok(j + 1)
    }

    /// Close the innermost container (its closer is at `i`).
    #[inline(always)]
    fn close(&mut self, _i: usize) -> Result<(), JsonError> {
        let f = *self.stack.last().unwrap();
        let end = self.nodes.len() as u32;
        if f.is_object {
            let ks = f.keys_start as usize;
            let count = self.keys.len() - ks;
            if count > 1 {
                if let Some(q) = self.sort_object_keys(ks) {
                    // the object stays open: `fail` reports an enclosing object's earlier duplicate first
                    return err(ErrorCode::DuplicateKey, q);
                }
            }
            let start = self.members.len();
            self.members.extend_from_slice(&self.keys[ks..]);
            self.keys.truncate(ks);
            let node = &mut self.nodes[f.node as usize];
            node.a = start as u32;
            node.c = count as u32;
            node.b = end;
        } else {
            self.nodes[f.node as usize].b = end;
        }
        self.stack.pop();
        Ok(())
    }

    /// The first 16 bytes of a key, big-endian and zero-padded: comparing these orders
    /// most keys (even `@user1234:server…` ones) without touching their bytes again; ties
    /// fall back to a full comparison.
    #[inline(always)]
    fn key_prefix(&self, idx: usize) -> u128 {
        let n = self.nodes[idx];
        let (a, len) = (n.a as usize, n.b as usize);
        let src: &[u8] = if n.kind == K_STR_RAW { self.input } else { &self.arena };
        let mut w = [0u8; 16];
        if a + 16 <= src.len() {
            w.copy_from_slice(&src[a..a + 16]);
        } else {
            let m = (src.len() - a).min(16);
            w[..m].copy_from_slice(&src[a..a + m]);
        }
        let w = u128::from_be_bytes(w);
        if len >= 16 {
            w
        } else {
            w & !(u128::MAX >> (len * 8))
        }
    }

    /// Sort the keys of the object whose keys start at `keys[ks]`, in place; report a
    /// duplicate (opening-quote offset of the earliest second occurrence).
    #[inline(always)]
    fn sort_object_keys(&mut self, ks: usize) -> Option<usize> {
        let mut buf = core::mem::take(&mut self.sort_buf);
        buf.clear();
        for &k in &self.keys[ks..] {
            buf.push((self.key_prefix(k as usize), k));
        }
        let cmp = |x: &(u128, u32), y: &(u128, u32)| {
            x.0.cmp(&y.0).then_with(|| self.key_bytes(x.1 as usize).cmp(self.key_bytes(y.1 as usize)))
        };
        let mut moved = false;
        if buf.len() <= 24 {
            for i in 1..buf.len() {
                let x = buf[i];
                let mut j = i;
                while j > 0 && cmp(&buf[j - 1], &x) == core::cmp::Ordering::Greater {
                    buf[j] = buf[j - 1];
                    j -= 1;
                }
                moved |= j != i;
                buf[j] = x;
            }
        } else if buf.windows(2).all(|w| cmp(&w[0], &w[1]) != core::cmp::Ordering::Greater) {
            // already in order (canonical input): nothing to sort
        } else {
            moved = true;
            // big objects: sort on the prefixes alone (cheap, branch-light comparisons),
            // then order each run of equal prefixes by the full bytes
            buf.sort_unstable_by_key(|x| x.0);
            let mut i = 0;
            while i < buf.len() {
                let mut j = i + 1;
                while j < buf.len() && buf[j].0 == buf[i].0 {
                    j += 1;
                }
                if j - i > 1 {
                    buf[i..j].sort_unstable_by(cmp);
                }
                i = j;
            }
        }
        if moved {
            self.verbatim = false;
        }
        let dup = buf
            .windows(2)
            .any(|w| w[0].0 == w[1].0 && self.key_bytes(w[0].1 as usize) == self.key_bytes(w[1].1 as usize));
        let result = if dup {
            let mut seg: Vec<u32> = self.keys[ks..].to_vec();
            self.first_duplicate(&mut seg)
        } else {
            for (slot, e) in self.keys[ks..].iter_mut().zip(buf.iter()) {
                *slot = e.1;
            }
            None
        };
        self.sort_buf = buf;
        result
    }

    fn literal(&mut self, i: usize, word: &[u8], kind: u8) -> Result<usize, JsonError> {
        let s = self.input;
        for (k, &w) in word.iter().enumerate() {
            if i + k >= s.len() {
                return err(ErrorCode::Syntax, s.len());
            }
            if s[i + k] != w {
                return err(ErrorCode::Syntax, i + k);
            }
        }
        self.push(kind, i, word.len(), 0);
        Ok(i + word.len())
    }

    fn number(&mut self, s0: usize) -> Result<usize, JsonError> {
        let s = self.input;
        let n = s.len();
        let mut i = s0;
        let neg = s[i] == b'-';
        if neg {
            i += 1;
        }
        let digits_start = i;
        if i >= n {
            return err(ErrorCode::Syntax, n);
        }
        match s[i] {
            b'0' => i += 1,
            b'1'..=b'9' => {
                i += 1;
                while i < n && s[i].is_ascii_digit() {
                    i += 1;
                }
            }
            _ => return err(ErrorCode::Syntax, i),
        }
        let int_end = i;
        let mut integer = true;
        if i < n && s[i] == b'.' {
            i += 1;
            if i >= n {
                return err(ErrorCode::Syntax, n);
            }
            if !s[i].is_ascii_digit() {
                return err(ErrorCode::Syntax, i);
            }
            while i < n && s[i].is_ascii_digit() {
                i += 1;
            }
            integer = false;
        }
        if i < n && (s[i] == b'e' || s[i] == b'E') {
            i += 1;
            if i < n && (s[i] == b'+' || s[i] == b'-') {
                i += 1;
            }
            if i >= n {
                return err(ErrorCode::Syntax, n);
            }
            if !s[i].is_ascii_digit() {
                return err(ErrorCode::Syntax, i);
            }
            while i < n && s[i].is_ascii_digit() {
                i += 1;
            }
            integer = false;
        }
        let digits = int_end - digits_start;
        if integer {
            // `-0` is emitted `0`: point at the digit
            let start = if neg && digits == 1 && s[digits_start] == b'0' { digits_start } else { s0 };
            if start != s0 {
                self.verbatim = false;
            }
            match self.mode {
                Mode::Strict => {
                    if digits > 16 || number::parse_u64(&s[digits_start..int_end]) > number::MAX_SAFE {
                        return err(ErrorCode::IntegerRange, s0);
                    }
                }
                Mode::Compat => {
                    if digits > number::MAX_PY_INT_DIGITS {
                        return err(ErrorCode::NumberRange, s0);
                    }
                }
            }
            self.push(K_NUM_RAW, start, i - start, 0);
        } else {
            if self.mode == Mode::Strict {
                return err(ErrorCode::NotInteger, s0);
            }
            let a = self.arena.len();
            // renderings can outgrow their tokens ("1e5" → "100000.0"): keep u32 offsets valid
            if !number::python_float_repr(&s[s0..i], &mut self.arena) || self.arena.len() >= u32::MAX as usize {
                return err(ErrorCode::NumberRange, s0);
            }
            let len = self.arena.len() - a;
            self.push(K_NUM_ARENA, a, len, 0);
            self.verbatim = false;
        }
        Ok(i)
    }

    /// A string whose opening quote is at `q`; pushes its node; returns the offset after
    /// the closing quote.
    #[inline(always)]
    fn string<const KEY: bool>(&mut self, q: usize) -> Result<usize, JsonError> {
        let s = self.input;
        let start = q + 1;
        let mut i = start;
        loop {
            i = scan::find_special(s, i, self.long);
            if i >= s.len() {
                return err(ErrorCode::Syntax, s.len());
            }
            let b = s[i];
            if b == b'"' {
                self.push(K_STR_RAW, start, i - start, q);
                return Ok(i + 1);
            }
            if b >= 0x80 {
                i = utf8_run(s, i)?;
                continue;
            }
            if b == b'\\' {
                return self.string_escaped::<KEY>(q, i);
            }
            return err(ErrorCode::Syntax, i);
        }
    }

    /// The rest of a string from its first backslash at `i`, into the arena: decoded for a
    /// key (keys are compared), in canonical form for a value (values are only emitted).
    fn string_escaped<const KEY: bool>(&mut self, q: usize, mut i: usize) -> Result<usize, JsonError> {
        let s = self.input;
        let n = s.len();
        let a = self.arena.len();
        super::emit::put(&mut self.arena, &s[q + 1..i]);
        loop {
            // s[i] == '\\'
            if i + 1 >= n {
                return err(ErrorCode::Syntax, i);
            }
            let e = s[i + 1];
            let simple = match e {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => 0,
                _ => return err(ErrorCode::Syntax, i),
            };
            if e != b'u' {
                if KEY {
                    self.arena.push(simple);
                } else {
                    push_canonical_char(&mut self.arena, simple as u32);
                }
                i += 2;
            } else {
                let Some(cp) = hex4(s, i + 2) else {
                    return err(ErrorCode::Syntax, i);
                };
                let cp = if (0xD800..0xDC00).contains(&cp) {
                    // must be immediately followed by a low-surrogate escape
                    let low = if i + 7 < n && s[i + 6] == b'\\' && s[i + 7] == b'u' { hex4(s, i + 8) } else { None };
                    match low {
                        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                            let c = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            i += 12;
                            c
                        }
                        _ => return err(ErrorCode::LoneSurrogate, i),
                    }
                } else if (0xDC00..0xE000).contains(&cp) {
                    return err(ErrorCode::LoneSurrogate, i);
                } else {
                    i += 6;
                    cp
                };
                if KEY {
                    push_utf8(&mut self.arena, cp);
                } else {
                    push_canonical_char(&mut self.arena, cp);
                }
            }
            // copy the run up to the next special byte
            loop {
                let j = scan::find_special(s, i, self.long);
                super::emit::put(&mut self.arena, &s[i..j.min(n)]);
                if j >= n {
                    return err(ErrorCode::Syntax, n);
                }
                let b = s[j];
                if b == b'"' {
                    let len = self.arena.len() - a;
                    // already canonical only if its escapes were written as canonical ones
                    if KEY || self.arena[a..] != s[q + 1..j] {
                        self.verbatim = false;
                    }
                    self.push(if KEY { K_STR_ARENA } else { K_STR_CANON }, a, len, q);
                    return Ok(j + 1);
                }
                if b >= 0x80 {
                    let k = utf8_run(s, j)?;
                    super::emit::put(&mut self.arena, &s[j..k]);
                    i = k;
                    continue;
                }
                if b == b'\\' {
                    i = j;
                    break;
                }
                return err(ErrorCode::Syntax, j);
            }
        }
    }
}

/// Byte-wise order of two (usually short) keys, without a call to memcmp.
#[inline(always)]
pub(crate) fn cmp_bytes(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    let n = a.len().min(b.len());
    for i in 0..n {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
    }
    a.len().cmp(&b.len())
}

/// Sort key indices; insertion sort for the small objects events are made of.
#[inline(always)]
fn sort_keys<F: FnMut(u32, u32) -> core::cmp::Ordering>(seg: &mut [u32], mut cmp: F) {
    if seg.len() <= 20 {
        for i in 1..seg.len() {
            let x = seg[i];
            let mut j = i;
            while j > 0 && cmp(seg[j - 1], x) == core::cmp::Ordering::Greater {
                seg[j] = seg[j - 1];
                j -= 1;
            }
            seg[j] = x;
        }
    } else {
        seg.sort_unstable_by(|&a, &b| cmp(a, b));
    }
}

#[inline]
fn hex4(s: &[u8], i: usize) -> Option<u32> {
    if i + 4 > s.len() {
        return None;
    }
    let mut v = 0u32;
    for &b in &s[i..i + 4] {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | d as u32;
    }
    Some(v)
}

/// One decoded character as canonical JSON string content.
#[inline]
fn push_canonical_char(out: &mut Vec<u8>, cp: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let two = |out: &mut Vec<u8>, c: u8| super::emit::put(out, &[b'\\', c]);
    match cp {
        0x22 => two(out, b'"'),
        0x5C => two(out, b'\\'),
        0x08 => two(out, b'b'),
        0x0C => two(out, b'f'),
        0x0A => two(out, b'n'),
        0x0D => two(out, b'r'),
        0x09 => two(out, b't'),
        0..=0x1F => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(cp >> 4) as usize], HEX[(cp & 15) as usize]]),
        _ => push_utf8(out, cp),
    }
}

/// Canonical string content (as `push_canonical_char` writes it) → the decoded bytes.
pub(crate) fn unescape_canonical(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'\\' {
            out.push(s[i]);
            i += 1;
            continue;
        }
        match s[i + 1] {
            b'u' => {
                out.push(hex4(s, i + 2).unwrap_or(0) as u8);
                i += 6;
                continue;
            }
            b'b' => out.push(0x08),
            b'f' => out.push(0x0C),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            c => out.push(c),
        }
        i += 2;
    }
    out
}

#[inline]
fn push_utf8(out: &mut Vec<u8>, cp: u32) {
    if cp < 0x80 {
        out.push(cp as u8);
    } else if cp < 0x800 {
        out.extend_from_slice(&[0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8]);
    } else if cp < 0x10000 {
        out.extend_from_slice(&[0xE0 | (cp >> 12) as u8, 0x80 | ((cp >> 6) & 0x3F) as u8, 0x80 | (cp & 0x3F) as u8]);
    } else {
        out.extend_from_slice(&[
            0xF0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3F) as u8,
            0x80 | ((cp >> 6) & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]);
    }
}

/// Validate the run of multi-byte UTF-8 sequences starting at `i` (a byte ≥ 0x80);
/// return the offset of the first ASCII byte after it. Well-formed sequences take a
/// fast path on one 4-byte load; anything doubtful goes to `utf8_sequence`, which
/// decides errors (and their offsets) exactly.
#[inline(always)]
pub(crate) fn utf8_run(s: &[u8], mut i: usize) -> Result<usize, JsonError> {
    let n = s.len();
    while i + 4 <= n {
        let b0 = s[i];
        if b0 < 0x80 {
            return Ok(i);
        }
        let w = u32::from_le_bytes([s[i], s[i + 1], s[i + 2], s[i + 3]]);
        let b1 = (w >> 8) as u8;
        if b0 & 0xF0 == 0xE0 {
            // 3 bytes (most CJK): continuation bytes, no overlong (E0 80..9F), no surrogate (ED A0..BF)
            if w & 0x00C0_C000 == 0x0080_8000 && !(b0 == 0xE0 && b1 < 0xA0) && !(b0 == 0xED && b1 >= 0xA0) {
                i += 3;
                continue;
            }
        } else if b0 & 0xE0 == 0xC0 {
            if b0 >= 0xC2 && b1 & 0xC0 == 0x80 {
                i += 2;
                continue;
            }
        } else if b0 & 0xF8 == 0xF0
            && b0 <= 0xF4
            && w & 0xC0C0_C000 == 0x8080_8000
            && !(b0 == 0xF0 && b1 < 0x90)
            && !(b0 == 0xF4 && b1 >= 0x90)
        {
            i += 4;
            continue;
        }
        break;
    }
    while i < n && s[i] >= 0x80 {
        i = utf8_sequence(s, i)?;
    }
    Ok(i)
}

/// Validate the UTF-8 sequence whose lead byte (≥ 0x80) is at `i`; return the offset
/// after it. Errors are reported at the lead byte: `InvalidUtf8` for anything RFC 3629
/// forbids, `LoneSurrogate` for an encoded U+D800–U+DFFF (ED A0..BF, even if the
/// third byte is bad or missing: as the TypeScript reader decides it).
#[inline]
pub(crate) fn utf8_sequence(s: &[u8], i: usize) -> Result<usize, JsonError> {
    let bad = || JsonError::new(ErrorCode::InvalidUtf8, i);
    let cont = |k: usize| k < s.len() && (s[k] & 0xC0) == 0x80;
    let b0 = s[i];
    if b0 < 0xC2 {
        return Err(bad());
    }
    if b0 < 0xE0 {
        return if cont(i + 1) { Ok(i + 2) } else { Err(bad()) };
    }
    if b0 < 0xF0 {
        // a surrogate is recognised from its first two bytes, whatever follows
        if b0 == 0xED && i + 1 < s.len() && (0xA0..=0xBF).contains(&s[i + 1]) {
            return Err(JsonError::new(ErrorCode::LoneSurrogate, i));
        }
        if !cont(i + 1) || !cont(i + 2) || (b0 == 0xE0 && s[i + 1] < 0xA0) {
            return Err(bad());
        }
        return Ok(i + 3);
    }
    if b0 < 0xF5 {
        if !cont(i + 1) || !cont(i + 2) || !cont(i + 3) {
            return Err(bad());
        }
        let b1 = s[i + 1];
        if (b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 >= 0x90) {
            return Err(bad());
        }
        return Ok(i + 4);
    }
    Err(bad())
}
