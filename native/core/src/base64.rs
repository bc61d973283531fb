//! Base64 as Matrix uses it (spec appendix "Unpadded Base64"): encode without
//! padding, standard or URL-safe alphabet; decode padded or unpadded input,
//! accepting non-zero trailing bits (the spec's own seed example relies on it)
//! and rejecting anything else: bytes outside the chosen alphabet, a length
//! ≡ 1 (mod 4), padding anywhere but completing the final quantum.
//!
//! Whole 24/32-byte blocks go through SIMD (AVX2 chosen at run time, wasm
//! simd128 and aarch64 NEON at compile time; the translation is Wojciech Muła's
//! and Daniel Lemire's nibble-lookup method); the tail and other CPUs use the
//! table-driven scalar twin, which is also the reference the SIMD is tested against.
use alloc::vec::Vec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// a byte outside the alphabet (whitespace, the other alphabet, misplaced `=`)
    InvalidByte,
    /// the unpadded length is ≡ 1 (mod 4): no whole byte can come from one character
    InvalidLength,
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const INVALID: u8 = 0xff;

const fn decode_table(alphabet: &[u8; 64]) -> [u8; 256] {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
}

static DECODE_STANDARD: [u8; 256] = decode_table(STANDARD);
static DECODE_URL_SAFE: [u8; 256] = decode_table(URL_SAFE);

#[inline]
fn alphabet(url_safe: bool) -> &'static [u8; 64] {
    if url_safe { URL_SAFE } else { STANDARD }
}

/// Characters `encode` writes for `n` bytes (no padding).
pub const fn encoded_len(n: usize) -> usize {
    n / 3 * 4 + [0, 2, 3][n % 3]
}

/// The SIMD level the base64 kernels use on this CPU.
pub fn base64_simd_level() -> &'static str {
    match level() {
        Level::Scalar => "scalar",
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => "avx2",
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        Level::Simd128 => "simd128",
        #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
        Level::Neon => "neon",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    Simd128,
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    Neon,
}

#[inline]
fn level() -> Level {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::has_avx2() {
            return Level::Avx2;
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        return Level::Simd128;
    }
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    {
        return Level::Neon;
    }
    #[allow(unreachable_code)]
    Level::Scalar
}

/// Appends the unpadded base64 of `input` to `out`.
pub fn encode(input: &[u8], url_safe: bool, out: &mut Vec<u8>) {
    encode_with(level(), input, url_safe, out)
}

fn encode_with(level: Level, input: &[u8], url_safe: bool, out: &mut Vec<u8>) {
    let n = encoded_len(input.len());
    let start = out.len();
    // SIMD stores write whole vectors: keep 64 bytes of slack past the end.
    out.reserve(n + 64);
    // SAFETY: every kernel writes only below start + n + 64 (capacity) and
    // reports how many bytes it wrote; set_len covers exactly those.
    unsafe {
        let dst = out.as_mut_ptr().add(start);
        let (read, written) = match level {
            Level::Scalar => (0, 0),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => avx2::encode(input, url_safe, dst),
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Level::Simd128 => simd128::encode(input, url_safe, dst),
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Level::Neon => neon::encode(input, url_safe, dst),
        };
        let tail = encode_scalar(&input[read..], alphabet(url_safe), dst.add(written));
        debug_assert_eq!(written + tail, n);
        out.set_len(start + written + tail);
    }
}

/// SAFETY: `dst` must have room for `encoded_len(input.len())` bytes.
unsafe fn encode_scalar(input: &[u8], alphabet: &[u8; 64], dst: *mut u8) -> usize {
    let mut o = 0;
    let mut chunks = input.chunks_exact(3);
    for c in &mut chunks {
        let n = (c[0] as u32) << 16 | (c[1] as u32) << 8 | c[2] as u32;
        *dst.add(o) = alphabet[(n >> 18) as usize & 63];
        *dst.add(o + 1) = alphabet[(n >> 12) as usize & 63];
        *dst.add(o + 2) = alphabet[(n >> 6) as usize & 63];
        *dst.add(o + 3) = alphabet[n as usize & 63];
        o += 4;
    }
    match *chunks.remainder() {
        [a] => {
            *dst.add(o) = alphabet[(a >> 2) as usize];
            *dst.add(o + 1) = alphabet[((a & 3) << 4) as usize];
            o += 2;
        }
        [a, b] => {
            *dst.add(o) = alphabet[(a >> 2) as usize];
            *dst.add(o + 1) = alphabet[(((a & 3) << 4) | (b >> 4)) as usize];
            *dst.add(o + 2) = alphabet[((b & 15) << 2) as usize];
            o += 3;
        }
        _ => {}
    }
    o
}

/// Strips `=` padding that completes the final quantum; any other `=` stays and
/// is rejected as a byte outside the alphabet.
fn strip_padding(input: &[u8]) -> &[u8] {
    if !input.len().is_multiple_of(4) {
        return input;
    }
    match input {
        [body @ .., b'=', b'='] => body,
        [body @ .., b'='] => body,
        _ => input,
    }
}

/// Decodes `input` (one alphabet, chosen by `url_safe`) and appends the bytes to
/// `out`. On error `out` is left as it was.
pub fn decode(input: &[u8], url_safe: bool, out: &mut Vec<u8>) -> Result<(), DecodeError> {
    decode_with(level(), input, url_safe, out)
}

fn decode_with(level: Level, input: &[u8], url_safe: bool, out: &mut Vec<u8>) -> Result<(), DecodeError> {
    let body = strip_padding(input);
    if body.len() % 4 == 1 {
        return Err(DecodeError::InvalidLength);
    }
    let n = body.len() / 4 * 3 + [0, 0, 1, 2][body.len() % 4];
    let start = out.len();
    out.reserve(n + 64);
    // SAFETY: as in encode_with; on error set_len is never reached.
    unsafe {
        let dst = out.as_mut_ptr().add(start);
        let (read, written) = match level {
            Level::Scalar => (0, 0),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => avx2::decode(body, url_safe, dst)?,
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Level::Simd128 => simd128::decode(body, url_safe, dst)?,
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Level::Neon => neon::decode(body, url_safe, dst)?,
        };
        let table = if url_safe { &DECODE_URL_SAFE } else { &DECODE_STANDARD };
        let tail = decode_scalar(&body[read..], table, dst.add(written))?;
        debug_assert_eq!(written + tail, n);
        out.set_len(start + written + tail);
    }
    Ok(())
}

/// `input` has no padding and a length ≢ 1 (mod 4).
/// SAFETY: `dst` must have room for the decoded bytes.
unsafe fn decode_scalar(input: &[u8], table: &[u8; 256], dst: *mut u8) -> Result<usize, DecodeError> {
    let mut o = 0;
    let mut chunks = input.chunks_exact(4);
    for c in &mut chunks {
        let (a, b, x, y) = (table[c[0] as usize], table[c[1] as usize], table[c[2] as usize], table[c[3] as usize]);
        if (a | b | x | y) & 0x80 != 0 {
            return Err(DecodeError::InvalidByte);
        }
        let n = (a as u32) << 18 | (b as u32) << 12 | (x as u32) << 6 | y as u32;
        *dst.add(o) = (n >> 16) as u8;
        *dst.add(o + 1) = (n >> 8) as u8;
        *dst.add(o + 2) = n as u8;
        o += 3;
    }
    let rest = chunks.remainder();
    let mut vals = [0u8; 3];
    for (v, &c) in vals.iter_mut().zip(rest) {
        *v = table[c as usize];
        if *v & 0x80 != 0 {
            return Err(DecodeError::InvalidByte);
        }
    }
    // Trailing bits that do not fill a byte are ignored, not required to be zero.
    match rest.len() {
        2 => {
            *dst.add(o) = vals[0] << 2 | vals[1] >> 4;
            o += 1;
        }
        3 => {
            *dst.add(o) = vals[0] << 2 | vals[1] >> 4;
            *dst.add(o + 1) = vals[1] << 4 | vals[2] >> 2;
            o += 2;
        }
        _ => {}
    }
    Ok(o)
}

/// Nibble tables for SIMD validation and translation (16 entries each).
/// `valid_by_low[lo]` has bit `hi` set iff byte `hi << 4 | lo` is in the alphabet;
/// `shift_by_high[hi]` maps a valid byte to its value, except for `special`
/// (the one byte whose high nibble it shares with others of a different offset).
#[allow(dead_code)]
struct NibbleTables {
    valid_by_low: [u8; 16],
    bit_by_high: [u8; 16],
    shift_by_high: [u8; 16],
    special: u8,
    special_shift: u8,
    /// encode: offset added to index by its class (see the encode kernels)
    encode_shift: [u8; 16],
}

#[allow(dead_code)]
const fn nibble_tables(alphabet: &[u8; 64]) -> NibbleTables {
    let mut valid_by_low = [0u8; 16];
    let mut i = 0;
    while i < 64 {
        let c = alphabet[i];
        valid_by_low[(c & 15) as usize] |= 1 << (c >> 4);
        i += 1;
    }
    let mut bit_by_high = [0u8; 16];
    let mut h = 0;
    while h < 8 {
        bit_by_high[h] = 1 << h;
        h += 1;
    }
    let (c62, c63) = (alphabet[62], alphabet[63]);
    let mut shift_by_high = [0u8; 16];
    shift_by_high[3] = 4; // '0'..'9' → 52..61
    shift_by_high[4] = (-65i8) as u8; // 'A'..'O'
    shift_by_high[5] = (-65i8) as u8; // 'P'..'Z' (and '_' in the URL alphabet: special)
    shift_by_high[6] = (-71i8) as u8; // 'a'..'o'
    shift_by_high[7] = (-71i8) as u8; // 'p'..'z'
    // '+' (standard) or '-' (URL) is the only ordinary byte with high nibble 2.
    shift_by_high[2] = 62u8.wrapping_sub(c62);
    let special = c63; // '/' shares nibble 2 with '+', '_' shares nibble 5 with 'P'..'Z'
    let special_shift = 63u8.wrapping_sub(c63);
    // Encode classes: 0 → 26..51 ('a'..), 1..10 → 52..61 ('0'..), 11 → 62, 12 → 63, 13 → 0..25 ('A'..)
    let mut encode_shift = [0u8; 16];
    encode_shift[0] = b'a' - 26;
    let mut k = 1;
    while k <= 10 {
        encode_shift[k] = b'0'.wrapping_sub(52);
        k += 1;
    }
    encode_shift[11] = c62.wrapping_sub(62);
    encode_shift[12] = c63.wrapping_sub(63);
    encode_shift[13] = b'A';
    NibbleTables { valid_by_low, bit_by_high, shift_by_high, special, special_shift, encode_shift }
}

#[allow(dead_code)]
static NIBBLES_STANDARD: NibbleTables = nibble_tables(STANDARD);
#[allow(dead_code)]
static NIBBLES_URL_SAFE: NibbleTables = nibble_tables(URL_SAFE);

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{DecodeError, NibbleTables, NIBBLES_STANDARD, NIBBLES_URL_SAFE};
    use core::arch::x86_64::*;

    #[inline(always)]
    unsafe fn table(t: &[u8; 16]) -> __m256i {
        _mm256_broadcastsi128_si256(_mm_loadu_si128(t.as_ptr() as *const __m128i))
    }

    /// Whole 24-byte blocks → 32 characters. Returns (bytes read, characters written).
    /// SAFETY: AVX2 must be present; `dst` must have room for the output plus 32 bytes.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn encode(input: &[u8], url_safe: bool, dst: *mut u8) -> (usize, usize) {
        let t: &NibbleTables = if url_safe { &NIBBLES_URL_SAFE } else { &NIBBLES_STANDARD };
        let shuffle = _mm256_setr_epi8(
            1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10, //
            1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,
        );
        let lut = table(&t.encode_shift);
        let (mut i, mut o) = (0, 0);
        // Two 16-byte loads 12 bytes apart: each lane sees one 12-byte group.
        while i + 28 <= input.len() {
            let p = input.as_ptr().add(i);
            let lo = _mm_loadu_si128(p as *const __m128i);
            let hi = _mm_loadu_si128(p.add(12) as *const __m128i);
            let v = _mm256_shuffle_epi8(_mm256_set_m128i(hi, lo), shuffle);
            // Each 32-bit lane holds bytes [b a c b]; cut out the four 6-bit indices.
            let t0 = _mm256_and_si256(v, _mm256_set1_epi32(0x0fc0_fc00));
            let t1 = _mm256_mulhi_epu16(t0, _mm256_set1_epi32(0x0400_0040));
            let t2 = _mm256_and_si256(v, _mm256_set1_epi32(0x003f_03f0));
            let t3 = _mm256_mullo_epi16(t2, _mm256_set1_epi32(0x0100_0010));
            let idx = _mm256_or_si256(t1, t3);
            // Class of each index (see NibbleTables::encode_shift), then add its offset.
            let mut class = _mm256_subs_epu8(idx, _mm256_set1_epi8(51));
            let below26 = _mm256_cmpgt_epi8(_mm256_set1_epi8(26), idx);
            class = _mm256_or_si256(class, _mm256_and_si256(below26, _mm256_set1_epi8(13)));
            let chars = _mm256_add_epi8(idx, _mm256_shuffle_epi8(lut, class));
            _mm256_storeu_si256(dst.add(o) as *mut __m256i, chars);
            i += 24;
            o += 32;
        }
        (i, o)
    }

    /// Whole 32-character blocks → 24 bytes. Returns (characters read, bytes written).
    /// SAFETY: AVX2 must be present; `dst` must have room for the output plus 32 bytes.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn decode(input: &[u8], url_safe: bool, dst: *mut u8) -> Result<(usize, usize), DecodeError> {
        let t: &NibbleTables = if url_safe { &NIBBLES_URL_SAFE } else { &NIBBLES_STANDARD };
        let valid_by_low = table(&t.valid_by_low);
        let bit_by_high = table(&t.bit_by_high);
        let shift_by_high = table(&t.shift_by_high);
        let special = _mm256_set1_epi8(t.special as i8);
        let special_shift = _mm256_set1_epi8(t.special_shift as i8);
        let nibble = _mm256_set1_epi8(0x0f);
        let pack = _mm256_setr_epi8(
            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, //
            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
        );
        let gather = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);
        let (mut i, mut o) = (0, 0);
        while i + 32 <= input.len() {
            let v = _mm256_loadu_si256(input.as_ptr().add(i) as *const __m256i);
            let hi = _mm256_and_si256(_mm256_srli_epi32(v, 4), nibble);
            let lo = _mm256_and_si256(v, nibble);
            let ok = _mm256_and_si256(_mm256_shuffle_epi8(valid_by_low, lo), _mm256_shuffle_epi8(bit_by_high, hi));
            if _mm256_movemask_epi8(_mm256_cmpeq_epi8(ok, _mm256_setzero_si256())) != 0 {
                return Err(DecodeError::InvalidByte);
            }
            let shift = _mm256_blendv_epi8(
                _mm256_shuffle_epi8(shift_by_high, hi),
                special_shift,
                _mm256_cmpeq_epi8(v, special),
            );
            let vals = _mm256_add_epi8(v, shift);
            // 4 × 6 bits → one 24-bit number per lane, then bytes in big-endian order.
            let pairs = _mm256_maddubs_epi16(vals, _mm256_set1_epi32(0x0140_0140));
            let quads = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x0001_1000));
            let bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(quads, pack), gather);
            _mm256_storeu_si256(dst.add(o) as *mut __m256i, bytes);
            i += 32;
            o += 24;
        }
        Ok((i, o))
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use super::{DecodeError, NibbleTables, NIBBLES_STANDARD, NIBBLES_URL_SAFE};
    use core::arch::wasm32::*;

    #[inline(always)]
    unsafe fn table(t: &[u8; 16]) -> v128 {
        v128_load(t.as_ptr() as *const v128)
    }

    /// Whole 12-byte groups → 16 characters (16 bytes must be readable).
    /// SAFETY: `dst` must have room for the output plus 16 bytes.
    pub(super) unsafe fn encode(input: &[u8], url_safe: bool, dst: *mut u8) -> (usize, usize) {
        let t: &NibbleTables = if url_safe { &NIBBLES_URL_SAFE } else { &NIBBLES_STANDARD };
        let shuffle = i8x16(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
        let lut = table(&t.encode_shift);
        let (mut i, mut o) = (0, 0);
        while i + 16 <= input.len() {
            let v = i8x16_swizzle(v128_load(input.as_ptr().add(i) as *const v128), shuffle);
            // Lanes [b a c b] as u32: lo16 = a<<8|b, hi16 = b<<8|c.
            let i0 = u32x4_shr(v128_and(v, u32x4_splat(0x0000_fc00)), 10);
            let i1 = u32x4_shl(v128_and(v, u32x4_splat(0x0000_03f0)), 4);
            let i2 = u32x4_shr(v128_and(v, u32x4_splat(0x0fc0_0000)), 6);
            let i3 = u32x4_shl(v128_and(v, u32x4_splat(0x003f_0000)), 8);
            let idx = v128_or(v128_or(i0, i1), v128_or(i2, i3));
            let mut class = u8x16_sub_sat(idx, u8x16_splat(51));
            let below26 = i8x16_gt(i8x16_splat(26), idx);
            class = v128_or(class, v128_and(below26, u8x16_splat(13)));
            let chars = i8x16_add(idx, i8x16_swizzle(lut, class));
            v128_store(dst.add(o) as *mut v128, chars);
            i += 12;
            o += 16;
        }
        (i, o)
    }

    /// Whole 16-character blocks → 12 bytes.
    /// SAFETY: `dst` must have room for the output plus 16 bytes.
    pub(super) unsafe fn decode(input: &[u8], url_safe: bool, dst: *mut u8) -> Result<(usize, usize), DecodeError> {
        let t: &NibbleTables = if url_safe { &NIBBLES_URL_SAFE } else { &NIBBLES_STANDARD };
        let valid_by_low = table(&t.valid_by_low);
        let bit_by_high = table(&t.bit_by_high);
        let shift_by_high = table(&t.shift_by_high);
        let special = u8x16_splat(t.special);
        let special_shift = u8x16_splat(t.special_shift);
        let pack = i8x16(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
        let (mut i, mut o) = (0, 0);
        while i + 16 <= input.len() {
            let v = v128_load(input.as_ptr().add(i) as *const v128);
            let hi = u8x16_shr(v, 4);
            let lo = v128_and(v, u8x16_splat(0x0f));
            let ok = v128_and(i8x16_swizzle(valid_by_low, lo), i8x16_swizzle(bit_by_high, hi));
            if v128_any_true(i8x16_eq(ok, u8x16_splat(0))) {
                return Err(DecodeError::InvalidByte);
            }
            let shift = v128_bitselect(special_shift, i8x16_swizzle(shift_by_high, hi), i8x16_eq(v, special));
            let x = i8x16_add(v, shift);
            // lanes [v0 v1 v2 v3] → v0<<18 | v1<<12 | v2<<6 | v3
            let n = v128_or(
                v128_or(u32x4_shl(v128_and(x, u32x4_splat(0x3f)), 18), u32x4_shl(v128_and(x, u32x4_splat(0x3f00)), 4)),
                v128_or(u32x4_shr(v128_and(x, u32x4_splat(0x3f_0000)), 10), u32x4_shr(x, 24)),
            );
            v128_store(dst.add(o) as *mut v128, i8x16_swizzle(n, pack));
            i += 16;
            o += 12;
        }
        Ok((i, o))
    }
}

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
mod neon {
    // Not run on any machine of ours (there is no ARM64 one): it is compile-checked
    // and mirrors the scalar code lane by lane (vld3/vst4 do the (de)interleaving).
    use super::{DecodeError, DECODE_STANDARD, DECODE_URL_SAFE, STANDARD, URL_SAFE};
    use core::arch::aarch64::*;

    /// Whole 48-byte blocks → 64 characters.
    pub(super) unsafe fn encode(input: &[u8], url_safe: bool, dst: *mut u8) -> (usize, usize) {
        let alphabet = if url_safe { URL_SAFE } else { STANDARD };
        let lut = vld1q_u8_x4(alphabet.as_ptr());
        let (mut i, mut o) = (0, 0);
        while i + 48 <= input.len() {
            let v = vld3q_u8(input.as_ptr().add(i));
            let (a, b, c) = (v.0, v.1, v.2);
            let i0 = vshrq_n_u8::<2>(a);
            let i1 = vorrq_u8(vshlq_n_u8::<4>(vandq_u8(a, vdupq_n_u8(3))), vshrq_n_u8::<4>(b));
            let i2 = vorrq_u8(vshlq_n_u8::<2>(vandq_u8(b, vdupq_n_u8(15))), vshrq_n_u8::<6>(c));
            let i3 = vandq_u8(c, vdupq_n_u8(63));
            let out = uint8x16x4_t(vqtbl4q_u8(lut, i0), vqtbl4q_u8(lut, i1), vqtbl4q_u8(lut, i2), vqtbl4q_u8(lut, i3));
            vst4q_u8(dst.add(o), out);
            i += 48;
            o += 64;
        }
        (i, o)
    }

    #[inline(always)]
    unsafe fn lookup(lo: uint8x16x4_t, hi: uint8x16x4_t, v: uint8x16_t, bad: &mut uint8x16_t) -> uint8x16_t {
        // bytes 0..63 from `lo`, 64..127 from `hi`, anything else 0 and flagged via bit 7
        let r = vorrq_u8(vqtbl4q_u8(lo, v), vqtbl4q_u8(hi, vsubq_u8(v, vdupq_n_u8(64))));
        *bad = vorrq_u8(*bad, vorrq_u8(r, vandq_u8(v, vdupq_n_u8(0x80))));
        r
    }

    /// Whole 64-character blocks → 48 bytes.
    pub(super) unsafe fn decode(input: &[u8], url_safe: bool, dst: *mut u8) -> Result<(usize, usize), DecodeError> {
        let table = if url_safe { &DECODE_URL_SAFE } else { &DECODE_STANDARD };
        let lo = vld1q_u8_x4(table.as_ptr());
        let hi = vld1q_u8_x4(table.as_ptr().add(64));
        let (mut i, mut o) = (0, 0);
        while i + 64 <= input.len() {
            let v = vld4q_u8(input.as_ptr().add(i));
            let mut bad = vdupq_n_u8(0);
            let d0 = lookup(lo, hi, v.0, &mut bad);
            let d1 = lookup(lo, hi, v.1, &mut bad);
            let d2 = lookup(lo, hi, v.2, &mut bad);
            let d3 = lookup(lo, hi, v.3, &mut bad);
            // valid values are < 64; INVALID (0xff) and non-ASCII bytes set high bits
            if vmaxvq_u8(bad) > 63 {
                return Err(DecodeError::InvalidByte);
            }
            let out = uint8x16x3_t(
                vorrq_u8(vshlq_n_u8::<2>(d0), vshrq_n_u8::<4>(d1)),
                vorrq_u8(vshlq_n_u8::<4>(d1), vshrq_n_u8::<2>(d2)),
                vorrq_u8(vshlq_n_u8::<6>(d2), d3),
            );
            vst3q_u8(dst.add(o), out);
            i += 64;
            o += 48;
        }
        Ok((i, o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Vec<Level> {
        let mut v = alloc::vec![Level::Scalar];
        if level() != Level::Scalar {
            v.push(level());
        }
        v
    }

    fn enc(l: Level, b: &[u8], url: bool) -> Vec<u8> {
        let mut out = Vec::new();
        encode_with(l, b, url, &mut out);
        out
    }

    fn dec(l: Level, s: &[u8], url: bool) -> Result<Vec<u8>, DecodeError> {
        let mut out = Vec::new();
        decode_with(l, s, url, &mut out).map(|_| out)
    }

    // Deterministic pseudo-random bytes (xorshift), no dependencies.
    fn bytes(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn rfc4648_vectors_unpadded() {
        let cases: [(&[u8], &[u8]); 7] = [
            (b"", b""),
            (b"f", b"Zg"),
            (b"fo", b"Zm8"),
            (b"foo", b"Zm9v"),
            (b"foob", b"Zm9vYg"),
            (b"fooba", b"Zm9vYmE"),
            (b"foobar", b"Zm9vYmFy"),
        ];
        for l in levels() {
            for (raw, text) in cases {
                assert_eq!(enc(l, raw, false), text);
                assert_eq!(dec(l, text, false).unwrap(), raw);
            }
        }
    }

    #[test]
    fn alphabets_differ_only_in_62_63() {
        let raw = [0xfb, 0xff, 0xbf];
        for l in levels() {
            assert_eq!(enc(l, &raw, false), b"+/+/");
            assert_eq!(enc(l, &raw, true), b"-_-_");
            assert_eq!(dec(l, b"+/+/", false).unwrap(), raw);
            assert_eq!(dec(l, b"-_-_", true).unwrap(), raw);
            assert_eq!(dec(l, b"-_-_", false), Err(DecodeError::InvalidByte));
            assert_eq!(dec(l, b"+/+/", true), Err(DecodeError::InvalidByte));
        }
    }

    #[test]
    fn padding_rules() {
        for l in levels() {
            assert_eq!(dec(l, b"Zg==", false).unwrap(), b"f");
            assert_eq!(dec(l, b"Zm8=", false).unwrap(), b"fo");
            assert!(dec(l, b"Zg=", false).is_err());
            assert!(dec(l, b"Zm8==", false).is_err());
            assert!(dec(l, b"Zm9v====", false).is_err());
            assert!(dec(l, b"Zm=v", false).is_err());
            assert!(dec(l, b"Z===", false).is_err());
            assert!(dec(l, b"====", false).is_err());
            assert!(dec(l, b"=", false).is_err());
            assert!(dec(l, b"Zg==Zg==", false).is_err());
            assert_eq!(dec(l, b"Z", false), Err(DecodeError::InvalidLength));
            assert_eq!(dec(l, b"Zm9vY", false), Err(DecodeError::InvalidLength));
        }
    }

    #[test]
    fn non_zero_trailing_bits_are_accepted() {
        for l in levels() {
            // "Zh" and "Zg" both decode to "f"; the spec's seed "…XA1" relies on this.
            assert_eq!(dec(l, b"Zh", false).unwrap(), b"f");
            assert_eq!(dec(l, b"Zm9", false).unwrap(), b"fo");
        }
    }

    #[test]
    fn every_invalid_byte_is_rejected_at_every_position() {
        // 100 valid characters, then one byte replaced: the SIMD blocks and the
        // scalar tail must both catch it.
        let good = enc(Level::Scalar, &bytes(75, 7), false);
        assert_eq!(good.len(), 100);
        for l in levels() {
            for url in [false, true] {
                let table = if url { &DECODE_URL_SAFE } else { &DECODE_STANDARD };
                let good = enc(Level::Scalar, &bytes(75, 7), url);
                for pos in [0, 5, 15, 16, 31, 32, 47, 63, 64, 70, 95, 99] {
                    for b in 0..=255u8 {
                        // a final '=' is padding, not an invalid byte
                        if table[b as usize] != INVALID || (b == b'=' && pos == 99) {
                            continue;
                        }
                        let mut bad = good.clone();
                        bad[pos] = b;
                        assert_eq!(dec(l, &bad, url), Err(DecodeError::InvalidByte), "byte {b:#x} at {pos}");
                    }
                }
            }
        }
    }

    #[test]
    fn simd_and_scalar_agree_on_all_lengths() {
        for n in 0..300 {
            let raw = bytes(n, n as u64 + 1);
            for url in [false, true] {
                let text = enc(Level::Scalar, &raw, url);
                assert_eq!(text.len(), encoded_len(n));
                for l in levels() {
                    assert_eq!(enc(l, &raw, url), text, "encode n={n}");
                    assert_eq!(dec(l, &text, url).unwrap(), raw, "decode n={n}");
                }
            }
        }
    }

    #[test]
    fn appends_and_leaves_out_untouched_on_error() {
        let mut out = b"xy".to_vec();
        encode(b"foo", false, &mut out);
        assert_eq!(out, b"xyZm9v");
        let mut out = b"ab".to_vec();
        assert!(decode(b"Zm9v!", false, &mut out).is_err());
        assert_eq!(out, b"ab");
    }
}
