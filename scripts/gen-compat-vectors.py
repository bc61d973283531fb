#!/usr/bin/env python3
"""Generates test/data/compat-canonicaljson.json: the oracle for compat mode.

Compat mode (room versions 1-5) must render numbers exactly as Synapse does,
i.e. python `canonicaljson` over `json.loads`. This script feeds number-heavy
JSON texts through that pipeline and records python's output, or "error" where
python refuses (a float that overflows to infinity, an int beyond CPython's
4300-digit limit). It also records what strict mode must say about the same
text (the canonical output when every number is an integer within +-(2^53-1),
else `not_integer` / `integer_range` at the first offending number).

Run (python canonicaljson is not a project dependency, so use a throwaway venv):
    python3 -m venv /tmp/cj && /tmp/cj/bin/pip install canonicaljson
    /tmp/cj/bin/python scripts/gen-compat-vectors.py
The output is deterministic (fixed random seed).
"""
import decimal
import json
import os
import random
import re
import struct
import sys

import canonicaljson

MAX_SAFE = 2**53 - 1
NUMBER = re.compile(rb"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "data", "compat-canonicaljson.json")


def number_tokens(text: bytes):
    """(byte offset, token) of every number outside strings, in document order."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == 0x22:  # skip a string
            i += 1
            while text[i] != 0x22:
                i += 2 if text[i] == 0x5C else 1
            i += 1
        elif c == 0x2D or 0x30 <= c <= 0x39:
            m = NUMBER.match(text, i)
            out.append((i, m.group(0)))
            i = m.end()
        else:
            i += 1
    return out


def is_float_token(tok: bytes) -> bool:
    return any(ch in tok for ch in b".eE")


def digit_count(tok: bytes) -> int:
    return len(tok.lstrip(b"-"))


def expected_compat_error(text: bytes):
    for off, tok in number_tokens(text):
        if is_float_token(tok):
            if float(tok) in (float("inf"), float("-inf")):
                return off
        elif digit_count(tok) > 4300:
            return off
    return None


def expected_strict(text: bytes, canonical):
    for off, tok in number_tokens(text):
        if is_float_token(tok):
            return {"error": "not_integer", "offset": off}
        if digit_count(tok) > 16 or abs(int(tok)) > MAX_SAFE:
            return {"error": "integer_range", "offset": off}
    return canonical


def python_canonical(text: bytes):
    try:
        return canonicaljson.encode_canonical_json(json.loads(text)).decode("utf-8")
    except ValueError:
        return None


def case(text: str):
    raw = text.encode("utf-8")
    got = python_canonical(raw)
    err_at = expected_compat_error(raw)
    if (got is None) != (err_at is not None):
        sys.exit(f"python and the predicted compat error disagree on {text[:80]!r}")
    entry = {"input": text, "compat": "error" if got is None else got}
    if err_at is not None:
        entry["compat_error"] = {"error": "number_range", "offset": err_at}
    entry["strict"] = expected_strict(raw, got)
    return entry


def fixed_inputs():
    floats = [
        "0.0", "-0.0", "0e0", "-0e0", "0E+0", "0e-0", "0.000", "1.0", "-1.0", "1E2", "1e+2", "1e2", "1e-2", "1E-2",
        "1.5", "-1.5", "123.456", "0.1", "0.2", "0.30000000000000004", "100e-2", "123e-2", "12e-1", "1e0",
        "0.000001e6", "10e15", "1e15", "1e16", "-1e15", "-1e16", "1e17", "9999999999999998.0", "9999999999999999.0",
        "1234567890123456.7", "12345678901234567.0", "1000000000000000.0", "999999999999999.9",
        "1e-4", "1e-5", "-1e-4", "-1e-5", "0.0001", "0.00001", "0.00012345", "1.2345e-5", "9.999e-5",
        "0.00009999999999999999", "5e-324", "-5e-324", "4.9e-324", "2e-324", "3e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "-1e-400",
        "1.7976931348623157e308", "-1.7976931348623157e308", "1.7976931348623158e308",
        "1.7976931348623159e308", "1e308", "1e309", "-1e309", "1e400", "-1e400", "1E400",
        "2.2250738585072014e-308", "2.2250738585072011e-308", "2.225073858507201e-308", "2.2250738585072012e-308",
        "4.9406564584124654e-324", "9007199254740993.0", "9007199254740992.0", "9007199254740995.0",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203126",
        "1.00000000000000011102230246251565404236316680908203124",
        "1e22", "1e23", "8.41e21", "5e-1", "1e100", "1.5e300", "-2.5e-300", "123456789012345678901234567890e-10",
        "1e99999999999999999999", "-1e99999999999999999999", "1e-99999999999999999999", "0e99999999999",
        "0e-99999999999", "0." + "0" * 400 + "1e400", "1" + "0" * 400 + "e-400", "1" + "0" * 400 + ".5",
        "0." + "3" * 800, "3." + "1415926535" * 70, "1" * 330 + ".0", "1" * 310 + ".0", "1" * 309 + ".0",
        "17976931348623157" + "0" * 292 + ".0", "17976931348623159" + "0" * 292 + ".0",
        "0.1e1", "0.01e2", "1.0e-7", "7.0e-10", "6.02214076e23", "6.62607015e-34", "-0.0e5", "0.5e-323",
    ]
    ints = [
        "0", "-0", "1", "-1", "42", str(MAX_SAFE), str(-MAX_SAFE), str(MAX_SAFE + 1), str(-MAX_SAFE - 1),
        str(2**63 - 1), str(2**63), str(2**64), str(-(2**64)), str(10**20), "1" + "0" * 299, "-" + "9" * 300,
        "7" * 4300, "-" + "7" * 4300, "7" * 4301, "-" + "7" * 4301, "1" + "0" * 5000,
    ]
    out = floats + ints
    nested = [
        '{"a":[1.5,{"b":-0.0}],"c":1e2}',
        '{"z":1e16,"a":1e-5,"m":[0.0001,1e15,-0.0,0]}',
        '[1e400,1.5]',
        '[99999999999999999999,1e400]',
        '[1.5,99999999999999999999]',
        '[1,2,3,9007199254740992]',
        '{"big":18446744073709551616,"small":-18446744073709551616,"ok":9007199254740991}',
        '{"日本":1.5}',
        '{"\\u00e9":[1E2,{"x":1e+2,"y":[[[0.5]]]}]}',
        '  \n[ 1.0 ,\t2 ,\r\n-0 ]  ',
        '{"content":{"body":"hi","n":3.14},"depth":12,"origin_server_ts":1630000000000.0}',
        '{"content":{"amount":1e300,"count":100000000000000000000000},"type":"m.custom"}',
        '{"a":{"b":{"c":{"d":[2.5e-8,{"e":1e21}]}}}}',
        '[1e-7,1e-6,1e-5,1e-4,1e-3,1e15,1e16,1e17]',
        '[-1e-7,-1e-6,-1e-5,-1e-4,-1e-3,-1e15,-1e16,-1e17]',
        '{"a":"1.5","b":"1e400","c":1}',
        '{"s":"tricky \\" 1.5 \\\\","n":2.0}',
        '[' + ','.join(["7" * 4300] * 3) + ']',
    ]
    return out + nested


def random_inputs(rng: random.Random):
    out = []
    for _ in range(300):  # random finite doubles in several spellings
        while True:
            x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
            if x == x and x not in (float("inf"), float("-inf")):
                break
        style = rng.randrange(5)
        if style == 0:
            out.append(repr(x))
        elif style == 1:
            out.append("%.17e" % x)
        elif style == 2:
            out.append("%.25g" % x if "e" in "%.25g" % x or "." in "%.25g" % x else "%.25g" % x + ".0")
        elif style == 3:
            out.append(("%.20E" % x).replace("E+", "E"))
        else:
            out.append(repr(x).replace("e+", "E+"))
    for _ in range(300):  # random decimal strings: long mantissas, exponents across the whole range
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 40)))
        digits = digits.lstrip("0") or "0"
        frac = "".join(rng.choice("0123456789") for _ in range(rng.randrange(0, 30)))
        sign = rng.choice(["", "-"])
        text = sign + digits + ("." + frac if frac else "")
        if rng.random() < 0.8:
            exp = rng.randrange(-360, 330)
            text += rng.choice(["e", "E"]) + rng.choice(["", "+"] if exp >= 0 else [""]) + str(exp)
        elif not frac:
            text += ".0"
        out.append(text)
    for _ in range(300):  # doubles with short mantissas, written exactly: shortest-digit ties (python rounds half-even)
        x = rng.randrange(1, 1 << rng.choice([3, 8, 12, 20, 53])) * 2.0 ** rng.randrange(-1074, 960)
        if x != float("inf"):
            exact = str(decimal.Decimal(x))
            out.append(exact if any(ch in exact for ch in ".eE") else exact + ".0")
    for _ in range(100):  # X.25 / X.75 where the spacing of doubles is 1/8: two shortest candidates, equally near
        out.append("%d.%s" % (rng.randrange(2**49, 2**50), rng.choice(["25", "75"])))
    for _ in range(60):  # integers around the strict limits
        base = rng.choice([MAX_SAFE, 2**63, 2**64, 10**30])
        v = base + rng.randrange(-3, 4)
        out.append(str(rng.choice([v, -v])))
    for _ in range(40):  # small documents mixing floats and big integers
        items = []
        for _ in range(rng.randrange(1, 6)):
            items.append(rng.choice(out[: len(out)]))
        key_items = ",".join('"k%d":%s' % (i, v) for i, v in enumerate(items))
        out.append(rng.choice(["[" + ",".join(items) + "]", "{" + key_items + "}"]))
    return out


def main():
    rng = random.Random(20261127)
    inputs = fixed_inputs() + random_inputs(rng)
    seen, cases = set(), []
    for text in inputs:
        if text not in seen:
            seen.add(text)
            cases.append(case(text))
    doc = {
        "source": "generated by scripts/gen-compat-vectors.py with python canonicaljson %s on CPython %s"
        % (canonicaljson.__version__, sys.version.split()[0]),
        "description": "compat mode (room v1-v5) oracle: input JSON text -> python canonicaljson output, or \"error\" "
        "(compat_error gives the expected code and byte offset); strict gives the strict-mode result",
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
