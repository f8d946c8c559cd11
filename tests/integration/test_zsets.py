# YottaStore. Licensed under the Apache License 2.0.
# Sorted sets: ZADD options, reads, ranges (rank/score/lex, REV, LIMIT),
# removals, pops, algebra (+STORE, WEIGHTS, AGGREGATE), ZSCAN, ZRANDMEMBER,
# encodings, RESP2/RESP3 reply shapes, DUMP/RESTORE, and error texts.
import random

import pytest
import redis
from resp_raw import Error, RawClient

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


@pytest.fixture
def c(server, r):
    """Raw RESP2 client (exact error texts) on the flushed server."""
    cl = RawClient(server.port)
    yield cl
    cl.close()


@pytest.fixture
def c3(server, r):
    cl = RawClient(server.port)
    cl.call("HELLO", "3")
    yield cl
    cl.close()


def err(reply):
    assert isinstance(reply, Error), reply
    return str(reply)


# --------------------------------------------------------------------------
# ZADD / ZINCRBY


def test_zadd_basic_and_update(r):
    assert r.zadd("z", {"a": 1, "b": 2, "c": 3}) == 3
    assert r.zadd("z", {"a": 5, "d": 0}) == 1
    assert r.zrange("z", 0, -1, withscores=True) == [("d", 0), ("b", 2), ("c", 3), ("a", 5)]
    assert r.zcard("z") == 4
    assert r.zcard("nokey") == 0


def test_zadd_options(r, c):
    r.zadd("z", {"a": 1, "b": 2})
    assert c.call("ZADD", "z", "NX", "10", "a", "3", "c") == 1
    assert r.zscore("z", "a") == 1
    assert c.call("ZADD", "z", "XX", "10", "a", "4", "d") == 0
    assert r.zscore("z", "a") == 10 and r.zscore("z", "d") is None
    assert c.call("ZADD", "z", "CH", "11", "a", "2", "b", "5", "e") == 2
    assert c.call("ZADD", "z", "GT", "CH", "1", "a", "20", "b") == 1
    assert r.zscore("z", "a") == 11 and r.zscore("z", "b") == 20
    assert c.call("ZADD", "z", "LT", "CH", "100", "a", "1", "b") == 1
    assert r.zscore("z", "b") == 1
    # GT/LT still add new members.
    assert c.call("ZADD", "z", "GT", "7", "new") == 1
    assert c.call("ZADD", "z", "INCR", "2.5", "a") == b"13.5"
    assert c.call("ZADD", "z", "NX", "INCR", "1", "a") is None
    assert c.call("ZADD", "z", "XX", "INCR", "1", "nope") is None
    assert c.call("ZADD", "z", "GT", "INCR", "-1", "a") is None
    assert c.call("ZADD", "nokey", "XX", "1", "a") == 0
    assert r.exists("nokey") == 0
    assert c.call("ZADD", "z", "INCR", "0", "a") == b"13.5"


def test_zadd_errors(r, c):
    r.zadd("z", {"a": 1})
    assert err(c.call("ZADD", "z", "NX", "XX", "1", "a")) == \
        "ERR XX and NX options at the same time are not compatible"
    for opts in (("GT", "LT"), ("GT", "NX"), ("LT", "NX")):
        assert err(c.call("ZADD", "z", *opts, "1", "a")) == \
            "ERR GT, LT, and/or NX options at the same time are not compatible"
    assert err(c.call("ZADD", "z", "INCR", "1", "a", "2", "b")) == \
        "ERR INCR option supports a single increment-element pair"
    assert err(c.call("ZADD", "z", "x", "a")) == "ERR value is not a valid float"
    assert err(c.call("ZADD", "z", "nan", "a")) == "ERR value is not a valid float"
    assert err(c.call("ZADD", "z", "1", "a", "2")) == "ERR syntax error"
    assert err(c.call("ZADD", "z", "NX", "1")) == "ERR syntax error"
    assert err(c.call("ZADD", "z", "1")) == "ERR wrong number of arguments for 'zadd' command"
    # Nothing changed by the failed commands (validation before writing).
    assert err(c.call("ZADD", "z", "5", "b", "bad", "c")) == "ERR value is not a valid float"
    assert r.zrange("z", 0, -1) == ["a"]
    r.zadd("inf", {"a": float("inf")})
    assert err(c.call("ZADD", "inf", "INCR", "-inf", "a")) == \
        "ERR resulting score is not a number (NaN)"
    assert err(c.call("ZINCRBY", "inf", "-inf", "a")) == \
        "ERR resulting score is not a number (NaN)"
    r.set("s", "x")
    assert err(c.call("ZADD", "s", "1", "a")) == WRONGTYPE
    assert err(c.call("ZINCRBY", "s", "1", "a")) == WRONGTYPE


def test_zincrby(r, c):
    assert r.zincrby("z", 2, "a") == 2
    assert r.zincrby("z", -0.5, "a") == 1.5
    assert c.call("ZINCRBY", "z", "+inf", "a") == b"inf"
    assert err(c.call("ZINCRBY", "z", "abc", "a")) == "ERR value is not a valid float"
    assert err(c.call("ZINCRBY", "z", "1")) == "ERR wrong number of arguments for 'zincrby' command"


def test_score_formatting(r, c):
    r.zadd("z", {"a": 0.1, "b": 1e300, "c": -2, "d": 3.0, "e": float("-inf")})
    assert c.call("ZSCORE", "z", "a") == b"0.10000000000000001"
    assert c.call("ZSCORE", "z", "b") == b"1.0000000000000001e+300"
    assert c.call("ZSCORE", "z", "c") == b"-2"
    assert c.call("ZSCORE", "z", "d") == b"3"
    assert c.call("ZSCORE", "z", "e") == b"-inf"
    assert c.call("ZSCORE", "z", "nope") is None
    assert c.call("ZSCORE", "nokey", "a") is None


# --------------------------------------------------------------------------
# Reads


def test_zrem_deletes_empty(r, c):
    r.zadd("z", {"a": 1, "b": 2})
    assert r.zrem("z", "a", "x", "a") == 1
    assert r.zrem("z", "b") == 1
    assert r.exists("z") == 0
    assert r.zrem("z", "b") == 0
    r.set("s", "x")
    assert err(c.call("ZREM", "s", "a")) == WRONGTYPE
    assert err(c.call("ZREM", "z")) == "ERR wrong number of arguments for 'zrem' command"


def test_zmscore_and_rank(r, c, server):
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert c.call("ZMSCORE", "z", "a", "x", "c") == [b"1", None, b"3"]
    assert c.call("ZMSCORE", "nokey", "a") == [None]
    assert r.zrank("z", "a") == 0 and r.zrank("z", "c") == 2
    assert r.zrevrank("z", "a") == 2
    assert r.zrank("z", "x") is None and r.zrank("nokey", "x") is None
    r.set("s", "x")
    for cmd in ("ZSCORE", "ZRANK", "ZREVRANK", "ZMSCORE"):
        assert err(c.call(cmd, "s", "a")) == WRONGTYPE
    assert err(c.call("ZCARD", "s")) == WRONGTYPE
    if server.is_redis:
        return  # WITHSCORE is Redis 7.2 (the local reference is 7.0)
    assert c.call("ZRANK", "z", "b", "WITHSCORE") == [1, b"2"]
    assert c.call("ZREVRANK", "z", "b", "withscore") == [1, b"2"]
    assert c.call("ZRANK", "z", "x", "WITHSCORE") is None
    assert err(c.call("ZRANK", "z", "b", "foo")) == "ERR syntax error"


def test_zcount_zlexcount(r, c):
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4})
    assert r.zcount("z", 2, 3) == 2
    assert r.zcount("z", "(2", "+inf") == 2
    assert r.zcount("z", "-inf", "(1") == 0
    assert r.zcount("z", 3, 2) == 0
    assert r.zcount("nokey", 0, 1) == 0
    assert err(c.call("ZCOUNT", "z", "x", "1")) == "ERR min or max is not a float"
    assert c.call("ZCOUNT", "z", "(", "1") == 1  # strtod("") = 0, as Redis
    assert err(c.call("ZCOUNT", "z", "1", "(x")) == "ERR min or max is not a float"
    assert err(c.call("ZCOUNT", "z", "nan", "1")) == "ERR min or max is not a float"
    r.zadd("l", {"a": 0, "b": 0, "c": 0, "d": 0})
    assert r.zlexcount("l", "-", "+") == 4
    assert r.zlexcount("l", "[b", "(d") == 2
    assert r.zlexcount("l", "(a", "[a") == 0
    assert err(c.call("ZLEXCOUNT", "l", "a", "+")) == "ERR min or max not valid string range item"
    assert err(c.call("ZLEXCOUNT", "l", "-", "")) == "ERR min or max not valid string range item"


# --------------------------------------------------------------------------
# Ranges


@pytest.fixture
def z5(r):
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    return r


def test_zrange_rank(z5, c):
    r = z5
    assert r.zrange("z", 0, -1) == ["a", "b", "c", "d", "e"]
    assert r.zrange("z", -2, -1) == ["d", "e"]
    assert r.zrange("z", 3, 100) == ["d", "e"]
    assert r.zrange("z", 4, 2) == []
    assert r.zrange("z", 10, 20) == []
    assert r.zrevrange("z", 0, 1, withscores=True) == [("e", 5), ("d", 4)]
    assert c.call("ZRANGE", "z", "0", "1", "REV") == [b"e", b"d"]
    assert c.call("ZRANGE", "z", "0", "0", "WITHSCORES") == [b"a", b"1"]
    assert r.zrange("nokey", 0, -1) == []
    assert err(c.call("ZRANGE", "z", "a", "1")) == "ERR value is not an integer or out of range"
    assert err(c.call("ZRANGE", "z", "0", "1", "LIMIT", "0", "1")) == \
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    assert err(c.call("ZRANGE", "z", "0", "1", "FOO")) == "ERR syntax error"
    assert err(c.call("ZREVRANGE", "z", "0", "1", "REV")) == "ERR syntax error"


def test_zrange_byscore(z5, c):
    r = z5
    assert r.zrangebyscore("z", 2, 4) == ["b", "c", "d"]
    assert r.zrangebyscore("z", "(2", "(4") == ["c"]
    assert r.zrangebyscore("z", "-inf", "+inf", start=1, num=2) == ["b", "c"]
    assert r.zrevrangebyscore("z", 4, 2) == ["d", "c", "b"]
    assert r.zrevrangebyscore("z", "+inf", "-inf", start=1, num=2, withscores=True) == \
        [("d", 4), ("c", 3)]
    assert c.call("ZRANGE", "z", "(1", "3", "BYSCORE", "WITHSCORES") == [b"b", b"2", b"c", b"3"]
    assert c.call("ZRANGE", "z", "5", "(2", "BYSCORE", "REV", "LIMIT", "1", "-1") == [b"d", b"c"]
    assert c.call("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "-1", "2") == []
    assert c.call("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "10", "2") == []
    assert c.call("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "0", "0") == []
    assert c.call("ZRANGEBYSCORE", "z", "3", "1") == []
    assert err(c.call("ZRANGEBYSCORE", "z", "a", "1")) == "ERR min or max is not a float"
    assert err(c.call("ZRANGEBYSCORE", "z", "1", "2", "LIMIT", "x", "1")) == \
        "ERR value is not an integer or out of range"
    assert err(c.call("ZRANGEBYSCORE", "z", "1", "2", "LIMIT", "1")) == "ERR syntax error"
    assert err(c.call("ZRANGEBYSCORE", "z", "1", "2", "BYSCORE")) == "ERR syntax error"


def test_zrange_bylex(r, c):
    r.zadd("l", {m: 0 for m in ["a", "b", "c", "d", "e", "f"]})
    assert r.zrangebylex("l", "-", "+") == ["a", "b", "c", "d", "e", "f"]
    assert r.zrangebylex("l", "[b", "(e") == ["b", "c", "d"]
    assert r.zrangebylex("l", "(b", "+", start=1, num=2) == ["d", "e"]
    assert r.zrevrangebylex("l", "[e", "(b") == ["e", "d", "c"]
    assert c.call("ZRANGE", "l", "[f", "-", "BYLEX", "REV", "LIMIT", "0", "2") == [b"f", b"e"]
    assert r.zrangebylex("l", "+", "-") == []
    assert err(c.call("ZRANGEBYLEX", "l", "a", "+")) == "ERR min or max not valid string range item"
    assert err(c.call("ZRANGE", "l", "-", "+", "BYLEX", "WITHSCORES")) == \
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"


def test_zrangestore(z5, c):
    r = z5
    assert c.call("ZRANGESTORE", "dst{z}", "z", "1", "2") == 2
    assert r.zrange("dst{z}", 0, -1, withscores=True) == [("b", 2), ("c", 3)]
    assert c.call("ZRANGESTORE", "dst{z}", "z", "4", "(2", "BYSCORE", "REV", "LIMIT", "0", "1") == 1
    assert r.zrange("dst{z}", 0, -1) == ["d"]
    # Cross-shard source/destination (no hash tag).
    assert c.call("ZRANGESTORE", "other", "z", "0", "-1") == 5
    assert r.zcard("other") == 5
    assert c.call("ZRANGESTORE", "other", "nokey", "0", "-1") == 0
    assert r.exists("other") == 0
    assert err(c.call("ZRANGESTORE", "d", "z", "0", "1", "WITHSCORES")) == "ERR syntax error"
    r.set("str", "x")
    assert err(c.call("ZRANGESTORE", "d", "str", "0", "1")) == WRONGTYPE


def test_zremrange(r, c):
    r.zadd("z", {m: i for i, m in enumerate("abcdefgh")})
    assert r.zremrangebyrank("z", 0, 1) == 2
    assert r.zremrangebyrank("z", -1, -1) == 1
    assert r.zrange("z", 0, -1) == ["c", "d", "e", "f", "g"]
    assert r.zremrangebyscore("z", "(2", 4) == 2
    assert r.zrange("z", 0, -1) == ["c", "f", "g"]
    r.zadd("l", {m: 0 for m in "abcde"})
    assert r.zremrangebylex("l", "[b", "(d") == 2
    assert r.zrange("l", 0, -1) == ["a", "d", "e"]
    assert r.zremrangebylex("l", "-", "+") == 3
    assert r.exists("l") == 0
    assert r.zremrangebyrank("nokey", 0, -1) == 0
    assert err(c.call("ZREMRANGEBYRANK", "z", "a", "1")) == \
        "ERR value is not an integer or out of range"
    assert err(c.call("ZREMRANGEBYSCORE", "z", "a", "1")) == "ERR min or max is not a float"
    assert err(c.call("ZREMRANGEBYLEX", "z", "a", "+")) == \
        "ERR min or max not valid string range item"
    r.set("s", "x")
    assert err(c.call("ZREMRANGEBYRANK", "s", "0", "1")) == WRONGTYPE


# --------------------------------------------------------------------------
# Pops


def test_zpop(r, c):
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4})
    assert c.call("ZPOPMIN", "z") == [b"a", b"1"]
    assert c.call("ZPOPMAX", "z", "2") == [b"d", b"4", b"c", b"3"]
    assert c.call("ZPOPMIN", "z", "0") == []
    assert c.call("ZPOPMIN", "z", "10") == [b"b", b"2"]
    assert r.exists("z") == 0
    assert c.call("ZPOPMIN", "z") == []
    assert err(c.call("ZPOPMIN", "z", "-1")) == "ERR value is out of range, must be positive"
    assert err(c.call("ZPOPMIN", "z", "x")) == "ERR value is out of range, must be positive"
    assert err(c.call("ZPOPMIN", "z", "1", "2")) == "ERR syntax error"
    r.set("s", "x")
    assert err(c.call("ZPOPMAX", "s")) == WRONGTYPE


def test_zmpop(r, c):
    r.zadd("z2", {"a": 1, "b": 2, "c": 3})
    assert c.call("ZMPOP", "2", "z1", "z2", "MIN") == [b"z2", [[b"a", b"1"]]]
    assert c.call("ZMPOP", "2", "z1", "z2", "MAX", "COUNT", "5") == \
        [b"z2", [[b"c", b"3"], [b"b", b"2"]]]
    assert r.exists("z2") == 0
    assert c.call("ZMPOP", "2", "z1", "z2", "MIN") is None
    assert err(c.call("ZMPOP", "0", "z", "MIN")) == "ERR numkeys should be greater than 0"
    assert err(c.call("ZMPOP", "x", "z", "MIN")) == "ERR numkeys should be greater than 0"
    assert err(c.call("ZMPOP", "1", "z", "FOO")) == "ERR syntax error"
    assert err(c.call("ZMPOP", "3", "z", "MIN")) == "ERR syntax error"
    assert err(c.call("ZMPOP", "1", "z", "MIN", "COUNT", "0")) == \
        "ERR count should be greater than 0"
    assert err(c.call("ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "2")) == "ERR syntax error"
    r.set("s", "x")
    assert err(c.call("ZMPOP", "2", "nokey", "s", "MIN")) == WRONGTYPE


# --------------------------------------------------------------------------
# Algebra


def test_zunion_inter_diff(r, c):
    # No hash tags: with --shards 4 the keys land on different shards.
    r.zadd("k1", {"a": 1, "b": 2, "c": 3})
    r.zadd("k2", {"b": 10, "c": 20, "d": 30})
    assert r.zunion(["k1", "k2"], withscores=True) == \
        [("a", 1), ("b", 12), ("c", 23), ("d", 30)]
    assert r.zinter(["k1", "k2"], withscores=True) == [("b", 12), ("c", 23)]
    assert r.zinter(["k1", "k2"], aggregate="MIN", withscores=True) == [("b", 2), ("c", 3)]
    assert r.zunion({"k1": 2, "k2": 0.5}, aggregate="MAX", withscores=True) == \
        [("a", 2), ("b", 5), ("c", 10), ("d", 15)]
    assert c.call("ZDIFF", "2", "k1", "k2", "WITHSCORES") == [b"a", b"1"]
    assert r.zdiff(["k1", "nokey"]) == ["a", "b", "c"]
    assert r.zinter(["k1", "nokey"]) == []
    assert r.zunionstore("dst", ["k1", "k2", "nokey"]) == 4
    assert r.zrange("dst", 0, -1, withscores=True) == [("a", 1), ("b", 12), ("c", 23), ("d", 30)]
    assert r.zinterstore("dst", {"k1": 1, "k2": -1}) == 2
    assert r.zrange("dst", 0, -1, withscores=True) == [("c", -17), ("b", -8)]
    assert r.zdiffstore("dst", ["k2", "k1"]) == 1
    assert r.zrange("dst", 0, -1) == ["d"]
    assert r.zinterstore("dst", ["k1", "nokey"]) == 0
    assert r.exists("dst") == 0
    # The destination may be an input.
    assert r.zunionstore("k1", ["k1", "k2"]) == 4
    assert r.zscore("k1", "b") == 12
    assert c.call("ZINTERCARD", "2", "k1", "k2") == 3
    assert c.call("ZINTERCARD", "2", "k1", "k2", "LIMIT", "2") == 2
    assert c.call("ZINTERCARD", "2", "k1", "k2", "LIMIT", "0") == 3


def test_algebra_inf_weights(r):
    r.zadd("i1", {"a": float("inf"), "b": 1})
    r.zadd("i2", {"a": float("-inf"), "b": 1})
    assert r.zunion(["i1", "i2"], withscores=True) == [("a", 0), ("b", 2)]
    assert r.zunion({"i1": 0, "i2": 1}, withscores=True) == [("a", float("-inf")), ("b", 1)]


def test_algebra_errors(r, c):
    r.zadd("k1", {"a": 1})
    assert err(c.call("ZUNIONSTORE", "d", "0", "k1")) == \
        "ERR at least 1 input key is needed for 'zunionstore' command"
    assert err(c.call("ZUNION", "0", "k1")) == "ERR at least 1 input key is needed for 'zunion' command"
    assert err(c.call("ZINTERCARD", "0", "k1")) == \
        "ERR at least 1 input key is needed for 'zintercard' command"
    assert err(c.call("ZUNION", "2", "k1")) == "ERR syntax error"
    assert err(c.call("ZUNION", "x", "k1")) == "ERR value is not an integer or out of range"
    assert err(c.call("ZUNION", "1", "k1", "WEIGHTS", "x")) == "ERR weight value is not a float"
    assert err(c.call("ZUNION", "1", "k1", "WEIGHTS")) == "ERR syntax error"
    assert err(c.call("ZUNION", "1", "k1", "AGGREGATE", "foo")) == "ERR syntax error"
    assert err(c.call("ZDIFF", "1", "k1", "WEIGHTS", "1")) == "ERR syntax error"
    assert err(c.call("ZUNIONSTORE", "d", "1", "k1", "WITHSCORES")) == "ERR syntax error"
    assert err(c.call("ZINTERCARD", "1", "k1", "LIMIT", "-1")) == "ERR LIMIT can't be negative"
    assert err(c.call("ZINTERCARD", "1", "k1", "WITHSCORES")) == "ERR syntax error"
    r.set("s", "x")
    assert err(c.call("ZUNION", "2", "k1", "s")) == WRONGTYPE
    assert err(c.call("ZINTERSTORE", "d", "2", "k1", "s")) == WRONGTYPE


# --------------------------------------------------------------------------
# ZSCAN / ZRANDMEMBER


def test_zscan_small_and_big(r, c):
    r.zadd("small", {"a": 1, "b": 2.5})
    cur, items = c.call("ZSCAN", "small", "0")
    assert cur == b"0" and items == [b"a", b"1", b"b", b"2.5"]
    big = {"m:%d" % i: i for i in range(1000)}
    r.zadd("big", big)
    seen = {}
    cursor = "0"
    calls = 0
    while True:
        cursor, items = c.call("ZSCAN", "big", cursor, "COUNT", "20")
        cursor = cursor.decode()
        calls += 1
        assert len(items) < 2 * 400  # bounded per call
        for i in range(0, len(items), 2):
            seen[items[i].decode()] = float(items[i + 1])
        if cursor == "0":
            break
    assert calls > 1
    assert seen == {k: float(v) for k, v in big.items()}
    _, items = c.call("ZSCAN", "small", "0", "MATCH", "b*")
    assert items == [b"b", b"2.5"]
    assert c.call("ZSCAN", "nokey", "0") == [b"0", []]
    assert err(c.call("ZSCAN", "small", "x")) == "ERR invalid cursor"
    assert err(c.call("ZSCAN", "small", "0", "COUNT", "0")) == "ERR syntax error"
    assert err(c.call("ZSCAN", "small", "0", "FOO", "1")) == "ERR syntax error"


def test_zrandmember(r, c):
    assert c.call("ZRANDMEMBER", "nokey") is None
    assert c.call("ZRANDMEMBER", "nokey", "3") == []
    members = {"m%d" % i: i for i in range(20)}
    r.zadd("z", members)
    assert r.zrandmember("z") in members
    got = r.zrandmember("z", 5)
    assert len(got) == 5 and len(set(got)) == 5 and set(got) <= set(members)
    assert sorted(r.zrandmember("z", 50)) == sorted(members)
    rep = r.zrandmember("z", -30)
    assert len(rep) == 30 and set(rep) <= set(members)
    ws = c.call("ZRANDMEMBER", "z", "3", "WITHSCORES")
    assert len(ws) == 6
    for i in range(0, 6, 2):
        assert float(ws[i + 1]) == members[ws[i].decode()]
    assert c.call("ZRANDMEMBER", "z", "0") == []
    assert err(c.call("ZRANDMEMBER", "z", "x")) == "ERR value is not an integer or out of range"
    assert err(c.call("ZRANDMEMBER", "z", "1", "FOO")) == "ERR syntax error"
    r.set("s", "x")
    assert err(c.call("ZRANDMEMBER", "s")) == WRONGTYPE


# --------------------------------------------------------------------------
# RESP3 shapes


def test_resp3_shapes(r, c3):
    r.zadd("z", {"a": 1, "b": 2.5, "c": 3})
    assert c3.call("ZSCORE", "z", "b") == 2.5
    assert c3.call("ZMSCORE", "z", "a", "x") == [1.0, None]
    assert c3.call("ZRANGE", "z", "0", "1", "WITHSCORES") == [[b"a", 1.0], [b"b", 2.5]]
    assert c3.call("ZRANGE", "z", "0", "1") == [b"a", b"b"]
    assert c3.call("ZINCRBY", "z", "1", "a") == 2.0
    assert c3.call("ZADD", "z", "INCR", "1", "a") == 3.0
    assert c3.call("ZUNION", "1", "z", "WITHSCORES") == [[b"b", 2.5], [b"a", 3.0], [b"c", 3.0]]
    assert c3.call("ZPOPMIN", "z") == [b"b", 2.5]
    assert c3.call("ZPOPMIN", "z", "1") == [[b"a", 3.0]]
    assert c3.call("ZMPOP", "1", "z", "MAX") == [b"z", [[b"c", 3.0]]]
    assert c3.call("ZMPOP", "1", "z", "MAX") is None
    r.zadd("z", {"a": 1})
    assert c3.call("ZRANDMEMBER", "z", "1", "WITHSCORES") == [[b"a", 1.0]]
    assert c3.call("ZSCAN", "z", "0") == [b"0", [b"a", b"1"]]


# --------------------------------------------------------------------------
# Encodings, DUMP/RESTORE, COPY


def test_encoding_conversion(r, c):
    r.zadd("z", {"m%d" % i: i for i in range(128)})
    assert r.object("encoding", "z") == "listpack"
    r.zadd("z", {"one-more": 1000})
    assert r.object("encoding", "z") == "skiplist"
    r.zadd("long", {"x" * 64: 1})
    assert r.object("encoding", "long") == "listpack"
    r.zadd("long", {"y" * 65: 1})
    assert r.object("encoding", "long") == "skiplist"
    # Never converts back.
    r.zremrangebyrank("z", 0, -3)
    assert r.zcard("z") == 2 and r.object("encoding", "z") == "skiplist"
    r.config_set("zset-max-listpack-entries", "0")
    try:
        r.zadd("zero", {"a": 1})
        assert r.object("encoding", "zero") == "skiplist"
    finally:
        r.config_set("zset-max-listpack-entries", "128")


@pytest.mark.parametrize("n", [3, 300])
def test_big_and_small_agree(r, n):
    rnd = random.Random(n)
    ref = {}
    for i in range(n * 3):
        m = "m%d" % rnd.randrange(n)
        s = rnd.choice([rnd.randrange(10), rnd.random() * 100])
        if rnd.random() < 0.2:
            r.zrem("z", m)
            ref.pop(m, None)
        else:
            r.zadd("z", {m: s})
            ref[m] = s
    order = sorted(ref.items(), key=lambda kv: (kv[1], kv[0]))
    assert r.zrange("z", 0, -1, withscores=True) == order
    assert r.zrevrange("z", 0, -1) == [m for m, _ in reversed(order)]
    for i, (m, s) in enumerate(order[:50]):
        assert r.zrank("z", m) == i
        assert r.zrevrank("z", m) == len(order) - 1 - i
    assert r.zcount("z", 2, 50) == sum(1 for _, s in order if 2 <= s <= 50)
    assert r.zrangebyscore("z", "(3", 60) == [m for m, s in order if 3 < s <= 60]


def test_dump_restore_copy(r, rb, server):
    r.zadd("small", {"a": 1, "b": float("inf")})
    r.zadd("big", {"m%d" % i: i / 3 for i in range(500)})
    for key in ("small", "big"):
        payload = rb.dump(key)
        r.restore(key + ":copy", 0, payload)
        assert r.zrange(key + ":copy", 0, -1, withscores=True) == \
            r.zrange(key, 0, -1, withscores=True)
        assert r.object("encoding", key + ":copy") == r.object("encoding", key)
        # Corrupted payloads fail cleanly.
        for bad in (payload[:-1], payload[:5], payload[:len(payload) // 2] + b"\xff" * 3,
                    b"\x03" + b"\x00" * 12):
            with pytest.raises(redis.ResponseError):
                rb.restore("bad", 0, bad)
        assert r.exists("bad") == 0
    assert r.copy("big", "big2") is True
    r.zadd("big2", {"m0": 100})
    assert r.zscore("big", "m0") == 0 and r.zscore("big2", "m0") == 100
    assert r.type("big") == "zset"
    assert server.alive()


def test_sharded_keys_many(r):
    keys = ["zk:%d" % i for i in range(40)]
    for i, k in enumerate(keys):
        r.zadd(k, {"a": i, "b": -i})
    assert r.zunionstore("zk:sum", keys) == 2
    assert r.zscore("zk:sum", "a") == sum(range(40))
    assert r.zinter(keys[:10], withscores=True, aggregate="MAX") == [("b", 0), ("a", 9)]


def test_algebra_with_plain_sets(r, c):
    # Plain sets count as sorted sets whose members all score 1 (Redis).
    r.sadd("pset", "a", "b", "x")
    r.sadd("iset", "1", "2")
    r.zadd("k1", {"a": 2, "b": 3, "1": 5})
    assert r.zunion(["pset", "k1"], withscores=True) == [("x", 1), ("a", 3), ("b", 4), ("1", 5)]
    assert r.zinter(["pset", "k1"], withscores=True) == [("a", 3), ("b", 4)]
    assert r.zinter(["iset", "k1"], withscores=True) == [("1", 6)]
    assert r.zdiff(["pset", "k1"]) == ["x"]
    assert r.zunionstore("dst", {"pset": 2, "iset": 1}) == 5
    assert r.zrange("dst", 0, -1, withscores=True) == \
        [("1", 1), ("2", 1), ("a", 2), ("b", 2), ("x", 2)]
    assert c.call("ZINTERCARD", "2", "pset", "k1") == 2


def _crc64(data):
    # Redis's crc64 (Jones polynomial, reflected), as our DUMP trailer uses.
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x95AC9329AC4BC9B5 if crc & 1 else 0)
    return crc


def test_restore_fuzzed_payloads(r, rb, server):
    if server.is_redis:
        pytest.skip("our DUMP format is not Redis's RDB encoding")
    r.zadd("small", {"a": 1, "bb": 2.5})
    r.zadd("big", {"m%d" % i: i for i in range(200)})
    rnd = random.Random(5)
    for key in ("small", "big"):
        payload = rb.dump(key)
        body, trailer = payload[:-10], payload[-10:]
        assert _crc64(payload[:-8]) == int.from_bytes(payload[-8:], "little")
        version = trailer[:2]
        for _ in range(300):
            b = bytearray(body)
            op = rnd.random()
            if op < 0.5:
                for _ in range(rnd.randint(1, 4)):
                    b[rnd.randrange(1, len(b))] = rnd.randrange(256)
            elif op < 0.8:
                del b[rnd.randrange(1, len(b)):]
            else:
                b += bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 9)))
            data = bytes(b) + version
            data += _crc64(data).to_bytes(8, "little")
            try:
                rb.restore("fz", 0, data, replace=True)
                # Accepted: it must then be a consistent zset.
                n = rb.zcard("fz")
                assert len(rb.zrange("fz", 0, -1)) == n
            except redis.ResponseError:
                pass
    assert server.alive()


# --------------------------------------------------------------------------
# Algebra in Redis's order. Redis stably sorts the inputs of ZUNION/ZINTER by
# cardinality (smallest first) and aggregates in that order, so the order
# decides the last bits of a SUM and 0 vs -0 under MIN/MAX. Weighted scores
# that are NaN (inf * 0) count as 0 for every ZUNION input but only for the
# first (smallest) ZINTER input; later ones go into MIN/MAX raw and lose.
# Keys carry no hash tags: with --shards 4 they span shards.


def test_algebra_sum_rounding_follows_cardinality(r, c):
    r.zadd("one", {"m": 0.3})
    r.zadd("two", {"m": 0.2, "x": 1})
    r.zadd("three", {"m": 0.1, "y": 1, "z": 1})
    # (0.3 + 0.2) + 0.1, not (0.1 + 0.2) + 0.3 as the argument order gives.
    assert c.call("ZUNION", "3", "three", "two", "one", "WITHSCORES")[:2] == [b"m", b"0.59999999999999998"]
    assert c.call("ZINTER", "3", "three", "two", "one", "WITHSCORES") == [b"m", b"0.59999999999999998"]
    assert c.call("ZINTERSTORE", "dst", "3", "three", "two", "one") == 1
    assert c.call("ZSCORE", "dst", "m") == b"0.59999999999999998"
    assert c.call("ZUNIONSTORE", "dst", "3", "one", "three", "two") == 4
    assert c.call("ZSCORE", "dst", "m") == b"0.59999999999999998"


def test_algebra_negzero_follows_cardinality(r, c):
    r.zadd("small", {"m": 0})
    r.zadd("big", {"m": 0, "a": 1, "b": 2})
    # small first: 0, then big's -1 * 0 = -0 does not win MIN (equal).
    assert c.call("ZUNION", "2", "big", "small", "WEIGHTS", "-1", "1", "AGGREGATE", "MIN",
                  "WITHSCORES")[:2] == [b"b", b"-2"]
    assert c.call("ZSCORE", "big", "m") == b"0"
    assert c.call("ZINTER", "2", "big", "small", "WEIGHTS", "-1", "1", "AGGREGATE", "MIN",
                  "WITHSCORES") == [b"m", b"0"]
    assert c.call("ZINTER", "2", "big", "small", "WEIGHTS", "1", "-1", "AGGREGATE", "MAX",
                  "WITHSCORES") == [b"m", b"-0"]
    # Equal cardinality: the sort is stable, so argument order decides.
    r.zadd("eq", {"m": 0})
    assert c.call("ZUNION", "2", "small", "eq", "WEIGHTS", "-1", "1", "AGGREGATE", "MIN",
                  "WITHSCORES") == [b"m", b"-0"]
    assert c.call("ZUNION", "2", "small", "eq", "WEIGHTS", "1", "-1", "AGGREGATE", "MIN",
                  "WITHSCORES") == [b"m", b"0"]


def test_algebra_nan_weights(r, c):
    r.zadd("z4", {"f": float("inf"), "g": float("-inf"), "h": 1})
    assert c.call("ZINTERSTORE", "out", "2", "z4", "z4", "WEIGHTS", "1", "0", "AGGREGATE", "MIN") == 3
    assert c.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == [b"g", b"-inf", b"h", b"0", b"f", b"inf"]
    assert c.call("ZINTER", "2", "z4", "z4", "WEIGHTS", "0", "1", "AGGREGATE", "MAX",
                  "WITHSCORES") == [b"g", b"0", b"h", b"1", b"f", b"inf"]
    # SUM: a NaN term makes the sum NaN, which becomes 0.
    assert c.call("ZINTER", "2", "z4", "z4", "WEIGHTS", "1", "0", "WITHSCORES") == \
        [b"f", b"0", b"g", b"0", b"h", b"1"]
    # ZUNION cleans every input's NaN to 0.
    assert c.call("ZUNION", "2", "z4", "z4", "WEIGHTS", "1", "0", "AGGREGATE", "MIN",
                  "WITHSCORES") == [b"g", b"-inf", b"f", b"0", b"h", b"0"]
    r.zadd("z2", {"a": 1, "b": 2, "2": 3, "c": 4})
    r.zadd("zlex", {"2": 0, "a": 0, "b": 0, "c": 0, "d": 0})
    assert c.call("ZINTERSTORE", "z5", "2", "z2", "zlex", "WEIGHTS", "-1", "inf") == 4
    assert c.call("ZRANGE", "z5", "0", "-1", "WITHSCORES") == [b"2", b"0", b"a", b"0", b"b", b"0", b"c", b"0"]
    assert c.call("ZINTER", "3", "z2", "z2", "zlex", "WEIGHTS", "inf", "-1", "inf", "AGGREGATE", "MAX",
                  "WITHSCORES") == [b"2", b"inf", b"a", b"inf", b"b", b"inf", b"c", b"inf"]


def test_algebra_store_negzero_by_encoding(r, c):
    # A small result is stored as a listpack, where -0 reads back as 0; a
    # skiplist result keeps -0.
    r.zadd("src", {"m": 0, "n": 1})
    assert c.call("ZUNIONSTORE", "dst", "1", "src", "WEIGHTS", "-1") == 2
    assert c.call("ZSCORE", "dst", "m") == b"0"
    assert c.call("ZUNION", "1", "src", "WEIGHTS", "-1", "WITHSCORES") == [b"n", b"-1", b"m", b"-0"]
    r.zadd("src", {"L" * 70: 5})
    assert c.call("ZUNIONSTORE", "dst", "1", "src", "WEIGHTS", "-1") == 3
    assert c.call("ZSCORE", "dst", "m") == b"-0"


def test_zrangestore_negzero_by_conversion_point(r, c):
    # ZRANGESTORE fills a listpack in range order and converts it when a long
    # member arrives: the -0 scores before it read back as 0, later ones stay.
    long = "L" * 70
    r.zadd("src", {long: 0})  # skiplist from the start: keeps -0
    assert c.call("ZADD", "src", "-0", "A", "-0", "B", "-0", "a", "-0", "b") == 4
    assert c.call("ZSCORE", "src", "A") == b"-0"
    assert c.call("ZRANGESTORE", "dst", "src", "-1", "1", "BYSCORE") == 5
    assert c.call("ZRANGE", "dst", "0", "-1", "WITHSCORES") == \
        [b"A", b"0", b"B", b"0", long.encode(), b"0", b"a", b"-0", b"b", b"-0"]
    assert c.call("ZRANGESTORE", "dst", "src", "0", "-1", "REV") == 5
    assert c.call("ZRANGE", "dst", "0", "-1", "WITHSCORES") == \
        [b"A", b"-0", b"B", b"-0", long.encode(), b"0", b"a", b"0", b"b", b"0"]
    # More members than zset-max-listpack-entries (128): a rank range starts
    # as a skiplist (all -0 kept); a score range converts at the 129th.
    r.delete("src")
    r.zadd("src", {long: 0})
    args = []
    for i in range(130):
        args += ["-0", "m%03d" % i]
    assert c.call("ZADD", "src", *args) == 130
    assert c.call("ZREM", "src", long) == 1  # stays a skiplist
    assert c.call("ZRANGESTORE", "dst", "src", "0", "-1") == 130
    assert c.call("ZSCORE", "dst", "m000") == b"-0"
    assert c.call("ZRANGESTORE", "dst", "src", "-1", "1", "BYSCORE") == 130
    assert [c.call("ZSCORE", "dst", m) for m in ("m000", "m127", "m128", "m129")] == \
        [b"0", b"0", b"-0", b"-0"]
    assert c.call("ZRANGESTORE", "dst", "src", "1", "-1", "BYSCORE", "REV") == 130
    assert [c.call("ZSCORE", "dst", m) for m in ("m129", "m002", "m001", "m000")] == \
        [b"0", b"0", b"-0", b"-0"]


def test_zintercard_limit_and_zincrby_flags(r, c):
    r.zadd("z", {"a": 1})
    for bad in ("abc", "-1", "1.5", ""):
        assert err(c.call("ZINTERCARD", "1", "z", "LIMIT", bad)) == "ERR LIMIT can't be negative"
    # ZINCRBY goes through ZADD's flag parser: a flag leaves one argument.
    for flag in ("CH", "nx", "XX", "gt", "LT", "incr"):
        assert err(c.call("ZINCRBY", "z", flag, "-5")) == "ERR syntax error"
        assert err(c.call("ZINCRBY", "z", flag, "a")) == "ERR syntax error"
    assert err(c.call("ZINCRBY", "z", "x", "a")) == "ERR value is not a valid float"
    r.set("s", "v")
    assert err(c.call("ZINCRBY", "s", "CH", "a")) == "ERR syntax error"
    assert err(c.call("ZINCRBY", "s", "1", "a")) == WRONGTYPE
    assert c.call("ZINCRBY", "z", "1", "a") == b"2"
