// Python's repr(float) (float_repr_style 'short'), which python canonicaljson
// and so Synapse use for non-integer numbers in room versions 1–5.

/**
 * Shortest round-trip decimal digits of a finite double and the decimal point
 * position: |x| = 0.d1d2…dn × 10^decpt. Taken from Number.prototype.toString,
 * which ECMAScript defines as the shortest digits that round-trip, the closest
 * to x when several do, and the even one on a tie: the same choice as Python's
 * dtoa mode 0 (597497378342760.25 → …760.2, not …760.3).
 */
export function shortestDigits(x: number): { digits: string; decpt: number } {
  let s = String(Math.abs(x));
  let exp = 0;
  const e = s.indexOf('e');
  if (e >= 0) {
    exp = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  const dot = s.indexOf('.');
  const intPart = dot < 0 ? s : s.slice(0, dot);
  let digits = intPart + (dot < 0 ? '' : s.slice(dot + 1));
  let decpt = intPart.length + exp;
  let lead = 0;
  while (lead < digits.length - 1 && digits[lead] === '0') lead++;
  digits = digits.slice(lead);
  decpt -= lead;
  let end = digits.length;
  while (end > 1 && digits[end - 1] === '0') end--;
  return { digits: digits.slice(0, end), decpt };
}

/** repr(x) as Python 3 prints it, for a finite double. */
export function pythonFloatRepr(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, decpt } = shortestDigits(x);
  if (decpt <= -4 || decpt > 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = decpt - 1;
    return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}
