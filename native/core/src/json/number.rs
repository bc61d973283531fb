//! Numbers: strict-mode integer range, and compat-mode floats rendered as Python's
//! `repr(float)` (what python canonicaljson, hence Synapse, emits for room v1–v5).

use alloc::vec::Vec;
use core::fmt::Write;

/// 2^53 − 1: the largest integer canonical JSON allows.
pub(crate) const MAX_SAFE: u64 = (1u64 << 53) - 1;
/// Python 3.11+ refuses to convert ints longer than this (sys.int_info.default_max_str_digits).
pub(crate) const MAX_PY_INT_DIGITS: usize = 4300;

/// Decimal digits (at most 19) → value.
#[inline]
pub(crate) fn parse_u64(digits: &[u8]) -> u64 {
    let mut v = 0u64;
    for &d in digits {
        v = v * 10 + (d - b'0') as u64;
    }
    v
}

/// A fixed-size buffer for `core::fmt` output (a `{:e}` f64 is at most ~25 bytes).
struct Buf {
    b: [u8; 40],
    len: usize,
}

impl Write for Buf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let bytes = s.as_bytes();
        if self.len + bytes.len() > self.b.len() {
            return Err(core::fmt::Error);
        }
        self.b[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        Ok(())
    }
}

/// A JSON number token with a fraction or exponent → Python `repr(float(token))`,
/// appended to `out`. Returns false if the value overflows to infinity.
pub(crate) fn python_float_repr(token: &[u8], out: &mut Vec<u8>) -> bool {
    // The token passed the JSON grammar, so it is ASCII and Rust's parser accepts it
    // (correctly rounded).
    let text = match core::str::from_utf8(token) {
        Ok(t) => t,
        Err(_) => return false,
    };
    let v: f64 = match text.parse() {
        Ok(v) => v,
        Err(_) => return false,
    };
    if !v.is_finite() {
        return false;
    }
    write_python_repr(v, out);
    true
}

/// Digits and decimal exponent of `{:e}`-style text ("-1.2345e-7" → 12345, 5, -7).
fn sci_parts(s: &[u8]) -> ([u8; 24], usize, i64) {
    let s = if s[0] == b'-' { &s[1..] } else { s };
    let epos = s.iter().position(|&c| c == b'e').unwrap_or(s.len());
    let exp_text = &s[(epos + 1).min(s.len())..];
    let (eneg, edigits) = if exp_text.first() == Some(&b'-') { (true, &exp_text[1..]) } else { (false, exp_text) };
    let e = parse_u64(edigits) as i64;
    let mut digits = [0u8; 24];
    let mut nd = 0;
    for &c in &s[..epos] {
        if c != b'.' && nd < digits.len() {
            digits[nd] = c;
            nd += 1;
        }
    }
    (digits, nd, if eneg { -e } else { e })
}

/// Python's repr of a finite double: shortest round-trip digits d1..dn with
/// value = 0.d1..dn × 10^decpt; exponent form if decpt <= -4 or decpt > 16.
pub(crate) fn write_python_repr(v: f64, out: &mut Vec<u8>) {
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7", "5e-324", "0e0".
    let mut buf = Buf { b: [0; 40], len: 0 };
    let _ = write!(buf, "{:e}", v);
    let neg = buf.b[0] == b'-';
    let (mut digits, mut nd, mut e) = sci_parts(&buf.b[..buf.len]);
    // When two n-digit strings both round-trip and the value lies exactly between them,
    // Rust's shortest output rounds the tie up, Python's (David Gay's dtoa) takes the
    // one nearest the exact value with ties to even: that is the exactly rounded n-digit
    // form (Rust's `{:.*e}` rounds half to even), used when it round-trips. Only 16-
    // and 17-digit outputs can be such ties (shorter digit spacings exceed an ulp).
    if nd >= 16 {
        let mut exact = Buf { b: [0; 40], len: 0 };
        let _ = write!(exact, "{:.*e}", nd - 1, v);
        let text = core::str::from_utf8(&exact.b[..exact.len]).unwrap_or("");
        if text.parse::<f64>() == Ok(v) {
            (digits, nd, e) = sci_parts(&exact.b[..exact.len]);
            // keep it shortest: `{:.*e}` pads with zeros the shortest form would not have
            while nd > 1 && digits[nd - 1] == b'0' {
                nd -= 1;
            }
        }
    }
    let digits = &digits[..nd];
    let decpt = e + 1;
    if neg {
        out.push(b'-');
    }
    if v == 0.0 {
        out.extend_from_slice(b"0.0");
        return;
    }
    if decpt <= -4 || decpt > 16 {
        out.push(digits[0]);
        if nd > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        let x = decpt - 1;
        out.push(if x < 0 { b'-' } else { b'+' });
        let x = x.unsigned_abs();
        if x < 10 {
            out.push(b'0');
        }
        let mut tmp = Buf { b: [0; 40], len: 0 };
        let _ = write!(tmp, "{}", x);
        out.extend_from_slice(&tmp.b[..tmp.len]);
    } else if decpt <= 0 {
        out.extend_from_slice(b"0.");
        for _ in 0..(-decpt) {
            out.push(b'0');
        }
        out.extend_from_slice(digits);
    } else {
        let d = decpt as usize;
        if d >= nd {
            out.extend_from_slice(digits);
            for _ in nd..d {
                out.push(b'0');
            }
            out.extend_from_slice(b".0");
        } else {
            out.extend_from_slice(&digits[..d]);
            out.push(b'.');
            out.extend_from_slice(&digits[d..]);
        }
    }
}
