// Ed25519 acceptance policy shared by the js and wasm paths: the byte-level
// prechecks libsodium's crypto_sign_verify_detached makes (and so Synapse,
// through PyNaCl) before its cofactorless equation. OpenSSL checks S < L and
// compares R byte for byte, but accepts small-order and non-canonical keys;
// these checks close that gap so every server in a room agrees on which
// signatures are valid. Pure byte comparisons: no curve arithmetic here.

/** L = 2^252 + 27742317777372353535851937790883648493, the group order, little-endian. */
const GROUP_ORDER_LE = hex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');

/**
 * Encodings of the 8 points of small order (the torsion subgroup E[8]), with
 * the sign bit (bit 255) cleared, as y coordinates (little-endian):
 * - y = 0: the two points of order 4, (±sqrt(-1), 0)
 * - y = 1: the identity (order 1)
 * - y = p − 1: (0, −1), order 2
 * - y = ±0x05fc536d…26e8 (two y values, four points with both x signs): order 8
 * - y = p and y = p + 1: non-canonical encodings that decode to y = 0 and y = 1
 * No other y ≥ p aliases a torsion point (y + p < 2^255 only for y < 19).
 * Same list as libsodium's `ge25519_has_small_order`; the test
 * `test/accel/js-ed25519.test.ts` checks every entry by point arithmetic.
 */
export const SMALL_ORDER_ENCODINGS: readonly Uint8Array[] = [
  // y = 0 (order 4)
  hex('0000000000000000000000000000000000000000000000000000000000000000'),
  // y = 1, the identity (order 1)
  hex('0100000000000000000000000000000000000000000000000000000000000000'),
  // order 8
  hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
  // order 8
  hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
  // y = p − 1 (order 2)
  hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
  // y = p ≡ 0 (order 4), non-canonical
  hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
  // y = p + 1 ≡ 1 (order 1), non-canonical
  hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
];

/** S < L: the scalar half of a signature is reduced (rejects S + L malleation). */
export function isCanonicalScalar(s: Uint8Array): boolean {
  if (s.length !== 32) return false;
  for (let i = 31; i >= 0; i--) {
    const a = s[i]!;
    const l = GROUP_ORDER_LE[i]!;
    if (a < l) return true;
    if (a > l) return false;
  }
  return false; // S == L
}

/** The y coordinate (bit 255, the sign of x, ignored) is below p = 2^255 − 19. */
export function isCanonicalPoint(point: Uint8Array): boolean {
  if (point.length !== 32) return false;
  if ((point[31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (point[i] !== 0xff) return true;
  return point[0]! < 0xed;
}

/** The encoding (sign bit masked) is one of the small-order points' encodings. */
export function isSmallOrderEncoding(point: Uint8Array): boolean {
  if (point.length !== 32) return false;
  for (const blocked of SMALL_ORDER_ENCODINGS) {
    let same = (point[31]! & 0x7f) === blocked[31];
    for (let i = 0; same && i < 31; i++) same = point[i] === blocked[i];
    if (same) return true;
  }
  return false;
}

/**
 * Whether a (public key, signature) pair passes libsodium's prechecks. A
 * signature is accepted iff this holds AND the cofactorless equation holds
 * with R compared byte for byte (what OpenSSL's Ed25519 verify computes).
 */
export function passesEd25519Policy(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const r = signature.subarray(0, 32);
  const s = signature.subarray(32, 64);
  return (
    isCanonicalScalar(s) &&
    !isSmallOrderEncoding(r) &&
    isCanonicalPoint(publicKey) &&
    !isSmallOrderEncoding(publicKey)
  );
}

function hex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
