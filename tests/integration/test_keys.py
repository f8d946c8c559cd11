# Keyspace (generic) commands: DEL UNLINK EXISTS TOUCH TYPE KEYS SCAN RANDOMKEY
# RENAME RENAMENX COPY MOVE OBJECT DUMP RESTORE. Keys without a hash tag spread
# over every shard, so with --shards 4 the multi-key commands cross shards.
import time

import pytest
import redis

N = 60  # keys per test set: enough to land on every shard


def keys(prefix="k", n=N):
    return [f"{prefix}{i}" for i in range(n)]


def err(fn, *args, **kw):
    with pytest.raises(redis.ResponseError) as e:
        fn(*args, **kw)
    return str(e.value)


def wrong_args(name):
    return f"wrong number of arguments for '{name}' command"


# --- DEL / UNLINK / EXISTS / TOUCH / TYPE -----------------------------------

def test_del_counts_each_existing_key_once(r):
    ks = keys()
    r.mset({k: "v" for k in ks})
    assert r.delete(*ks[:10]) == 10
    assert r.delete(ks[10], ks[10], "missing") == 1  # a repeated key counts once
    assert r.unlink(*ks[11:], "nope1", "nope2") == N - 11
    assert r.exists(*ks) == 0
    assert r.delete("missing") == 0


def test_exists_counts_repeats(r):
    r.mset({"a": 1, "b": 2})
    assert r.exists("a", "a", "a", "missing", "b") == 4
    assert r.exists("missing") == 0


def test_touch(r):
    ks = keys()
    r.mset({k: "v" for k in ks[:30]})
    assert r.touch(*ks) == 30
    assert r.touch(ks[0], ks[0]) == 2


def test_type(r):
    r.set("s", "v")
    assert r.type("s") == "string"
    assert r.type("missing") == "none"


def test_wrong_arity(r):
    for cmd in (["DEL"], ["UNLINK"], ["EXISTS"], ["TOUCH"], ["TYPE"], ["TYPE", "a", "b"],
                ["KEYS"], ["KEYS", "a", "b"], ["SCAN"], ["RANDOMKEY", "x"], ["RENAME", "a"],
                ["RENAMENX", "a", "b", "c"], ["COPY", "a"], ["MOVE", "a"], ["DUMP"],
                ["RESTORE", "a", "0"]):
        assert wrong_args(cmd[0].lower()) in err(r.execute_command, *cmd)


# --- KEYS ---------------------------------------------------------------------

def test_keys_glob(r):
    r.mset({"foo": 1, "foobar": 1, "fo": 1, "fxo": 1, "f*o": 1, "bar": 1, "hello": 1, "hallo": 1})
    assert sorted(r.keys("*")) == sorted(["foo", "foobar", "fo", "fxo", "f*o", "bar", "hello", "hallo"])
    assert sorted(r.keys("foo*")) == ["foo", "foobar"]
    assert sorted(r.keys("f?o")) == ["f*o", "foo", "fxo"]
    assert sorted(r.keys("h[ae]llo")) == ["hallo", "hello"]
    assert sorted(r.keys("h[^e]llo")) == ["hallo"]
    assert r.keys("f\\*o") == ["f*o"]
    assert r.keys("bar") == ["bar"]  # a literal pattern
    assert r.keys("nothing*") == []
    assert r.keys("missing") == []


def test_keys_many_across_shards(r):
    ks = keys("many:", 500)
    r.mset({k: "v" for k in ks})
    assert sorted(r.keys("many:*")) == sorted(ks)


def test_keys_hides_expired(r):
    r.set("live", 1)
    r.set("gone", 1, px=1)
    time.sleep(0.05)
    assert r.keys("*") == ["live"]


def test_keys_per_db(server):
    c0 = server.client(decode_responses=True, db=0)
    c1 = server.client(decode_responses=True, db=1)
    c0.flushall()
    c0.set("in0", 1)
    c1.set("in1", 1)
    assert c0.keys("*") == ["in0"]
    assert c1.keys("*") == ["in1"]
    c0.flushall()


# --- SCAN ---------------------------------------------------------------------

def full_scan(r, **kw):
    seen, cursor, calls = [], 0, 0
    while True:
        cursor, batch = r.scan(cursor, **kw)
        seen.extend(batch)
        calls += 1
        assert calls < 100000
        if cursor == 0:
            return seen


def test_scan_returns_every_key(r):
    ks = keys("s:", 1000)
    r.mset({k: "v" for k in ks})
    for count in (1, 7, 100, 5000):
        assert set(full_scan(r, count=count)) == set(ks)


def test_scan_match_and_type(r):
    r.mset({f"user:{i}": i for i in range(100)})
    r.mset({f"item:{i}": i for i in range(100)})
    assert sorted(full_scan(r, match="user:*")) == sorted(f"user:{i}" for i in range(100))
    assert sorted(full_scan(r, match="user:1?")) == sorted(f"user:1{i}" for i in range(10))
    assert len(set(full_scan(r, _type="string"))) == 200
    assert len(set(full_scan(r, _type="STRING"))) == 200  # type names match case-insensitively
    assert full_scan(r, _type="list") == []
    assert full_scan(r, _type="nosuchtype") == []
    assert len(set(full_scan(r, match="*", count=3))) == 200


def test_scan_count_bounds_the_work(r):
    r.mset({k: "v" for k in keys("c:", 1000)})
    cursor, batch = r.scan(0, count=10)
    assert cursor != 0
    assert len(batch) < 100


def test_scan_keys_present_throughout_survive_growth(r):
    base = keys("base:", 300)
    r.mset({k: "v" for k in base})
    seen, cursor, extra = set(), 0, 0
    while True:
        cursor, batch = r.scan(cursor, count=10)
        seen.update(batch)
        # Grow every table a lot between calls: resizes happen mid-iteration.
        r.mset({f"grow:{extra + i}": "v" for i in range(40)})
        extra += 40
        if cursor == 0:
            break
    assert set(base) <= seen


def test_scan_keys_present_throughout_survive_shrink(r):
    keep = keys("keep:", 100)
    doomed = keys("doomed:", 2000)
    r.mset({k: "v" for k in keep + doomed})
    seen, cursor = set(), 0
    while True:
        cursor, batch = r.scan(cursor, count=20)
        seen.update(batch)
        if doomed:
            r.delete(*doomed[:100])
            doomed = doomed[100:]
        if cursor == 0:
            break
    assert set(keep) <= seen


def test_scan_errors(r):
    assert "invalid cursor" in err(r.execute_command, "SCAN", "abc")
    assert "invalid cursor" in err(r.execute_command, "SCAN", "18446744073709551616")
    assert "invalid cursor" in err(r.execute_command, "SCAN", " 0")
    assert "invalid cursor" in err(r.execute_command, "SCAN", "1x")
    assert err(r.execute_command, "SCAN", "0", "COUNT", "0") == "syntax error"
    assert err(r.execute_command, "SCAN", "0", "COUNT", "-1") == "syntax error"
    assert "not an integer" in err(r.execute_command, "SCAN", "0", "COUNT", "abc")
    assert err(r.execute_command, "SCAN", "0", "MATCH") == "syntax error"
    assert err(r.execute_command, "SCAN", "0", "FOO", "bar") == "syntax error"
    assert err(r.execute_command, "SCAN", "0", "COUNT", "10", "TYPE") == "syntax error"


def test_scan_empty_db(r):
    assert r.scan(0) == (0, [])
    assert r.execute_command("SCAN", "0", "MATCH", "*", "COUNT", "100", "TYPE", "string") == (0, [])


# --- RANDOMKEY ----------------------------------------------------------------

def test_randomkey(r):
    assert r.randomkey() is None
    ks = keys("rk:", 50)
    r.mset({k: "v" for k in ks})
    picks = {r.randomkey() for _ in range(300)}
    assert picks <= set(ks)
    assert len(picks) > 10  # draws from every shard, not one key


def test_randomkey_skips_expired(r):
    for i in range(20):
        r.set(f"short{i}", 1, px=1)
    r.set("stays", 1)
    time.sleep(0.05)
    for _ in range(20):
        assert r.randomkey() == "stays"


# --- RENAME / RENAMENX --------------------------------------------------------

def test_rename_across_shards_keeps_value_and_ttl(r):
    for i in range(N):
        r.set(f"src{i}", f"val{i}", ex=1000 if i % 2 else None)
    for i in range(N):
        assert r.rename(f"src{i}", f"dst{i}") is True
    for i in range(N):
        assert r.get(f"dst{i}") == f"val{i}"
        assert r.exists(f"src{i}") == 0
        ttl = r.ttl(f"dst{i}")
        assert (990 < ttl <= 1000) if i % 2 else ttl == -1


def test_rename_overwrites_destination_and_its_ttl(r):
    r.set("a", "new")
    r.set("b", "old", ex=100)
    assert r.rename("a", "b")
    assert r.get("b") == "new"
    assert r.ttl("b") == -1
    assert r.exists("a") == 0


def test_rename_same_key_and_missing(r):
    r.set("k", "v", ex=100)
    assert r.rename("k", "k")
    assert r.get("k") == "v" and r.ttl("k") > 0
    assert err(r.rename, "missing", "x") == "no such key"
    assert err(r.rename, "missing", "missing") == "no such key"
    assert err(r.renamenx, "missing", "x") == "no such key"


def test_renamenx(r):
    r.mset({"a": 1, "b": 2})
    assert r.renamenx("a", "b") is False
    assert r.get("a") == "1" and r.get("b") == "2"
    assert r.renamenx("a", "a") is False
    for i in range(N):
        r.set(f"x{i}", i)
        assert r.renamenx(f"x{i}", f"y{i}") is True
        assert r.get(f"y{i}") == str(i)
    assert r.keys("x*") == []


def test_rename_hash_tag_and_chain(r):
    r.set("{t}a", "v")
    r.rename("{t}a", "{t}b")
    r.rename("{t}b", "plain")
    r.rename("plain", "{u}c")
    assert r.get("{u}c") == "v"
    assert r.keys("*") == ["{u}c"]


# --- COPY ---------------------------------------------------------------------

def test_copy_across_shards(r):
    for i in range(N):
        r.set(f"src{i}", f"v{i}", ex=500 if i % 3 == 0 else None)
    for i in range(N):
        assert r.copy(f"src{i}", f"dst{i}") is True
    for i in range(N):
        assert r.get(f"src{i}") == f"v{i}" == r.get(f"dst{i}")
        if i % 3 == 0:
            assert 490 < r.ttl(f"dst{i}") <= 500
        else:
            assert r.ttl(f"dst{i}") == -1
    r.set("src0", "changed")
    assert r.get("dst0") == "v0"  # a copy, not an alias


def test_copy_existing_destination_needs_replace(r):
    r.mset({"a": "1", "b": "2"})
    assert r.copy("a", "b") is False
    assert r.get("b") == "2"
    assert r.copy("a", "b", replace=True) is True
    assert r.get("b") == "1"
    assert r.copy("missing", "b") is False
    assert r.copy("missing", "b", replace=True) is False
    assert r.get("b") == "1"


def test_copy_to_other_db(server, r):
    r.set("k", "v", ex=100)
    assert r.copy("k", "k", destination_db=3) is True
    c3 = server.client(decode_responses=True, db=3)
    assert c3.get("k") == "v" and 90 < c3.ttl("k") <= 100
    assert r.copy("k", "k", destination_db=3) is False
    r.set("k", "v2")
    assert r.execute_command("COPY", "k", "k", "DB", "3", "REPLACE") == 1
    assert c3.get("k") == "v2"
    c3.close()


def test_copy_errors(r):
    r.set("k", "v")
    assert "source and destination objects are the same" in err(r.copy, "k", "k")
    assert "source and destination objects are the same" in err(r.execute_command, "COPY", "k", "k", "DB", "0")
    assert err(r.execute_command, "COPY", "k", "x", "DB") == "syntax error"
    assert err(r.execute_command, "COPY", "k", "x", "FOO") == "syntax error"
    assert "not an integer" in err(r.execute_command, "COPY", "k", "x", "DB", "abc")
    assert err(r.execute_command, "COPY", "k", "x", "DB", "99999999999") == \
        "value is out of range, value must between -2147483648 and 2147483647"
    assert "not an integer" in err(r.execute_command, "COPY", "k", "x", "DB", "99999999999999999999")
    assert err(r.execute_command, "COPY", "k", "x", "DB", "16") == "DB index is out of range"
    assert err(r.execute_command, "COPY", "k", "x", "DB", "-1") == "DB index is out of range"
    assert r.exists("x") == 0


# --- MOVE ---------------------------------------------------------------------

def test_move(server, r):
    r.set("k", "v", ex=100)
    c1 = server.client(decode_responses=True, db=1)
    assert r.move("k", 1) is True
    assert r.exists("k") == 0
    assert c1.get("k") == "v" and 90 < c1.ttl("k") <= 100
    r.set("k", "other")
    assert r.move("k", 1) is False  # exists there: nothing moves
    assert r.get("k") == "other" and c1.get("k") == "v"
    assert r.move("missing", 1) is False
    c1.close()


def test_move_errors(r):
    r.set("k", "v")
    assert "source and destination objects are the same" in err(r.move, "k", 0)
    assert err(r.move, "k", 16) == "DB index is out of range"
    assert err(r.move, "k", -1) == "DB index is out of range"
    assert "not an integer" in err(r.execute_command, "MOVE", "k", "abc")
    assert err(r.execute_command, "MOVE", "k", "-2147483649") == \
        "value is out of range, value must between -2147483648 and 2147483647"
    assert r.get("k") == "v"


# --- OBJECT -------------------------------------------------------------------

def test_object_encoding(r):
    r.set("int", "12345")
    r.set("neg", "-9223372036854775808")
    r.set("lead0", "0123")
    r.set("emb", "x" * 44)
    r.set("raw", "x" * 45)
    assert r.object("encoding", "int") == "int"
    assert r.object("encoding", "neg") == "int"
    assert r.object("encoding", "lead0") == "embstr"
    assert r.object("encoding", "emb") == "embstr"
    assert r.object("encoding", "raw") == "raw"
    assert r.object("encoding", "missing") is None


def test_object_idletime_freq_refcount(r):
    r.set("k", "hello")
    assert 0 <= r.object("idletime", "k") <= 1
    assert r.object("idletime", "missing") is None
    assert r.object("refcount", "k") == 1
    r.set("small", "100")
    assert r.object("refcount", "small") == 2147483647  # Redis's shared integers
    assert r.object("refcount", "missing") is None
    assert "An LFU maxmemory policy is not selected, access frequency not tracked" in err(r.object, "freq", "k")
    assert r.object("freq", "missing") is None


def test_object_idletime_grows_and_touch_resets(r):
    r.set("k", "v")
    time.sleep(2.1)
    assert r.object("idletime", "k") >= 2
    assert r.object("idletime", "k") >= 2  # OBJECT itself does not touch
    assert r.ttl("k") == -1 and r.exists("k") == 1 and r.type("k") == "string"
    assert r.object("idletime", "k") >= 2  # nor do TTL, EXISTS, TYPE
    r.get("k")
    assert r.object("idletime", "k") <= 1  # the clock is in whole seconds


def test_object_errors_and_help(r):
    r.set("k", "v")
    r.response_callbacks.pop("OBJECT", None)  # redis-py's parser expects a subcommand argument
    assert "unknown subcommand 'FoO'. Try OBJECT HELP." in err(r.execute_command, "OBJECT", "FoO", "k")
    assert wrong_args("object|encoding") in err(r.execute_command, "OBJECT", "ENCODING")
    assert wrong_args("object|encoding") in err(r.execute_command, "OBJECT", "ENCODING", "a", "b")
    assert wrong_args("object") in err(r.execute_command, "OBJECT")
    assert wrong_args("object|help") in err(r.execute_command, "OBJECT", "HELP", "x")
    help_lines = r.execute_command("OBJECT", "HELP")
    assert help_lines[0].startswith("OBJECT <subcommand>")
    assert "ENCODING <key>" in help_lines and "FREQ <key>" in help_lines and "HELP" in help_lines


# --- DUMP / RESTORE -----------------------------------------------------------

def test_dump_restore_roundtrip(rb):
    rb.flushall()
    values = [b"", b"x", b"12345", b"\x00\xff\r\n binary \x00", b"y" * 100, bytes(range(256)) * 4000]
    for i, v in enumerate(values):
        rb.set(f"src{i}", v)
        payload = rb.dump(f"src{i}")
        assert isinstance(payload, bytes)
        assert rb.restore(f"dst{i}", 0, payload) == b"OK"
        assert rb.get(f"dst{i}") == v
        assert rb.ttl(f"dst{i}") == -1
    assert rb.dump("missing") is None


def test_restore_ttl_absttl_replace(r, rb):
    r.set("k", "v")
    payload = rb.dump("k")
    assert rb.restore("t1", 5000, payload)
    assert 4000 < r.pttl("t1") <= 5000
    at = int(time.time() * 1000) + 100000
    assert rb.restore("t2", at, payload, absttl=True)
    assert abs(r.pexpiretime("t2") - at) <= 1
    assert "BUSYKEY Target key name already exists." in err(rb.restore, "t1", 0, payload)
    r.set("t1", "other", ex=50)
    assert rb.restore("t1", 0, payload, replace=True)
    assert r.get("t1") == "v" and r.ttl("t1") == -1
    # A TTL already in the past: OK, nothing is stored, and REPLACE removed the old key.
    assert rb.restore("t1", 1, payload, replace=True, absttl=True)
    assert r.exists("t1") == 0
    assert rb.restore("t3", 1, payload, absttl=True)
    assert r.exists("t3") == 0


def test_restore_idletime(r, rb):
    r.set("k", "v")
    payload = rb.dump("k")
    assert rb.restore("idle", 0, payload, idletime=1000)
    assert 1000 <= r.object("idletime", "idle") <= 1001


def test_restore_option_errors(r, rb):
    r.set("k", "v")
    p = rb.dump("k")
    rx = rb.execute_command
    assert "Invalid TTL value, must be >= 0" in err(rx, "RESTORE", "n", "-1", p)
    assert "not an integer" in err(rx, "RESTORE", "n", "abc", p)
    assert "syntax error" in err(rx, "RESTORE", "n", "0", p, "FOO")
    assert "syntax error" in err(rx, "RESTORE", "n", "0", p, "IDLETIME")
    assert "Invalid IDLETIME value, must be >= 0" in err(rx, "RESTORE", "n", "0", p, "IDLETIME", "-1")
    assert "not an integer" in err(rx, "RESTORE", "n", "0", p, "IDLETIME", "x")
    assert "Invalid FREQ value, must be >= 0 and <= 255" in err(rx, "RESTORE", "n", "0", p, "FREQ", "256")
    assert "Invalid FREQ value, must be >= 0 and <= 255" in err(rx, "RESTORE", "n", "0", p, "FREQ", "-1")
    assert "syntax error" in err(rx, "RESTORE", "n", "0", p, "IDLETIME", "1", "FREQ", "1")
    assert "syntax error" in err(rx, "RESTORE", "n", "0", p, "FREQ", "1", "IDLETIME", "1")
    assert "BUSYKEY" in err(rx, "RESTORE", "k", "0", b"garbage")  # checked before the payload
    assert r.exists("n") == 0


def test_restore_rejects_corrupt_payloads(r, rb):
    r.set("k", "some value worth checking")
    good = rb.dump("k")
    bad = [b"", b"x", b"garbage", good[:-1], good[1:], good + b"\x00", good[:-10]]
    for i in range(len(good)):  # every single-byte corruption
        bad.append(good[:i] + bytes([good[i] ^ 0x5A]) + good[i + 1:])
    for p in bad:
        # Usually the checksum catches it. A CRC64 starting at 0 cannot see a
        # dropped leading zero byte (good[1:]); then the content check does.
        assert err(rb.restore, "n", 0, p) in ("DUMP payload version or checksum are wrong",
                                               "Bad data format")
    assert r.exists("n") == 0
    # The key survives a failed RESTORE ... REPLACE.
    assert "checksum are wrong" in err(rb.restore, "k", 0, good[:-1], replace=True)
    assert r.get("k") == "some value worth checking"
    assert r.ping()


def test_dump_payload_restores_across_shards(r, rb):
    for i in range(N):
        r.set(f"d{i}", f"value-{i}")
    payloads = {i: rb.dump(f"d{i}") for i in range(N)}
    r.flushall()
    for i, p in payloads.items():
        assert rb.restore(f"other{i}", 0, p)
    assert all(r.get(f"other{i}") == f"value-{i}" for i in range(N))


def crc64_jones(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x95AC9329AC4BC9B5 if crc & 1 else crc >> 1
    return crc


def test_restore_rejects_bad_content_with_valid_checksum(server, r, rb):
    # Both formats end in [version 2 LE][CRC64 8 LE]; only the version differs:
    # Redis 7.0 writes RDB version 10, YottaStore its own (DUMP is not portable).
    r.set("k", "v")
    version = rb.dump("k")[-10:-8]

    def sealed(body):
        body += version
        return body + crc64_jones(body).to_bytes(8, "little")

    assert rb.restore("ok", 0, sealed(b"\x00\x03abc")) == b"OK"  # a string "abc" in both formats
    assert r.get("ok") == "abc"
    for body in [b"\x00\x3fabc",    # claims 63 bytes, holds 3 (and the trailer's 10)
                 b"\x00",           # no length at all
                 b"\xee\x03abc"]:   # no such type
        assert err(rb.restore, "bad", 0, sealed(body)) == "Bad data format"
    assert r.exists("bad") == 0
    # Random bodies behind a valid checksum: rejected or restored, never a crash.
    import random
    rnd = random.Random(7)
    for i in range(300):
        body = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 40)))
        try:
            rb.restore(f"fuzz{i}", 0, sealed(body))
        except redis.ResponseError as e:
            assert str(e) == "Bad data format"
    assert r.ping()
