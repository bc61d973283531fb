//! Find the next byte inside a JSON string that needs attention: `"`, `\`, a control
//! byte (< 0x20, a syntax error) or a non-ASCII byte (≥ 0x80, validated as UTF-8).
//! One trick serves every ISA: as a *signed* byte, `x < 0x20` holds for both the
//! control bytes and every byte ≥ 0x80, so three compares and an OR cover all four.
//!
//! x86_64: SSE2 (baseline) inline for the short strings events are made of, handing
//! long runs to AVX2 when the CPU has it (detected once per parse with feature `std`).
//! wasm32: simd128 when compiled with it. aarch64: NEON. Elsewhere: SWAR on u64.

/// Whether long runs may use the wider unit (decided once per parse).
#[derive(Clone, Copy)]
pub(crate) struct LongScan {
    #[allow(dead_code)]
    avx2: bool,
}

impl LongScan {
    #[inline]
    pub(crate) fn detect() -> LongScan {
        LongScan { avx2: has_avx2() }
    }
}

#[inline]
fn has_avx2() -> bool {
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(all(target_arch = "x86_64", not(feature = "std")))]
    {
        cfg!(target_feature = "avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

pub(crate) fn level_name() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2() {
            "avx2"
        } else {
            "sse2"
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        "simd128"
    }
    #[cfg(target_arch = "aarch64")]
    {
        "neon"
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64", all(target_arch = "wasm32", target_feature = "simd128"))))]
    {
        "scalar"
    }
}

#[inline(always)]
fn special(b: u8) -> bool {
    (b as i8) < 0x20 || b == b'"' || b == b'\\'
}

/// Offset of the first special byte at or after `i`, or `s.len()`.
#[inline(always)]
pub(crate) fn find_special(s: &[u8], i: usize, long: LongScan) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        x86::find(s, i, long)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let _ = long;
        wasm::find(s, i)
    }
    #[cfg(target_arch = "aarch64")]
    {
        let _ = long;
        neon::find(s, i)
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64", all(target_arch = "wasm32", target_feature = "simd128"))))]
    {
        let _ = long;
        find_swar(s, i)
    }
}

/// Portable fallback, 8 bytes at a time. The lowest flagged byte of each formula is
/// exact (borrows only propagate upwards), which is all we use.
#[allow(dead_code)]
#[inline]
pub(crate) fn find_swar(s: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let n = s.len();
    while i + 8 <= n {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let q = x ^ (ONES * b'"' as u64);
        let b = x ^ (ONES * b'\\' as u64);
        let m = (q.wrapping_sub(ONES) & !q)
            | (b.wrapping_sub(ONES) & !b)
            | (x.wrapping_sub(ONES * 0x20) & !x)
            | x;
        let m = m & HIGH;
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < n && !special(s[i]) {
        i += 1;
    }
    i
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::LongScan;
    use core::arch::x86_64::*;

    #[inline(always)]
    unsafe fn mask16(p: *const u8) -> u32 {
        let x = _mm_loadu_si128(p as *const __m128i);
        let m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8)), _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8))),
            _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
        );
        _mm_movemask_epi8(m) as u32
    }

    #[inline(always)]
    pub(super) fn find(s: &[u8], mut i: usize, long: LongScan) -> usize {
        let n = s.len();
        let p = s.as_ptr();
        // SAFETY: every load reads 16 bytes inside `s` (i + 16 <= n, or the final
        // overlapping block at n - 16 when n >= 16).
        unsafe {
            let mut blocks = 0u32;
            while i + 16 <= n {
                let m = mask16(p.add(i));
                if m != 0 {
                    return i + m.trailing_zeros() as usize;
                }
                i += 16;
                blocks += 1;
                if blocks == 4 && long.avx2 && n - i >= 64 {
                    return find_avx2(s, i);
                }
            }
            if i >= n {
                return n;
            }
            if n >= 16 {
                let m = mask16(p.add(n - 16)) >> (i - (n - 16));
                return if m != 0 { i + m.trailing_zeros() as usize } else { n };
            }
        }
        while i < n && !super::special(s[i]) {
            i += 1;
        }
        i
    }

    #[target_feature(enable = "avx2")]
    unsafe fn find_avx2(s: &[u8], mut i: usize) -> usize {
        let n = s.len();
        let p = s.as_ptr();
        let quote = _mm256_set1_epi8(b'"' as i8);
        let bs = _mm256_set1_epi8(b'\\' as i8);
        let lim = _mm256_set1_epi8(0x20);
        while i + 64 <= n {
            let x = _mm256_loadu_si256(p.add(i) as *const __m256i);
            let y = _mm256_loadu_si256(p.add(i + 32) as *const __m256i);
            let mx = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(x, quote), _mm256_cmpeq_epi8(x, bs)),
                _mm256_cmpgt_epi8(lim, x),
            );
            let my = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(y, quote), _mm256_cmpeq_epi8(y, bs)),
                _mm256_cmpgt_epi8(lim, y),
            );
            let m = (_mm256_movemask_epi8(mx) as u32 as u64) | ((_mm256_movemask_epi8(my) as u32 as u64) << 32);
            if m != 0 {
                return i + m.trailing_zeros() as usize;
            }
            i += 64;
        }
        while i + 16 <= n {
            let m = mask16(p.add(i));
            if m != 0 {
                return i + m.trailing_zeros() as usize;
            }
            i += 16;
        }
        if i < n {
            // n - i < 16 and the caller guaranteed n >= 64
            let m = mask16(p.add(n - 16)) >> (i - (n - 16));
            return if m != 0 { i + m.trailing_zeros() as usize } else { n };
        }
        n
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm {
    use core::arch::wasm32::*;

    #[inline(always)]
    fn mask16(s: &[u8], i: usize) -> u32 {
        // SAFETY: callers pass i + 16 <= s.len(); v128_load has no alignment requirement.
        let x = unsafe { v128_load(s.as_ptr().add(i) as *const v128) };
        let m = v128_or(
            v128_or(i8x16_eq(x, u8x16_splat(b'"')), i8x16_eq(x, u8x16_splat(b'\\'))),
            i8x16_lt(x, i8x16_splat(0x20)),
        );
        i8x16_bitmask(m) as u32
    }

    #[inline(always)]
    pub(super) fn find(s: &[u8], mut i: usize) -> usize {
        let n = s.len();
        while i + 16 <= n {
            let m = mask16(s, i);
            if m != 0 {
                return i + m.trailing_zeros() as usize;
            }
            i += 16;
        }
        if i >= n {
            return n;
        }
        if n >= 16 {
            let m = mask16(s, n - 16) >> (i - (n - 16));
            return if m != 0 { i + m.trailing_zeros() as usize } else { n };
        }
        while i < n && !super::special(s[i]) {
            i += 1;
        }
        i
    }
}

#[cfg(target_arch = "aarch64")]
mod neon {
    use core::arch::aarch64::*;

    /// 4 bits per byte (shrn-by-4 narrowing of the compare mask).
    #[inline(always)]
    fn mask16(s: &[u8], i: usize) -> u64 {
        // SAFETY: callers pass i + 16 <= s.len(); NEON is baseline on aarch64.
        unsafe {
            let x = vld1q_u8(s.as_ptr().add(i));
            let m = vorrq_u8(
                vorrq_u8(vceqq_u8(x, vdupq_n_u8(b'"')), vceqq_u8(x, vdupq_n_u8(b'\\'))),
                vcltq_s8(vreinterpretq_s8_u8(x), vdupq_n_s8(0x20)),
            );
            let nib = vshrn_n_u16(vreinterpretq_u16_u8(m), 4);
            vget_lane_u64(vreinterpret_u64_u8(nib), 0)
        }
    }

    #[inline(always)]
    pub(super) fn find(s: &[u8], mut i: usize) -> usize {
        let n = s.len();
        while i + 16 <= n {
            let m = mask16(s, i);
            if m != 0 {
                return i + (m.trailing_zeros() / 4) as usize;
            }
            i += 16;
        }
        if i >= n {
            return n;
        }
        if n >= 16 {
            let m = mask16(s, n - 16) >> (4 * (i - (n - 16)));
            return if m != 0 { i + (m.trailing_zeros() / 4) as usize } else { n };
        }
        while i < n && !super::special(s[i]) {
            i += 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_position_and_byte_matches_the_scalar_definition() {
        let long = LongScan::detect();
        for len in 0..200usize {
            for pos in 0..=len {
                for &b in &[b'"', b'\\', 0x00, 0x1f, 0x80, 0xff, b'a'] {
                    let mut s = alloc::vec![b'x'; len];
                    if pos < len {
                        s[pos] = b;
                    }
                    let want = if pos < len && special(b) { pos } else { len };
                    for start in [0usize, 1, 5, 17].iter().copied().filter(|&st| st <= pos.min(len)) {
                        assert_eq!(find_special(&s, start, long), want, "len {len} pos {pos} byte {b:#x} start {start}");
                        assert_eq!(find_swar(&s, start), want, "swar len {len} pos {pos} byte {b:#x}");
                    }
                }
            }
        }
    }
}
