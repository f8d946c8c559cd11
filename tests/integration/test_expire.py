# Expiry: EXPIRE PEXPIRE EXPIREAT PEXPIREAT with NX XX GT LT, TTL PTTL
# EXPIRETIME PEXPIRETIME PERSIST, lazy expiry on access and active expiry
# freeing keys without traffic. Short real TTLs plus sleeps, on many keys so
# that every shard has some.
import time

import pytest
import redis

I64_MAX = 9223372036854775807
I64_MIN = -9223372036854775808


def err(fn, *args):
    with pytest.raises(redis.ResponseError) as e:
        fn(*args)
    return str(e.value)


def now_ms():
    return int(time.time() * 1000)


def dbsize(r):
    return r.dbsize()


def test_expire_and_ttl(r):
    r.set("k", "v")
    assert r.ttl("k") == -1 and r.pttl("k") == -1
    assert r.expire("k", 100) is True
    assert r.ttl("k") == 100
    assert 99000 < r.pttl("k") <= 100000
    assert r.pexpire("k", 5500) is True
    assert r.ttl("k") in (5, 6)  # rounded to the nearest second
    assert 5000 < r.pttl("k") <= 5500
    assert r.ttl("missing") == -2 and r.pttl("missing") == -2


def test_expireat_and_expiretime(r):
    r.set("k", "v")
    assert r.expiretime("k") == -1 and r.pexpiretime("k") == -1
    assert r.expiretime("missing") == -2 and r.pexpiretime("missing") == -2
    at = int(time.time()) + 1000
    assert r.expireat("k", at) is True
    assert r.expiretime("k") == at
    assert r.pexpiretime("k") == at * 1000
    assert r.pexpireat("k", at * 1000 + 123) is True
    assert r.pexpiretime("k") == at * 1000 + 123
    assert r.expiretime("k") == at  # rounded


def test_expire_missing_key(r):
    for cmd in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"):
        assert r.execute_command(cmd, "missing", 100) == 0
        assert r.execute_command(cmd, "missing", 100, "XX") == 0
    assert r.exists("missing") == 0


def test_non_positive_and_past_times_delete(r):
    ks = [f"k{i}" for i in range(40)]
    r.mset({k: "v" for k in ks})
    assert r.expire(ks[0], 0) is True
    assert r.expire(ks[1], -10) is True
    assert r.pexpire(ks[2], -1) is True
    assert r.expireat(ks[3], 1) is True
    assert r.pexpireat(ks[4], now_ms() - 10) is True
    assert r.execute_command("PEXPIRE", ks[5], I64_MIN) == 1
    for k in ks[6:]:
        assert r.execute_command("EXPIRE", k, -1) == 1
    assert r.exists(*ks) == 0
    assert r.get(ks[0]) is None


def test_expire_overflow(r):
    r.set("k", "v")
    for cmd, val in [("EXPIRE", I64_MAX), ("EXPIRE", I64_MIN), ("EXPIRE", 9223372036854775),
                     ("EXPIRE", 9223372036854776), ("PEXPIRE", I64_MAX), ("EXPIREAT", I64_MAX),
                     ("EXPIREAT", I64_MIN)]:
        assert err(r.execute_command, cmd, "k", val) == f"invalid expire time in '{cmd.lower()}' command"
    assert r.ttl("k") == -1 and r.get("k") == "v"
    # The largest absolute time in ms is valid.
    assert r.execute_command("PEXPIREAT", "k", I64_MAX) == 1
    assert r.pexpiretime("k") == I64_MAX


def test_expire_argument_errors(r):
    r.set("k", "v")
    assert "not an integer" in err(r.execute_command, "EXPIRE", "k", "abc")
    assert "not an integer" in err(r.execute_command, "PEXPIRE", "k", "1.5")
    assert "not an integer" in err(r.execute_command, "EXPIREAT", "k", "")
    assert err(r.execute_command, "EXPIRE", "k", "10", "FOO") == "Unsupported option FOO"
    assert err(r.execute_command, "EXPIRE", "k", "10", "NX", "XX") == \
        "NX and XX, GT or LT options at the same time are not compatible"
    assert err(r.execute_command, "EXPIRE", "k", "10", "NX", "GT") == \
        "NX and XX, GT or LT options at the same time are not compatible"
    assert err(r.execute_command, "PEXPIRE", "k", "10", "LT", "NX") == \
        "NX and XX, GT or LT options at the same time are not compatible"
    assert err(r.execute_command, "EXPIRE", "k", "10", "GT", "LT") == \
        "GT and LT options at the same time are not compatible"
    for cmd in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"):
        assert "wrong number of arguments" in err(r.execute_command, cmd, "k")
    for cmd in ("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "PERSIST"):
        assert "wrong number of arguments" in err(r.execute_command, cmd)
        assert "wrong number of arguments" in err(r.execute_command, cmd, "a", "b")
    assert r.ttl("k") == -1


def test_nx_xx(r):
    r.set("k", "v")
    assert r.expire("k", 100, xx=True) is False
    assert r.ttl("k") == -1
    assert r.expire("k", 100, nx=True) is True
    assert r.expire("k", 200, nx=True) is False
    assert r.ttl("k") == 100
    assert r.expire("k", 200, xx=True) is True
    assert r.ttl("k") == 200
    assert r.execute_command("EXPIRE", "k", "300", "XX", "XX") == 1  # repeats are fine


def test_gt_lt(r):
    r.set("k", "v")
    t = int(time.time()) + 1000  # absolute times, so "equal" is exact
    # No TTL counts as infinite: GT always fails, LT always succeeds.
    assert r.expireat("k", t, gt=True) is False
    assert r.ttl("k") == -1
    assert r.expireat("k", t, lt=True) is True
    assert r.expireat("k", t - 50, gt=True) is False
    assert r.expireat("k", t, gt=True) is False  # equal is not greater
    assert r.expireat("k", t + 100, gt=True) is True
    assert r.expireat("k", t + 200, lt=True) is False
    assert r.expireat("k", t + 100, lt=True) is False  # equal is not less
    assert r.expireat("k", t + 50, lt=True) is True
    assert r.expiretime("k") == t + 50
    assert r.execute_command("EXPIREAT", "k", t + 60, "XX", "GT") == 1
    assert r.execute_command("EXPIREAT", "k", t, "XX", "GT") == 0
    assert r.expiretime("k") == t + 60
    assert r.execute_command("PEXPIRE", "k", 10_000_000, "GT") == 1
    assert r.ttl("k") == 10_000
    # LT with a negative time deletes.
    assert r.expire("k", -1, lt=True) is True
    assert r.exists("k") == 0


def test_persist(r):
    r.set("k", "v", ex=100)
    assert r.persist("k") is True
    assert r.ttl("k") == -1
    assert r.persist("k") is False
    assert r.persist("missing") is False
    assert r.get("k") == "v"


def test_set_overwrite_clears_ttl_and_keepttl_keeps(r):
    r.set("k", "v", ex=100)
    r.set("k", "v2")
    assert r.ttl("k") == -1
    r.expire("k", 100)
    r.set("k", "v3", keepttl=True)
    assert r.ttl("k") == 100


def test_short_ttl_expires_on_access(r):
    ks = [f"short:{i}" for i in range(50)]
    for k in ks:
        r.set(k, "v", px=1000)  # long enough for a slow (sanitizer) build
    r.set("long", "v", px=60000)
    assert r.exists(*ks) == 50
    time.sleep(1.2)
    assert r.get(ks[0]) is None
    assert r.exists(*ks) == 0
    assert r.ttl(ks[1]) == -2 and r.pttl(ks[2]) == -2
    assert r.expire(ks[3], 100) is False  # gone: nothing to expire
    assert r.persist(ks[4]) is False
    assert r.get("long") == "v"


def test_pexpire_short_then_gone(r):
    r.set("k", "v")
    assert r.pexpire("k", 100) is True
    assert r.get("k") == "v"
    time.sleep(0.2)
    assert r.get("k") is None
    assert r.keys("*") == []


def test_active_expiry_frees_keys_without_traffic(r):
    for i in range(200):
        r.set(f"vol:{i}", "x" * 20, px=100)
    r.set("stays", "v")
    assert dbsize(r) == 201
    expired_before = int(r.info("stats")["expired_keys"])
    time.sleep(1.5)  # no commands touch the volatile keys meanwhile
    assert dbsize(r) == 1
    assert int(r.info("stats")["expired_keys"]) - expired_before == 200
    assert r.info("keyspace")["db0"]["expires"] == 0
    assert r.get("stays") == "v"


def test_expired_keys_are_counted(r):
    before = int(r.info("stats")["expired_keys"])
    for i in range(30):
        r.set(f"e{i}", "v", px=50)
    time.sleep(0.15)
    assert r.exists(*[f"e{i}" for i in range(30)]) == 0  # lazy expiry of whatever is left
    assert int(r.info("stats")["expired_keys"]) - before == 30


def test_ttl_survives_rename_copy_move_across_shards(server, r):
    for i in range(60):
        r.set(f"a{i}", i, px=300)
    for i in range(0, 60, 3):
        r.rename(f"a{i}", f"b{i}")
        r.copy(f"a{i + 1}", f"c{i + 1}")
        r.move(f"a{i + 2}", 1)
    assert all(0 < r.pttl(f"b{i}") <= 300 for i in range(0, 60, 3))
    assert all(0 < r.pttl(f"c{i + 1}") <= 300 for i in range(0, 60, 3))
    time.sleep(0.4)
    assert r.keys("*") == []
    c1 = server.client(decode_responses=True, db=1)
    assert c1.keys("*") == []
    c1.close()
