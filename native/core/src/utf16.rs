//! UTF-16 (JavaScript strings) → UTF-8, refusing lone surrogates instead of
//! writing U+FFFD as `TextEncoder` and N-API's UTF-8 accessor do: a JSON text or
//! key with a lone surrogate must be rejected, never silently changed (its
//! signature would then cover different bytes than the sender meant).
//!
//! Blocks of 16 code units are checked with SIMD (AVX2 at run time, simd128 /
//! NEON at compile time): a block with no surrogate is skipped by
//! `find_lone_surrogate`, an all-ASCII block is narrowed in one step by
//! `to_utf8`; other blocks take the scalar path one unit at a time.
use alloc::vec::Vec;

use crate::json::{self, ErrorCode, JsonError};

/// Index (in code units) of the first unpaired surrogate, if any.
pub fn find_lone_surrogate(units: &[u16]) -> Option<usize> {
    let mut i = 0;
    loop {
        i = next_surrogate(units, i)?;
        if is_high(units[i]) && i + 1 < units.len() && is_low(units[i + 1]) {
            i += 2;
        } else {
            return Some(i);
        }
    }
}

/// Appends the UTF-8 encoding of `units` to `out`, or returns the index of the
/// first lone surrogate (leaving `out` as it was).
pub fn to_utf8(units: &[u16], out: &mut Vec<u8>) -> Result<(), usize> {
    let start = out.len();
    // At most 3 bytes per unit (a pair is 2 units → 4 bytes); 16 bytes of slack for SIMD stores.
    out.reserve(units.len() * 3 + 16);
    let n = units.len();
    let mut i = 0;
    // SAFETY: o never exceeds start + 3·(units consumed) ≤ capacity − 16, and SIMD
    // stores write 16 bytes at o; set_len covers only what was written.
    unsafe {
        let dst = out.as_mut_ptr().add(start);
        let mut o = 0;
        while i < n {
            if i + 16 <= n && ascii_block(units.as_ptr().add(i), dst.add(o)) {
                i += 16;
                o += 16;
                continue;
            }
            let end = if i + 16 < n { i + 16 } else { n };
            while i < end {
                let u = units[i];
                if u < 0x80 {
                    *dst.add(o) = u as u8;
                    o += 1;
                } else if u < 0x800 {
                    *dst.add(o) = 0xc0 | (u >> 6) as u8;
                    *dst.add(o + 1) = 0x80 | (u & 0x3f) as u8;
                    o += 2;
                } else if !is_surrogate(u) {
                    *dst.add(o) = 0xe0 | (u >> 12) as u8;
                    *dst.add(o + 1) = 0x80 | ((u >> 6) & 0x3f) as u8;
                    *dst.add(o + 2) = 0x80 | (u & 0x3f) as u8;
                    o += 3;
                } else if is_high(u) && i + 1 < n && is_low(units[i + 1]) {
                    let c = 0x10000 + (((u as u32) & 0x3ff) << 10 | (units[i + 1] as u32 & 0x3ff));
                    *dst.add(o) = 0xf0 | (c >> 18) as u8;
                    *dst.add(o + 1) = 0x80 | ((c >> 12) & 0x3f) as u8;
                    *dst.add(o + 2) = 0x80 | ((c >> 6) & 0x3f) as u8;
                    *dst.add(o + 3) = 0x80 | (c & 0x3f) as u8;
                    o += 4;
                    i += 1;
                } else {
                    return Err(i);
                }
                i += 1;
            }
        }
        out.set_len(start + o);
    }
    Ok(())
}

/// The body of a JSON string literal (the bytes between its quotes) → its decoded
/// UTF-8 value, appended to `out`. Errors carry offsets relative to the body: an
/// unescaped `"` is `Syntax` at it, a trailing lone `\\` is `Syntax` at it, and
/// escapes, control bytes, UTF-8 and surrogates are judged by the JSON parser.
pub fn decode_json_string(body: &[u8], out: &mut Vec<u8>) -> Result<(), JsonError> {
    // Where the literal would end early: the first unescaped quote, or a final
    // backslash that would escape the closing quote we add.
    let mut stop = None;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => {
                stop = Some(i);
                break;
            }
            b'\\' if i + 1 == body.len() => {
                stop = Some(i);
                break;
            }
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    let mut literal = Vec::with_capacity(body.len() + 2);
    literal.push(b'"');
    literal.extend_from_slice(body);
    literal.push(b'"');
    match json::parse(&literal, json::Mode::Strict) {
        Ok(doc) => {
            // parsed whole, so no early stop; the root is the string
            out.extend_from_slice(&doc.get_str(&[]).unwrap_or_default());
            Ok(())
        }
        Err(e) => {
            let offset = e.offset.saturating_sub(1);
            match stop {
                // the parser got past the stop: what it found is after the real problem
                Some(at) if offset >= at => Err(JsonError { code: ErrorCode::Syntax, offset: at }),
                _ => Err(JsonError { code: e.code, offset }),
            }
        }
    }
}

/// The SIMD level the UTF-16 kernels use on this CPU.
pub fn utf16_simd_level() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::has_avx2() {
            return "avx2";
        }
        return "sse2";
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        return "simd128";
    }
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    {
        return "neon";
    }
    #[allow(unreachable_code)]
    "scalar"
}

#[inline(always)]
fn is_surrogate(u: u16) -> bool {
    u & 0xf800 == 0xd800
}
#[inline(always)]
fn is_high(u: u16) -> bool {
    u & 0xfc00 == 0xd800
}
#[inline(always)]
fn is_low(u: u16) -> bool {
    u & 0xfc00 == 0xdc00
}

/// Index of the first surrogate (paired or not) at or after `from`.
fn next_surrogate(units: &[u16], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 16 <= units.len() {
        // SAFETY: 16 units from i are in bounds.
        if let Some(k) = unsafe { surrogate_in_block(units.as_ptr().add(i)) } {
            return Some(i + k);
        }
        i += 16;
    }
    units[i..].iter().position(|&u| is_surrogate(u)).map(|k| i + k)
}

/// Position of the first surrogate among 16 units at `p`.
/// SAFETY: 16 units must be readable at `p`.
#[inline]
unsafe fn surrogate_in_block(p: *const u16) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::has_avx2() {
            return x86::surrogate_in_block_avx2(p);
        }
        return x86::surrogate_in_block_sse2(p);
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::*;
        let mask = u16x8_splat(0xf800);
        let sur = u16x8_splat(0xd800);
        let a = i16x8_eq(v128_and(v128_load(p as *const v128), mask), sur);
        let b = i16x8_eq(v128_and(v128_load(p.add(8) as *const v128), mask), sur);
        let bits = i16x8_bitmask(a) as u32 | (i16x8_bitmask(b) as u32) << 8;
        return if bits == 0 { None } else { Some(bits.trailing_zeros() as usize) };
    }
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    {
        use core::arch::aarch64::*;
        let mask = vdupq_n_u16(0xf800);
        let sur = vdupq_n_u16(0xd800);
        let a = vceqq_u16(vandq_u16(vld1q_u16(p), mask), sur);
        let b = vceqq_u16(vandq_u16(vld1q_u16(p.add(8)), mask), sur);
        if vmaxvq_u16(vorrq_u16(a, b)) == 0 {
            return None;
        }
        return core::slice::from_raw_parts(p, 16).iter().position(|&u| is_surrogate(u));
    }
    #[allow(unreachable_code)]
    core::slice::from_raw_parts(p, 16).iter().position(|&u| is_surrogate(u))
}

/// If the 16 units at `src` are all ASCII, writes them as 16 bytes at `dst`.
/// SAFETY: 16 units readable at `src`, 16 bytes writable at `dst`.
#[inline]
unsafe fn ascii_block(src: *const u16, dst: *mut u8) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::has_avx2() {
            return x86::ascii_block_avx2(src, dst);
        }
        return x86::ascii_block_sse2(src, dst);
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::*;
        let a = v128_load(src as *const v128);
        let b = v128_load(src.add(8) as *const v128);
        if v128_any_true(v128_and(v128_or(a, b), u16x8_splat(0xff80))) {
            return false;
        }
        v128_store(dst as *mut v128, u8x16_narrow_i16x8(a, b));
        return true;
    }
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    {
        use core::arch::aarch64::*;
        let a = vld1q_u16(src);
        let b = vld1q_u16(src.add(8));
        if vmaxvq_u16(vorrq_u16(a, b)) >= 0x80 {
            return false;
        }
        vst1q_u8(dst, vcombine_u8(vmovn_u16(a), vmovn_u16(b)));
        return true;
    }
    #[allow(unreachable_code)]
    {
        let s = core::slice::from_raw_parts(src, 16);
        if s.iter().any(|&u| u >= 0x80) {
            return false;
        }
        for (k, &u) in s.iter().enumerate() {
            *dst.add(k) = u as u8;
        }
        true
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::*;

    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn surrogate_in_block_avx2(p: *const u16) -> Option<usize> {
        let v = _mm256_loadu_si256(p as *const __m256i);
        let hit = _mm256_cmpeq_epi16(_mm256_and_si256(v, _mm256_set1_epi16(0xf800u16 as i16)), _mm256_set1_epi16(0xd800u16 as i16));
        let bits = _mm256_movemask_epi8(hit) as u32;
        if bits == 0 { None } else { Some(bits.trailing_zeros() as usize / 2) }
    }

    pub(super) unsafe fn surrogate_in_block_sse2(p: *const u16) -> Option<usize> {
        let mask = _mm_set1_epi16(0xf800u16 as i16);
        let sur = _mm_set1_epi16(0xd800u16 as i16);
        let a = _mm_cmpeq_epi16(_mm_and_si128(_mm_loadu_si128(p as *const __m128i), mask), sur);
        let b = _mm_cmpeq_epi16(_mm_and_si128(_mm_loadu_si128(p.add(8) as *const __m128i), mask), sur);
        let bits = _mm_movemask_epi8(_mm_packs_epi16(a, b)) as u32;
        if bits == 0 { None } else { Some(bits.trailing_zeros() as usize) }
    }

    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn ascii_block_avx2(src: *const u16, dst: *mut u8) -> bool {
        let v = _mm256_loadu_si256(src as *const __m256i);
        if _mm256_testz_si256(v, _mm256_set1_epi16(0xff80u16 as i16)) == 0 {
            return false;
        }
        let bytes = _mm_packus_epi16(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
        _mm_storeu_si128(dst as *mut __m128i, bytes);
        true
    }

    pub(super) unsafe fn ascii_block_sse2(src: *const u16, dst: *mut u8) -> bool {
        let a = _mm_loadu_si128(src as *const __m128i);
        let b = _mm_loadu_si128(src.add(8) as *const __m128i);
        let high = _mm_and_si128(_mm_or_si128(a, b), _mm_set1_epi16(0xff80u16 as i16));
        if _mm_movemask_epi8(_mm_cmpeq_epi8(high, _mm_setzero_si128())) != 0xffff {
            return false;
        }
        _mm_storeu_si128(dst as *mut __m128i, _mm_packus_epi16(a, b));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    fn utf8(u: &[u16]) -> Result<Vec<u8>, usize> {
        let mut out = Vec::new();
        to_utf8(u, &mut out).map(|_| out)
    }

    #[test]
    fn well_formed_text_matches_rust_utf8_at_every_length() {
        // Mixed widths (1, 2, 3, 4 bytes) shifted across the 16-unit blocks.
        let pieces = ["a", "é", "€", "😀", "z", "\u{7f}", "\u{80}", "\u{7ff}", "\u{800}", "\u{ffff}", "\u{10000}", "\u{10ffff}"];
        let mut s = String::new();
        for k in 0..200 {
            s.push_str(pieces[(k * 7) % pieces.len()]);
            let u = units(&s);
            assert_eq!(utf8(&u).unwrap(), s.as_bytes(), "{s:?}");
            assert_eq!(find_lone_surrogate(&u), None);
        }
        let ascii: String = (0..300).map(|k| (b' ' + (k % 90) as u8) as char).collect();
        for n in 0..ascii.len() {
            assert_eq!(utf8(&units(&ascii[..n])).unwrap(), ascii[..n].as_bytes());
        }
    }

    #[test]
    fn lone_surrogates_are_found_at_every_position() {
        for len in [1usize, 15, 16, 17, 31, 32, 33, 70] {
            for pos in 0..len {
                for bad in [0xd800u16, 0xdbff, 0xdc00, 0xdfff] {
                    let mut u: Vec<u16> = (0..len).map(|k| if k % 3 == 0 { 0x41 } else { 0x4e2d }).collect();
                    u[pos] = bad;
                    assert_eq!(find_lone_surrogate(&u), Some(pos), "len {len} pos {pos} {bad:#x}");
                    let mut out = b"keep".to_vec();
                    assert_eq!(to_utf8(&u, &mut out), Err(pos));
                    assert_eq!(out, b"keep");
                }
            }
        }
    }

    #[test]
    fn pairs_are_not_lone_but_reversed_or_split_pairs_are() {
        assert_eq!(find_lone_surrogate(&[0xd83d, 0xde00]), None);
        assert_eq!(utf8(&[0xd83d, 0xde00]).unwrap(), "😀".as_bytes());
        assert_eq!(find_lone_surrogate(&[0xde00, 0xd83d]), Some(0));
        assert_eq!(find_lone_surrogate(&[0xd83d, 0xd83d, 0xde00]), Some(0));
        assert_eq!(find_lone_surrogate(&[0xd83d, 0x41, 0xde00]), Some(0));
        assert_eq!(find_lone_surrogate(&[0x41, 0xd83d]), Some(1));
        // A pair straddling the 16-unit block boundary.
        let mut u = alloc::vec![0x41u16; 15];
        u.extend_from_slice(&[0xd83d, 0xde00, 0x42]);
        assert_eq!(find_lone_surrogate(&u), None);
        let mut expect = alloc::vec![b'A'; 15];
        expect.extend_from_slice("😀B".as_bytes());
        assert_eq!(utf8(&u).unwrap(), expect);
        u.truncate(16);
        assert_eq!(find_lone_surrogate(&u), Some(15));
        assert_eq!(utf8(&u), Err(15));
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sse2_blocks_agree_with_scalar() {
        // The AVX2 twins run in the tests above on this machine; check the SSE2 ones here.
        let blocks: [[u16; 16]; 4] = [
            [0x41; 16],
            { let mut b = [0x41u16; 16]; b[9] = 0xdc00; b },
            { let mut b = [0x7fu16; 16]; b[15] = 0x80; b },
            { let mut b = [0x20u16; 16]; b[0] = 0xd7ff; b[3] = 0xe000; b[7] = 0xdbff; b },
        ];
        for b in blocks {
            let expect_sur = b.iter().position(|&u| is_surrogate(u));
            assert_eq!(unsafe { x86::surrogate_in_block_sse2(b.as_ptr()) }, expect_sur);
            let mut out = [0u8; 16];
            let ascii = b.iter().all(|&u| u < 0x80);
            assert_eq!(unsafe { x86::ascii_block_sse2(b.as_ptr(), out.as_mut_ptr()) }, ascii);
            if ascii {
                assert!(out.iter().zip(b).all(|(&o, u)| o as u16 == u));
            }
        }
    }

    fn decode(body: &str) -> Result<Vec<u8>, (ErrorCode, usize)> {
        let mut out = Vec::new();
        decode_json_string(body.as_bytes(), &mut out).map(|_| out).map_err(|e| (e.code, e.offset))
    }

    #[test]
    fn json_string_bodies_decode_with_body_relative_offsets() {
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode("plain").unwrap(), b"plain");
        assert_eq!(decode(r"a\n\u00e9\ud83d\ude00\\\/").unwrap(), "a\né😀\\/".as_bytes());
        assert_eq!(decode(r#"ab"cd"#), Err((ErrorCode::Syntax, 2)));
        assert_eq!(decode(r#"a\"b"#).unwrap(), b"a\"b");
        assert_eq!(decode(r"ab\"), Err((ErrorCode::Syntax, 2)));
        assert_eq!(decode(r"ab\\").unwrap(), b"ab\\");
        assert_eq!(decode(r"x\q"), Err((ErrorCode::Syntax, 1)));
        assert_eq!(decode(r"x\u12"), Err((ErrorCode::Syntax, 1)));
        assert_eq!(decode(r"xy\ud800"), Err((ErrorCode::LoneSurrogate, 2)));
        assert_eq!(decode(r"\udc00"), Err((ErrorCode::LoneSurrogate, 0)));
        assert_eq!(decode("a\tb"), Err((ErrorCode::Syntax, 1)));
        assert_eq!(decode(r#"\q""#), Err((ErrorCode::Syntax, 0)));
        let mut bad = b"ab".to_vec();
        bad.push(0xc0);
        bad.push(0x80);
        let mut out = Vec::new();
        let e = decode_json_string(&bad, &mut out).unwrap_err();
        assert_eq!((e.code, e.offset), (ErrorCode::InvalidUtf8, 2));
    }
}
