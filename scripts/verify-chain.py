#!/usr/bin/env python3
"""Recompute a Tidemark topic's hash chain from an NDJSON export (docs/integrity.md).

Usage:
    tidemark txns --db store.db --topic T --all --format ndjson > txns.ndjson
    tidemark read --db store.db --topic T --all --format ndjson > events.ndjson
    python3 scripts/verify-chain.py txns.ndjson events.ndjson

The first file holds one TxnInfo per line (ascending txn), the second one stored event per line
(ascending seq, invalidation markers included), exactly as the CLI prints them. For each
transaction the script prints `txn <n> <recomputed chain> OK`; at the first transaction whose
stored chain differs (or whose events do not match its seq range) it prints `MISMATCH` with both
values and exits 1. Exit 0 when every chain recomputes. Python 3 standard library only: this is
the reference for recomputing a chain in another language, not a tool the store depends on.
"""

import hashlib
import json
import math
import sys

GENESIS = "0" * 64


def sha256_hex(text):
    # Strings from json.loads can hold lone surrogates (legacy data); encode them as Node does (U+FFFD).
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def js_number(x):
    """A number as JavaScript's Number::toString writes it (what canonical JSON uses)."""
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    if isinstance(x, int):
        if abs(x) < 10**21:
            return str(x)
        x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("not a JSON number")
    if x == 0:
        return "0"  # -0 too
    sign = "-" if x < 0 else ""
    # repr gives the shortest digits that round-trip, as JavaScript does.
    r = repr(abs(x))
    if "e" in r:
        mant, exp = r.split("e")
        exp = int(exp)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = (ip + fp).lstrip("0")
    # position of the decimal point relative to the start of `digits`
    lead_zeros = len(ip + fp) - len((ip + fp).lstrip("0"))
    n = len(ip) - lead_zeros + exp
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        es = ("+" if e >= 0 else "-") + str(abs(e))
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + es
    return sign + s


_ESC = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def js_string(s):
    """A string as JSON.stringify writes it: only ", \\ and control characters escaped."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch in _ESC:
            out.append(_ESC[ch])
        elif c < 0x20 or 0xD800 <= c <= 0xDFFF:
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def utf16_key(s):
    """Sort key: UTF-16 code units, as JavaScript's Array.prototype.sort compares strings."""
    return s.encode("utf-16-be", "surrogatepass")


def canonical(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return js_number(v)
    if isinstance(v, str):
        return js_string(v)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v.keys(), key=utf16_key)
        return "{" + ",".join(js_string(k) + ":" + canonical(v[k]) for k in keys) + "}"
    raise TypeError("not JSON: %r" % (v,))


def field(s):
    """A netstring: decimal UTF-8 byte length, ':', the bytes, ','."""
    return "%d:%s," % (len(s.encode("utf-8", "replace")), s)


def opt(s):
    return "~" if s is None else field(s)


def chain_of(prev, txn, events):
    meta = txn.get("meta")
    text = prev
    text += field(str(txn["txn"]))
    text += field(txn["time"])
    text += opt(txn.get("by"))
    text += field(sha256_hex(canonical(meta)))
    for e in events:
        marker = e["type"] == "invalidate"
        text += field(str(e["seq"]))
        text += field(e["key"])
        text += field(e["type"])
        text += field(e["hash"])
        text += field(sha256_hex(canonical(e["data"])))
        text += field(e["contentType"])
        text += opt(str(e.get("target", 0)) if marker else None)
        text += opt(e.get("reason", "") if marker else None)
    return sha256_hex(text)


def read_ndjson(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: verify-chain.py TXNS.ndjson EVENTS.ndjson\n")
        return 2
    txns = read_ndjson(argv[1])
    events = read_ndjson(argv[2])
    prev = GENESIS
    i = 0
    for t in txns:
        mine = []
        while i < len(events) and events[i]["txn"] == t["txn"]:
            mine.append(events[i])
            i += 1
        seqs = [e["seq"] for e in mine]
        if seqs != list(range(t["firstSeq"], t["lastSeq"] + 1)):
            print("txn %d MISMATCH events: seqs %r, expected %d..%d" % (t["txn"], seqs, t["firstSeq"], t["lastSeq"]))
            return 1
        got = chain_of(prev, t, mine)
        if got != t.get("chain"):
            print("txn %d MISMATCH chain: stored %s, recomputed %s" % (t["txn"], t.get("chain"), got))
            return 1
        print("txn %d %s OK" % (t["txn"], got))
        prev = got
    if i != len(events):
        print("MISMATCH: %d events after the last transaction" % (len(events) - i))
        return 1
    print("head %s OK (%d transactions, %d events)" % (prev, len(txns), len(events)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
