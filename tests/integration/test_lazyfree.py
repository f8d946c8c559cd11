# YottaStore. Licensed under the Apache License 2.0.
# UNLINK and FLUSHALL/FLUSHDB ASYNC: the keyspace changes at once, the memory
# is released in the background (INFO memory lazyfree_pending_objects drains
# to 0), and the server keeps serving meanwhile.
import time

import pytest


def wait_no_pending(r):
    deadline = time.time() + 10
    while time.time() < deadline:
        if int(r.info("memory")["lazyfree_pending_objects"]) == 0:
            return True
        time.sleep(0.02)
    return False


def fill_list(r, key, n):
    p = r.pipeline(transaction=False)
    for start in range(0, n, 1000):
        p.rpush(key, *range(start, start + 1000))
    p.execute()


def test_unlink_big_list(r):
    fill_list(r, "big", 200000)
    r.set("small", "x")
    assert r.unlink("big", "small", "missing") == 2
    assert r.exists("big") == 0
    assert r.dbsize() == 0
    assert wait_no_pending(r)
    r.rpush("big", "again")
    assert r.lrange("big", 0, -1) == ["again"]


def test_flushall_async(r):
    fill_list(r, "l", 10000)
    r.mset({"k%d" % i: i for i in range(2000)})
    assert r.flushall(asynchronous=True) is True
    assert r.dbsize() == 0
    r.set("after", "1")
    assert r.get("after") == "1"
    assert wait_no_pending(r)


def test_flushdb_async_only_that_db(r, server):
    r.mset({"a%d" % i: i for i in range(500)})
    other = server.client(decode_responses=True, db=1)
    other.set("keep", "1")
    assert r.flushdb(asynchronous=True) is True
    assert r.dbsize() == 0
    assert other.get("keep") == "1"
    other.flushdb()
    other.close()


def test_flush_mode_syntax(r):
    import redis
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("FLUSHALL", "LATER")
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("FLUSHDB", "ASYNC", "SYNC")
