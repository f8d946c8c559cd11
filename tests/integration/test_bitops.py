# YottaStore. Licensed under the Apache License 2.0.
# Bitmaps: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO -- replies,
# the strings they leave behind, and every error text byte for byte, plus a
# randomized comparison against a reference redis-server when one is
# installed. The reference is 7.0; we implement 7.2, which checks BITCOUNT
# and BITPOS arguments before looking the key up (redis#11734), so those
# cases branch on server.is_redis.
# Runs against yottastore (--shards 1 / 4) and redis-server (--target redis).
import random

import pytest
import redis

from resp_raw import Error, RawClient
from wire import NOT_INT, SYNTAX, WRONGTYPE, wrong_args

BAD_OFFSET = Error("ERR bit offset is not an integer or out of range")
BAD_BIT = Error("ERR bit is not an integer or out of range")
BAD_BITPOS_ARG = Error("ERR The bit argument must be 1 or 0.")
BITOP_NOT = Error("ERR BITOP NOT must be called with a single source key.")
BAD_TYPE = Error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
BAD_OVERFLOW = Error("ERR Invalid OVERFLOW type specified")
RO_ONLY_GET = Error("ERR BITFIELD_RO only supports the GET subcommand")


@pytest.fixture
def raw(server, r):
    c = RawClient(server.port)
    yield c.call
    c.close()


@pytest.fixture
def list_key(r):
    r.lpush("alist", "x")
    return "alist"


# --------------------------------------------------------------------------
# SETBIT / GETBIT


def test_setbit_getbit(r, rb):
    assert r.setbit("k", 7, 1) == 0
    assert rb.get("k") == b"\x01"
    assert r.setbit("k", 7, 1) == 1
    assert r.setbit("k", 0, 1) == 0
    assert rb.get("k") == b"\x81"
    assert r.getbit("k", 0) == 1 and r.getbit("k", 1) == 0 and r.getbit("k", 7) == 1
    assert r.getbit("k", 100000) == 0  # past the end
    assert r.getbit("missing", 5) == 0
    assert r.setbit("k", 7, 0) == 1
    assert rb.get("k") == b"\x80"
    # Growing zero-fills; the reply is the old bit.
    assert r.setbit("k", 8 * 20 + 3, 1) == 0
    assert rb.get("k") == b"\x80" + b"\x00" * 19 + b"\x10"
    assert r.strlen("k") == 21
    assert r.setbit("k", 0, 0) == 1


def test_setbit_keeps_ttl_and_other_bytes(r, rb):
    r.set("k", "foobar", ex=100)
    assert r.setbit("k", 7, 1) == 0  # 'f' = 0x66
    assert rb.get("k") == b"goobar"
    assert 0 < r.ttl("k") <= 100
    assert r.setbit("k", 48 * 8, 1) == 0
    assert rb.get("k") == b"goobar" + b"\x00" * 42 + b"\x80"


def test_getbit_on_integer_looking_string(r):
    r.set("n", 1)  # "1" = 0x31
    assert [r.getbit("n", i) for i in range(8)] == [0, 0, 1, 1, 0, 0, 0, 1]


def test_setbit_getbit_errors(r, raw):
    for off in ("-1", "x", "1.5", "", "4294967296", "99999999999999999999"):
        assert raw("SETBIT", "k", off, "1") == BAD_OFFSET, off
        assert raw("GETBIT", "k", off) == BAD_OFFSET, off
    for v in ("2", "-1", "x", "", "1.0"):
        assert raw("SETBIT", "k", "0", v) == BAD_BIT, v
    assert r.exists("k") == 0
    assert raw("SETBIT", "k", "0") == wrong_args("setbit")
    assert raw("GETBIT", "k") == wrong_args("getbit")


def test_setbit_offset_limit(r, raw):
    # The largest offset inside proto-max-bulk-len (512MB) is accepted by
    # GETBIT without allocating; one more byte is out of range.
    assert raw("GETBIT", "k", str(512 * 1024 * 1024 * 8 - 1)) == 0
    assert raw("GETBIT", "k", str(512 * 1024 * 1024 * 8)) == BAD_OFFSET
    assert raw("SETBIT", "k", str(512 * 1024 * 1024 * 8), "1") == BAD_OFFSET


# --------------------------------------------------------------------------
# BITCOUNT


def test_bitcount(r):
    r.set("k", "foobar")
    assert r.bitcount("k") == 26
    assert r.bitcount("k", 0, 0) == 4
    assert r.bitcount("k", 1, 1) == 6
    assert r.execute_command("BITCOUNT", "k", 1, 1, "BYTE") == 6
    assert r.execute_command("BITCOUNT", "k", 5, 30, "BIT") == 17
    assert r.execute_command("BITCOUNT", "k", 5, 30, "bit") == 17
    assert r.bitcount("k", -2, -1) == 7  # "ar"
    assert r.bitcount("k", 0, -1) == 26
    assert r.bitcount("k", -100, 100) == 26
    assert r.bitcount("k", 4, 2) == 0
    assert r.bitcount("k", -1, -3) == 0
    assert r.execute_command("BITCOUNT", "k", -1, -1, "BIT") == 0  # last bit of 'r' = 0x72
    assert r.execute_command("BITCOUNT", "k", -2, -1, "BIT") == 1
    assert r.execute_command("BITCOUNT", "k", 0, 1000, "BIT") == 26
    assert r.bitcount("missing") == 0
    assert r.bitcount("missing", 0, 5) == 0
    r.set("e", "")
    assert r.bitcount("e") == 0
    assert r.bitcount("e", 0, -1) == 0


def test_bitcount_large_string(r):
    data = bytes(random.Random(1).randrange(256) for _ in range(100003))
    r.set("big", data)
    want = sum(bin(b).count("1") for b in data)
    assert r.bitcount("big") == want
    assert r.bitcount("big", 17, 99000) == sum(bin(b).count("1") for b in data[17:99001])
    bits = "".join(format(b, "08b") for b in data)
    assert r.execute_command("BITCOUNT", "big", 13, 800001, "BIT") == bits[13:800002].count("1")
    assert r.execute_command("BITCOUNT", "big", -70001, -9, "BIT") == bits[-70001:-8].count("1")


def test_bitcount_errors(server, r, raw):
    r.set("k", "foobar")
    assert raw("BITCOUNT", "k", "0") == SYNTAX
    assert raw("BITCOUNT", "k", "0", "1", "BIT", "x") == SYNTAX
    assert raw("BITCOUNT", "k", "0", "1", "BITS") == SYNTAX
    assert raw("BITCOUNT", "k", "x", "1") == NOT_INT
    assert raw("BITCOUNT", "k", "0", "1.5") == NOT_INT
    assert raw("BITCOUNT") == wrong_args("bitcount")
    # 7.2 parses every argument before the lookup; 7.0 answered 0 for a
    # missing key, and its "start > end < 0" shortcut came before the unit.
    if server.is_redis:
        assert raw("BITCOUNT", "missing", "x", "1") == 0
        assert raw("BITCOUNT", "k", "-1", "-5", "FOO") == 0
    else:
        assert raw("BITCOUNT", "missing", "x", "1") == NOT_INT
        assert raw("BITCOUNT", "missing", "0") == SYNTAX
        assert raw("BITCOUNT", "k", "-1", "-5", "FOO") == SYNTAX


# --------------------------------------------------------------------------
# BITPOS


def test_bitpos(r):
    r.set("k", b"\xff\xf0\x00")
    assert r.bitpos("k", 0) == 12
    r.set("k", b"\x00\xff\xf0")
    assert r.bitpos("k", 1, 0) == 8
    assert r.bitpos("k", 1, 2) == 16
    assert r.execute_command("BITPOS", "k", 1, 2, -1, "BYTE") == 16
    assert r.execute_command("BITPOS", "k", 1, 7, 15, "BIT") == 8
    assert r.execute_command("BITPOS", "k", 1, 7, 15, "bit") == 8
    assert r.execute_command("BITPOS", "k", 0, 8, 11, "BIT") == -1
    assert r.execute_command("BITPOS", "k", 0, 8, 12, "BIT") == -1
    assert r.execute_command("BITPOS", "k", 0, 8, 20, "BIT") == 20
    assert r.bitpos("k", 0, -1) == 20
    r.set("k", b"\x00\x00\x00")
    assert r.bitpos("k", 1) == -1
    assert r.execute_command("BITPOS", "k", 1, 7, -3, "BIT") == -1
    assert r.bitpos("k", 0) == 0


def test_bitpos_clear_bits_and_padding(r):
    r.set("ones", b"\xff\xff\xff")
    assert r.bitpos("ones", 0) == 24  # no end: the string is zero-padded
    assert r.bitpos("ones", 0, 1) == 24
    assert r.bitpos("ones", 0, 0, -1) == -1  # explicit end: no padding
    assert r.bitpos("ones", 0, 5, 10) == -1  # empty range
    assert r.bitpos("ones", 1, 5, 10) == -1
    assert r.bitpos("missing", 0) == 0
    assert r.bitpos("missing", 1) == -1
    assert r.bitpos("missing", 1, 5, 9) == -1
    r.set("e", "")
    assert r.bitpos("e", 0) == -1
    assert r.bitpos("e", 1) == -1
    big = b"\x00" * 5000 + b"\x04" + b"\x00" * 100
    r.set("big", big)
    assert r.bitpos("big", 1) == 5000 * 8 + 5
    assert r.bitpos("big", 1, 5001) == -1
    assert r.bitpos("big", 0, 5000, 5000) == 5000 * 8
    r.set("bigones", b"\xff" * 4099 + b"\xfe")
    assert r.bitpos("bigones", 0) == 4099 * 8 + 7
    assert r.execute_command("BITPOS", "bigones", 0, 9, 4099 * 8 + 6, "BIT") == -1


def test_bitpos_errors(server, r, raw):
    r.set("k", "foo")
    assert raw("BITPOS", "k", "2") == BAD_BITPOS_ARG
    assert raw("BITPOS", "k", "-1") == BAD_BITPOS_ARG
    assert raw("BITPOS", "k", "x") == NOT_INT
    assert raw("BITPOS", "k", "1", "x") == NOT_INT
    assert raw("BITPOS", "k", "1", "0", "x") == NOT_INT
    assert raw("BITPOS", "k", "1", "0", "1", "BITS") == SYNTAX
    assert raw("BITPOS", "k", "1", "0", "1", "BIT", "x") == SYNTAX
    assert raw("BITPOS", "k") == wrong_args("bitpos")
    if server.is_redis:  # 7.0 looked the key up first
        assert raw("BITPOS", "missing", "1", "x") == -1
    else:
        assert raw("BITPOS", "missing", "1", "x") == NOT_INT
        assert raw("BITPOS", "missing", "0", "0", "1", "FOO") == SYNTAX


# --------------------------------------------------------------------------
# BITOP


def test_bitop(r, rb):
    r.set("key1", "foobar")
    r.set("key2", "abcdef")
    assert r.bitop("AND", "dest", "key1", "key2") == 6
    assert rb.get("dest") == b"`bc`ab"
    assert r.bitop("OR", "dest", "key1", "key2") == 6
    assert rb.get("dest") == b"goofev"
    assert r.bitop("XOR", "dest", "key1", "key2") == 6
    assert rb.get("dest") == bytes(a ^ b for a, b in zip(b"foobar", b"abcdef"))
    assert r.bitop("NOT", "dest", "key1") == 6
    assert rb.get("dest") == bytes(~b & 0xFF for b in b"foobar")
    assert r.bitop("and", "dest", "key1") == 6
    assert rb.get("dest") == b"foobar"


def test_bitop_lengths_and_missing_keys(r, rb):
    r.set("a", b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff")
    r.set("b", b"\x0f")
    assert r.bitop("AND", "d", "a", "b") == 10
    assert rb.get("d") == b"\x0f" + b"\x00" * 9  # shorter inputs are zero-padded
    assert r.bitop("OR", "d", "b", "a") == 10
    assert rb.get("d") == b"\xff" * 10
    assert r.bitop("XOR", "d", "a", "b", "missing") == 10
    assert rb.get("d") == b"\xf0" + b"\xff" * 9
    assert r.bitop("AND", "d", "a", "missing") == 10
    assert rb.get("d") == b"\x00" * 10
    assert r.bitop("NOT", "d", "b") == 1
    assert rb.get("d") == b"\xf0"


def test_bitop_many_keys_across_shards(r, rb):
    rnd = random.Random(3)
    keys = ["src:%d" % i for i in range(20)]  # no hash tags: several shards
    vals = [bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 70))) for _ in keys]
    for k, v in zip(keys, vals):
        r.set(k, v)
    n = max(len(v) for v in vals)
    pad = [v + b"\x00" * (n - len(v)) for v in vals]
    for op in ("AND", "OR", "XOR"):
        want = bytearray(pad[0])
        for v in pad[1:]:
            for i in range(n):
                want[i] = {"AND": want[i] & v[i], "OR": want[i] | v[i], "XOR": want[i] ^ v[i]}[op]
        assert r.bitop(op, "dest:" + op, *keys) == n
        assert rb.get("dest:" + op) == bytes(want)


def test_bitop_destination(r, rb):
    r.set("a", "x")
    r.set("dest", "old", ex=100)
    assert r.bitop("OR", "dest", "a") == 1
    assert rb.get("dest") == b"x"
    assert r.ttl("dest") == -1  # replaced, TTL dropped
    assert r.bitop("OR", "a", "a", "a") == 1  # destination may be a source
    assert rb.get("a") == b"x"
    # An empty result deletes the destination.
    assert r.bitop("AND", "dest", "missing1", "missing2") == 0
    assert r.exists("dest") == 0
    r.set("empty", "")
    r.set("dest", "v")
    assert r.bitop("XOR", "dest", "empty") == 0
    assert r.exists("dest") == 0


def test_bitop_errors(r, raw):
    r.set("a", "x")
    assert raw("BITOP", "NAND", "d", "a") == SYNTAX
    assert raw("BITOP", "NOT", "d", "a", "a") == BITOP_NOT
    assert raw("BITOP", "AND", "d") == wrong_args("bitop")
    assert r.exists("d") == 0


# --------------------------------------------------------------------------
# BITFIELD


def test_bitfield_doc_examples(r):
    assert r.execute_command("BITFIELD", "k", "INCRBY", "i5", 100, 1, "GET", "u4", 0) == [1, 0]
    seq = [r.execute_command("BITFIELD", "m", "INCRBY", "u2", 100, 1, "OVERFLOW", "SAT", "INCRBY", "u2", 102, 1)
           for _ in range(4)]
    assert seq == [[1, 1], [2, 2], [3, 3], [0, 3]]
    assert r.execute_command("BITFIELD", "m", "OVERFLOW", "FAIL", "INCRBY", "u2", 102, 1) == [None]


def field(data, offset, bits, signed):
    """The integer at bit `offset` of `data` (zero-padded), MSB first."""
    v = int.from_bytes(data + b"\x00" * 9, "big") >> ((len(data) + 9) * 8 - offset - bits) & ((1 << bits) - 1)
    return v - (1 << bits) if signed and v >> (bits - 1) else v


def test_bitfield_set_get_and_bytes(r, rb):
    assert r.execute_command("BITFIELD", "k", "SET", "u8", 0, 255, "GET", "u8", 0) == [0, 255]
    assert rb.get("k") == b"\xff"
    assert r.execute_command("BITFIELD", "k", "SET", "i8", "#1", -2, "GET", "i8", "#1", "GET", "u8", 8) == [0, -2, 254]
    assert rb.get("k") == b"\xff\xfe"
    assert r.execute_command("BITFIELD", "k", "SET", "u4", 4, 0) == [15]
    assert rb.get("k") == b"\xf0\xfe"
    assert r.execute_command("BITFIELD", "k", "GET", "u16", 0, "GET", "i16", 0) == [0xF0FE, 0xF0FE - 65536]
    # Fields past the end read as zeros, without growing the string.
    assert r.execute_command("BITFIELD", "k", "GET", "u8", 1000, "GET", "i64", 12, "GET", "u63", 0) == \
        [0, field(b"\xf0\xfe", 12, 64, True), field(b"\xf0\xfe", 0, 63, False)]
    assert r.strlen("k") == 2
    assert r.execute_command("BITFIELD", "k", "SET", "i64", 0, -1) == [field(b"\xf0\xfe", 0, 64, True)]
    assert rb.get("k") == b"\xff" * 8
    assert r.execute_command("BITFIELD", "k", "SET", "u1", 100, 1) == [0]
    assert r.strlen("k") == 13
    # Unaligned fields straddling bytes.
    r.set("u", b"\x12\x34\x56\x78\x9a\xbc\xde\xf0\x11")
    data = rb.get("u")
    for t, off in (("i7", 3), ("u13", 5), ("i33", 9), ("i64", 7), ("u63", 1), ("i1", 0), ("u1", 71)):
        got = r.execute_command("BITFIELD_RO", "u", "GET", t, off)
        assert got == [field(data, off, int(t[1:]), t[0] == "i")], (t, off)


def test_bitfield_overflow(r):
    def cmd(*a):
        return r.execute_command("BITFIELD", "k", *a)

    assert cmd("SET", "i8", 0, 127) == [0]
    assert cmd("INCRBY", "i8", 0, 1) == [-128]  # WRAP by default
    assert cmd("OVERFLOW", "SAT", "INCRBY", "i8", 0, -10) == [-128]
    assert cmd("OVERFLOW", "SAT", "INCRBY", "i8", 0, 1000) == [127]
    assert cmd("OVERFLOW", "FAIL", "INCRBY", "i8", 0, 1) == [None]
    assert cmd("GET", "i8", 0) == [127]
    assert cmd("OVERFLOW", "WRAP", "SET", "i8", 0, 200) == [127]
    assert cmd("GET", "i8", 0) == [-56]
    assert cmd("OVERFLOW", "SAT", "SET", "i8", 0, 200, "GET", "i8", 0) == [-56, 127]
    assert cmd("OVERFLOW", "SAT", "SET", "i8", 0, -200, "GET", "i8", 0) == [127, -128]
    assert cmd("OVERFLOW", "FAIL", "SET", "i8", 0, 128, "GET", "i8", 0) == [None, -128]
    assert cmd("SET", "u8", 8, -1, "GET", "u8", 8) == [0, 255]  # WRAP
    assert cmd("OVERFLOW", "SAT", "SET", "u8", 8, -1, "GET", "u8", 8) == [255, 255]
    assert cmd("OVERFLOW", "SAT", "INCRBY", "u8", 8, -300) == [0]
    assert cmd("INCRBY", "u8", 8, -1) == [255]
    # 64-bit edges.
    assert cmd("SET", "i64", 64, 2**63 - 1, "INCRBY", "i64", 64, 1) == [0, -2**63]
    assert cmd("OVERFLOW", "SAT", "INCRBY", "i64", 64, -1, "INCRBY", "i64", 64, -5) == [-2**63, -2**63]
    assert cmd("OVERFLOW", "SAT", "SET", "i64", 64, 5, "INCRBY", "i64", 64, 2**63 - 1) == [-2**63, 2**63 - 1]
    assert cmd("OVERFLOW", "FAIL", "INCRBY", "i64", 64, 1, "INCRBY", "i64", 64, -1) == [None, 2**63 - 2]
    assert cmd("SET", "u63", 128, 2**63 - 1, "INCRBY", "u63", 128, 1) == [0, 0]
    # Redis's edge: a SET far below an i8's range saturates to the maximum.
    assert cmd("OVERFLOW", "SAT", "SET", "i8", 200, -2**63, "GET", "i8", 200) == [0, 127]
    # OVERFLOW applies to the operations after it only.
    assert cmd("SET", "u2", 300, 3, "INCRBY", "u2", 300, 1, "OVERFLOW", "FAIL", "INCRBY", "u2", 300, 5) == [0, 0, None]


def test_bitfield_ro_and_read_only_paths(r, raw):
    r.set("k", b"\x80")
    assert r.execute_command("BITFIELD_RO", "k", "GET", "u1", 0, "GET", "u8", 0) == [1, 128]
    assert r.execute_command("BITFIELD_RO", "k") == []
    assert raw("BITFIELD_RO", "k", "SET", "u8", "0", "1") == RO_ONLY_GET
    assert raw("BITFIELD_RO", "k", "INCRBY", "u8", "0", "1") == RO_ONLY_GET
    assert raw("BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "u8", "0") == [128]
    # A GET-only BITFIELD does not create the key.
    assert r.execute_command("BITFIELD", "missing", "GET", "u8", 0) == [0]
    assert r.execute_command("BITFIELD", "missing") == []
    assert r.exists("missing") == 0
    # A write creates it even if OVERFLOW FAIL stops the write.
    assert r.execute_command("BITFIELD", "new", "OVERFLOW", "FAIL", "SET", "u2", 30, 7) == [None]
    assert r.get("new") == "\x00\x00\x00\x00"


def test_bitfield_errors(r, raw):
    for t in ("u64", "i65", "i0", "u0", "x8", "I8", "U8", "i", "u-1", "i08"):
        assert raw("BITFIELD", "k", "GET", t, "0") == BAD_TYPE, t
    assert raw("BITFIELD", "k", "GET", "u8", "-1") == BAD_OFFSET
    assert raw("BITFIELD", "k", "GET", "u8", "#-1") == BAD_OFFSET
    assert raw("BITFIELD", "k", "GET", "u8", "#x") == BAD_OFFSET
    assert raw("BITFIELD", "k", "GET", "u8", "x") == BAD_OFFSET
    assert raw("BITFIELD", "k", "SET", "u8", "0", "x") == NOT_INT
    assert raw("BITFIELD", "k", "INCRBY", "u8", "0", "1.5") == NOT_INT
    assert raw("BITFIELD", "k", "OVERFLOW", "x") == BAD_OVERFLOW
    assert raw("BITFIELD", "k", "FOO") == SYNTAX
    assert raw("BITFIELD", "k", "GET", "u8") == SYNTAX
    assert raw("BITFIELD", "k", "SET", "u8", "0") == SYNTAX
    assert raw("BITFIELD", "k", "OVERFLOW") == SYNTAX
    # Everything is parsed before anything runs.
    assert raw("BITFIELD", "k", "SET", "u8", "0", "1", "GET", "u64", "0") == BAD_TYPE
    assert r.exists("k") == 0
    assert raw("BITFIELD") == wrong_args("bitfield")
    assert raw("BITFIELD_RO") == wrong_args("bitfield_ro")


def test_bitfield_fail_is_null_in_resp3(server, r):
    r.set("k", b"\x03")
    with RawClient(server.port) as c:
        c.call("HELLO", "3")
        c.send_cmd("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", 6, 1, "GET", "u2", 6)
        assert c.read_raw(len(b"*2\r\n_\r\n:3\r\n")) == b"*2\r\n_\r\n:3\r\n"
    with RawClient(server.port) as c:
        c.send_cmd("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", 6, 1)
        assert c.read_raw(len(b"*1\r\n$-1\r\n")) == b"*1\r\n$-1\r\n"


def test_wrongtype(server, r, raw, list_key):
    for args in (("SETBIT", list_key, "0", "1"), ("GETBIT", list_key, "0"), ("BITCOUNT", list_key),
                 ("BITCOUNT", list_key, "0", "1"), ("BITPOS", list_key, "1"),
                 ("BITOP", "AND", "d", "a", list_key), ("BITFIELD", list_key, "GET", "u8", "0"),
                 ("BITFIELD", list_key, "SET", "u8", "0", "1"), ("BITFIELD_RO", list_key, "GET", "u8", "0")):
        assert raw(*args) == WRONGTYPE, args
    # Arguments are checked before the type.
    assert raw("SETBIT", list_key, "-1", "1") == BAD_OFFSET
    assert raw("BITFIELD", list_key, "GET", "u64", "0") == BAD_TYPE
    # 7.2 parses BITCOUNT/BITPOS ranges before the lookup; 7.0 did not.
    want = WRONGTYPE if server.is_redis else NOT_INT
    assert raw("BITCOUNT", list_key, "x", "1") == want
    assert raw("BITPOS", list_key, "1", "x") == want
    # BITOP overwrites a destination of any type.
    r.set("a", "x")
    assert raw("BITOP", "OR", list_key, "a") == 1
    assert r.type(list_key) == "string"


# --------------------------------------------------------------------------
# Randomized comparison with redis-server.


def test_random_ops_match_redis(r, rb, redis_reference):
    ref = redis_reference.client()
    ref.flushall()
    rnd = random.Random(11)
    keys = ["k%d" % i for i in range(6)] + ["{t}a", "{t}b"]

    def num():
        return rnd.choice([0, 1, 2, 7, 8, 9, 31, 63, 64, 100, -1, -2, -8, -9, -100,
                           rnd.randint(-300, 300), 2**63 - 1, -2**63])

    def ftype():
        return rnd.choice(["i1", "i5", "i8", "i16", "i32", "i63", "i64", "u1", "u3", "u8", "u16", "u63"])

    def fval():
        return rnd.choice([0, 1, -1, 127, 128, -129, 255, 256, 2**63 - 1, -2**63,
                           rnd.randint(-1000, 1000), rnd.randint(-2**63, 2**63 - 1)])

    for _ in range(2500):
        k = rnd.choice(keys)
        c = rnd.randrange(9)
        if c == 0:
            args = ["SET", k, rnd.randbytes(rnd.randint(0, 40))]
        elif c == 1:
            args = ["SETBIT", k, rnd.randint(0, 400), rnd.randint(0, 1)]
        elif c == 2:
            args = ["GETBIT", k, rnd.randint(0, 400)]
        elif c == 3:
            args = ["BITCOUNT", k] + ([num(), num()] if rnd.random() < 0.7 else [])
            if len(args) == 4 and rnd.random() < 0.5:
                args.append(rnd.choice(["BIT", "BYTE"]))
        elif c == 4:
            args = ["BITPOS", k, rnd.randint(0, 1)]
            n = rnd.randint(0, 3)
            args += [num() for _ in range(min(n, 2))] + ([rnd.choice(["BIT", "BYTE"])] if n == 3 else [])
        elif c == 5:
            args = ["BITOP", rnd.choice(["AND", "OR", "XOR", "NOT"]), rnd.choice(keys)]
            args += rnd.sample(keys, 1 if args[1] == "NOT" else rnd.randint(1, 4))
        elif c == 6:
            args = ["DEL", k]
        else:
            args = [rnd.choice(["BITFIELD", "BITFIELD", "BITFIELD_RO"]), k]
            for _ in range(rnd.randint(1, 4)):
                s = rnd.choice(["GET", "SET", "INCRBY", "OVERFLOW"])
                off = rnd.choice([rnd.randint(0, 200), "#%d" % rnd.randint(0, 20)])
                if s == "GET":
                    args += [s, ftype(), off]
                elif s == "OVERFLOW":
                    args += [s, rnd.choice(["WRAP", "SAT", "FAIL"])]
                else:
                    args += [s, ftype(), off, fval()]
        out = []
        for cl in (rb, ref):
            try:
                out.append(cl.execute_command(*args))
            except redis.ResponseError as e:
                out.append("error: %s" % e)
        assert out[0] == out[1], args
    for k in keys:
        assert rb.get(k) == ref.get(k), k
    ref.close()
