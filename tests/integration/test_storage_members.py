# YottaStore. Licensed under the Apache License 2.0.
# Big collections on disk element by element (src/commands/member_codec.h):
# a hash, set or sorted set over 512 elements is one RocksDB record per
# element, and the element-writing commands (HSET, HDEL, SADD, SREM, ZADD,
# ZREM, ZINCRBY, HINCRBY ...) write only the elements they name. These tests
# change big collections in every way (named elements, whole-key commands,
# expiry, shrinking below the threshold, deletion and re-creation) and check
# after a SIGKILL + restart that memory and disk agreed.
import pytest

from persist_util import pserver, yotta_only  # noqa: F401  (fixtures)

N = 700  # over the 512-element threshold


def fill(c):
    c.hset("big:h", mapping={"f%d" % i: "v%d" % i for i in range(N)})
    c.sadd("big:s", *["m%d" % i for i in range(N)])
    c.zadd("big:z", {"z%d" % i: i * 1.5 for i in range(N)})


def snapshot(c):
    return {
        "h": c.hgetall("big:h"),
        "s": c.smembers("big:s"),
        "z": c.zrange("big:z", 0, -1, withscores=True),
        "ttl_h": c.ttl("big:h") > 0,
        "exists": c.exists("big:h", "big:s", "big:z", "gone:h"),
    }


def restart_and_compare(s, c, want):
    s.restart(kill=True)  # persistence always: acknowledged is durable
    c2 = s.client()
    got = snapshot(c2)
    assert got == want
    return c2


def test_element_writes_survive_restart(yotta_only, pserver):
    s = pserver("--persistence", "always")
    c = s.client()
    fill(c)
    # Element commands on the big keys (the cheap path).
    c.hset("big:h", mapping={"f1": "changed", "new1": "x"})
    c.hdel("big:h", "f2", "f3", "absent")
    c.hincrby("big:h", "counter", 5)
    c.hsetnx("big:h", "f4", "not-set")
    c.hsetnx("big:h", "nx-new", "set")
    c.srem("big:s", "m1", "m2")
    c.sadd("big:s", "added")
    c.zadd("big:z", {"z1": 100.0, "znew": -1.0})
    c.zadd("big:z", {"z5": 7.0}, xx=True, ch=True)
    c.zincrby("big:z", 2.5, "z6")
    c.zrem("big:z", "z7")
    c.expire("big:h", 1000)
    want = snapshot(c)
    c2 = restart_and_compare(s, c, want)
    # And again after the restart: the elements came back from the element
    # records, under the same version.
    c2.hset("big:h", "f10", "after-restart")
    c2.srem("big:s", "m10")
    c2.zadd("big:z", {"z10": 0.25})
    restart_and_compare(s, c2, snapshot(c2))


def test_whole_key_commands_rewrite_big_keys(yotta_only, pserver):
    s = pserver("--persistence", "always")
    c = s.client()
    fill(c)
    c.spop("big:s", 5)                    # no named elements: whole key
    c.zpopmin("big:z", 3)
    c.zremrangebyscore("big:z", 10, 20)
    c.rename("big:h", "tmp:h")
    c.rename("tmp:h", "big:h")
    c.persist("big:h")
    want = snapshot(c)
    restart_and_compare(s, c, want)


def test_shrink_delete_and_recreate(yotta_only, pserver):
    s = pserver("--persistence", "always")
    c = s.client()
    fill(c)
    # Below the threshold: stored as one record again.
    c.hdel("big:h", *["f%d" % i for i in range(N - 10)])
    # Deleted and re-created small: the old elements must not come back.
    c.delete("big:s")
    c.sadd("big:s", "only")
    # Deleted and re-created big with other elements.
    c.delete("big:z")
    c.zadd("big:z", {"other%d" % i: i for i in range(N)})
    c.hset("gone:h", mapping={"g%d" % i: i for i in range(N)})
    c.delete("gone:h")
    want = snapshot(c)
    assert want["h"] == {"f%d" % i: "v%d" % i for i in range(N - 10, N)}
    assert want["s"] == {"only"}
    assert want["exists"] == 3
    restart_and_compare(s, c, want)


def test_big_collection_in_multi_is_atomic_with_other_keys(yotta_only, pserver):
    s = pserver("--persistence", "always")
    c = s.client()
    fill(c)
    p = c.pipeline(transaction=True)
    p.hset("big:h", "txn", "1")
    p.set("plain", "1")
    p.sadd("big:s", "txn")
    p.execute()
    want = snapshot(c)
    s.restart(kill=True)  # always: acknowledged means durable, no sleep
    c2 = s.client()
    assert c2.hget("big:h", "txn") == "1"
    assert c2.get("plain") == "1"
    assert c2.sismember("big:s", "txn")
    assert snapshot(c2) == want
