# YottaStore. Licensed under the Apache License 2.0.
# Keys on disk only after a restart ("cold", src/server/shard_store.h): every
# command must see them as present, including the ones that touch a key in
# another db (MOVE, COPY ... DB), and keyspace-wide commands must count them.
import pytest

from persist_util import pserver, yotta_only  # noqa: F401  (fixtures)


def restarted(pserver, setup):
    s = pserver("--persistence", "always")
    setup(s.client())
    s.restart(kill=True)
    return s, s.client()


def test_move_to_a_db_where_the_key_is_cold_refuses(yotta_only, pserver):
    def setup(c):
        c.set("k", "db0")
        c.execute_command("SELECT", 1)
        c.set("k", "db1")

    s, c = restarted(pserver, setup)
    assert c.move("k", 1) is False  # the db 1 copy is cold, not absent
    assert c.get("k") == "db0"
    c.execute_command("SELECT", 1)
    assert c.get("k") == "db1"


def test_copy_db_to_a_cold_destination(yotta_only, pserver):
    def setup(c):
        c.set("src", "new")
        c.execute_command("SELECT", 2)
        c.set("dst", "old")

    s, c = restarted(pserver, setup)
    assert c.copy("src", "dst", destination_db=2) is False
    assert c.copy("src", "dst", destination_db=2, replace=True) is True
    c.execute_command("SELECT", 2)
    assert c.get("dst") == "new"


def test_cold_keys_in_every_kind_of_command(yotta_only, pserver):
    def setup(c):
        c.mset({"a": "1", "b": "2", "{t}x": "3", "{t}y": "4"})
        c.rpush("list", "x", "y")
        c.set("ttl", "v", ex=1000)

    s, c = restarted(pserver, setup)
    assert c.dbsize() == 6
    assert c.mget("a", "b", "missing") == ["1", "2", None]  # multi-shard
    assert c.exists("a", "b", "missing", "missing") == 2
    assert c.rename("{t}x", "{t}z") is True                  # same-slot pair
    assert c.get("{t}z") == "3" and c.get("{t}x") is None
    assert c.incr("a") == 2
    assert 990 <= c.ttl("ttl") <= 1000
    p = c.pipeline(transaction=True)
    p.lpop("list")
    p.get("b")
    assert p.execute() == ["x", "2"]
    assert sorted(c.keys("*")) == ["a", "b", "list", "ttl", "{t}y", "{t}z"]
    assert c.dbsize() == 6
    seen = set()
    cursor = 0
    while True:
        cursor, keys = c.scan(cursor, count=2)
        seen.update(keys)
        if cursor == 0:
            break
    assert seen == {"a", "b", "list", "ttl", "{t}y", "{t}z"}
    assert set(c.scan_iter(_type="list")) == {"list"}
    assert c.randomkey() in seen
    c.flushdb()
    assert c.dbsize() == 0 and c.get("a") is None and c.keys("*") == []
