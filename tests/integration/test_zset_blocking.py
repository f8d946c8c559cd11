# YottaStore. Licensed under the Apache License 2.0.
# Blocking sorted-set pops: BZPOPMIN BZPOPMAX BZMPOP serve at once when
# data exists, block until a ZADD (from another client, possibly on another
# shard) makes a key ready, time out with a null array, and report errors.
import threading
import time

from resp_raw import Error, RawClient

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def later(server, delay, *cmd):
    def run():
        time.sleep(delay)
        cl = RawClient(server.port)
        cl.call(*cmd)
        cl.close()
    t = threading.Thread(target=run)
    t.start()
    return t


def test_immediate_pops(server, r):
    c = RawClient(server.port)
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert c.call("BZPOPMIN", "nokey", "z", "0") == [b"z", b"a", b"1"]
    assert c.call("BZPOPMAX", "z", "0") == [b"z", b"c", b"3"]
    assert c.call("BZMPOP", "0", "2", "nokey", "z", "MIN", "COUNT", "5") == [b"z", [[b"b", b"2"]]]
    assert r.exists("z") == 0
    c.close()


def test_block_then_served(server, r):
    # No hash tags: with --shards 4 the two keys live on different shards.
    c = RawClient(server.port)
    t = later(server, 0.2, "ZADD", "k2", "5", "m")
    start = time.time()
    assert c.call("BZPOPMIN", "k1", "k2", "5") == [b"k2", b"m", b"5"]
    assert time.time() - start < 4
    t.join()
    assert r.exists("k2") == 0
    t = later(server, 0.2, "ZADD", "k1", "1", "x", "2", "y")
    assert c.call("BZMPOP", "5", "2", "k1", "k2", "MAX", "COUNT", "10") == \
        [b"k1", [[b"y", b"2"], [b"x", b"1"]]]
    t.join()
    c.close()


def test_timeout_and_resp3(server, r):
    c = RawClient(server.port)
    start = time.time()
    assert c.call("BZPOPMIN", "nokey", "0.2") is None
    assert time.time() - start >= 0.15
    assert c.call("BZMPOP", "0.1", "1", "nokey", "MIN") is None
    c.call("HELLO", "3")
    r.zadd("z", {"a": 1.5})
    assert c.call("BZPOPMAX", "z", "1") == [b"z", b"a", 1.5]
    r.zadd("z", {"a": 1.5})
    assert c.call("BZMPOP", "1", "1", "z", "MIN") == [b"z", [[b"a", 1.5]]]
    assert c.call("BZPOPMIN", "nokey", "0.1") is None
    c.close()


def test_errors(server, r):
    c = RawClient(server.port)
    r.set("s", "x")
    assert c.call("BZPOPMIN", "s", "0") == Error(WRONGTYPE)
    assert c.call("BZMPOP", "0", "1", "s", "MIN") == Error(WRONGTYPE)
    assert c.call("BZPOPMIN", "z", "-1") == Error("ERR timeout is negative")
    assert c.call("BZPOPMIN", "z", "x") == Error("ERR timeout is not a float or out of range")
    assert c.call("BZMPOP", "0", "0", "z", "MIN") == Error("ERR numkeys should be greater than 0")
    assert c.call("BZMPOP", "0", "1", "z", "FOO") == Error("ERR syntax error")
    assert c.call("BZMPOP", "x", "1", "z", "MIN") == \
        Error("ERR timeout is not a float or out of range")
    assert c.call("BZMPOP", "0", "1", "z", "MIN", "COUNT", "0") == \
        Error("ERR count should be greater than 0")
    assert c.call("BZPOPMIN", "z") == Error("ERR wrong number of arguments for 'bzpopmin' command")
    c.close()


def test_fifo_between_waiters(server, r):
    a = RawClient(server.port)
    b = RawClient(server.port)
    a.send_cmd("BZPOPMIN", "q", "5")
    time.sleep(0.1)
    b.send_cmd("BZPOPMIN", "q", "5")
    time.sleep(0.1)
    r.zadd("q", {"x": 1})
    assert a.read() == [b"q", b"x", b"1"]
    r.zadd("q", {"y": 2})
    assert b.read() == [b"q", b"y", b"2"]
    a.close()
    b.close()


def test_in_multi_does_not_block(server, r):
    c = RawClient(server.port)
    assert c.call("MULTI") == "OK"
    assert c.call("BZPOPMIN", "nokey", "0") == "QUEUED"
    assert c.call("BZMPOP", "0", "1", "nokey", "MIN") == "QUEUED"
    assert c.call("ZADD", "nokey", "1", "a") == "QUEUED"
    assert c.call("EXEC") == [None, None, 1]
    c.close()
