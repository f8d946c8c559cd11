# YottaStore. Licensed under the Apache License 2.0.
# Blocking list commands: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP -- immediate
# replies, waking by pushes from other clients (also from another shard's
# atomic command), FIFO order among waiters, decimal timeouts, 0 = forever,
# errors, disconnects while blocked, and a blocked client never stalling
# the others. Blocked clients are raw sockets: a command is sent, and its
# reply read only once the test has made it possible.
# Runs against yottastore (--shards 1 / 4) and redis-server (--target redis).
import time

import pytest

from resp_raw import Error, RawClient
from wire import SYNTAX, WRONGTYPE



@pytest.fixture
def clients(server, r):
    """Factory of raw clients on the flushed server, closed after the test."""
    made = []

    def make():
        c = RawClient(server.port)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def keys(prefix, n):
    # No hash tags: with --shards 4 these spread over every shard.
    return ["%s:%d" % (prefix, i) for i in range(n)]


def blocked(r):
    return r.info("clients")["blocked_clients"]


def wait_blocked(r, n, timeout=5):
    """Waits until exactly n clients are blocked (so their order is known)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if blocked(r) == n:
            return
        time.sleep(0.005)
    raise AssertionError("expected %d blocked clients, have %d" % (n, blocked(r)))


def block(c, r, n, *cmd):
    """Sends a blocking command on raw client c and waits until it blocks."""
    c.send_cmd(*cmd)
    wait_blocked(r, n)


# --------------------------------------------------------------------------
# Served at once


def test_immediate_replies(r, clients):
    c = clients()
    r.rpush("b", "1", "2", "3")
    assert c.call("BLPOP", "a", "b", 0) == [b"b", b"1"]
    assert c.call("BRPOP", "a", "b", 0) == [b"b", b"3"]
    assert c.call("BLMOVE", "b", "d", "LEFT", "RIGHT", 0) == b"2"
    assert r.exists("b") == 0
    assert c.call("BRPOPLPUSH", "d", "e", 0) == b"2"
    r.rpush("m", *"abcde")
    assert c.call("BLMPOP", 0, 2, "none", "m", "RIGHT", "COUNT", 2) == [b"m", [b"e", b"d"]]
    assert c.call("BLMPOP", 0, 1, "m", "LEFT") == [b"m", [b"a"]]


def test_first_nonempty_key_in_argument_order(r, clients):
    c = clients()
    ks = keys("order", 8)
    r.rpush(ks[6], "six")
    r.rpush(ks[2], "two")
    assert c.call("BLPOP", *ks, 0) == [ks[2].encode(), b"two"]
    assert c.call("BLPOP", *ks, 0) == [ks[6].encode(), b"six"]


def test_errors(r, clients):
    c = clients()
    r.set("s", "v")
    assert c.call("BLPOP", "s", 0) == WRONGTYPE
    assert c.call("BLPOP", "none", "s", 0) == WRONGTYPE
    assert c.call("BLMOVE", "s", "d", "LEFT", "LEFT", 0) == WRONGTYPE
    assert c.call("BLMPOP", 0, 2, "none", "s", "LEFT") == WRONGTYPE
    assert c.call("BLPOP", "k", -1) == Error("ERR timeout is negative")
    assert c.call("BLPOP", "k", "x") == Error("ERR timeout is not a float or out of range")
    assert c.call("BRPOPLPUSH", "a", "b", "nan") == Error("ERR timeout is not a float or out of range")
    assert c.call("BLMOVE", "a", "b", "UP", "LEFT", 0) == SYNTAX
    assert c.call("BLMOVE", "a", "b", "LEFT", "LEFT", "x") == Error(
        "ERR timeout is not a float or out of range")
    # BLMPOP checks numkeys, direction and COUNT before the timeout.
    assert c.call("BLMPOP", "x", 0, "k", "LEFT") == Error("ERR numkeys should be greater than 0")
    assert c.call("BLMPOP", "x", 1, "k", "MIDDLE") == SYNTAX
    assert c.call("BLMPOP", "x", 1, "k", "LEFT") == Error("ERR timeout is not a float or out of range")
    assert c.call("BLMPOP", 0, 1, "k", "LEFT", "COUNT", 0) == Error("ERR count should be greater than 0")
    # A non-list destination only matters once something can be moved.
    r.rpush("src", "x")
    assert c.call("BLMOVE", "src", "s", "LEFT", "LEFT", 0) == WRONGTYPE
    assert r.lrange("src", 0, -1) == ["x"]
    assert blocked(r) == 0


# --------------------------------------------------------------------------
# Timeouts


def test_decimal_timeout(r, clients):
    c = clients()
    t = time.time()
    assert c.call("BLPOP", "none", 0.2) is None
    took = time.time() - t
    assert 0.15 <= took < 2.0
    t = time.time()
    assert c.call("BLMOVE", "none", "d", "LEFT", "LEFT", "0.05") is None
    assert c.call("BLMPOP", "0.05", 1, "none", "LEFT") is None
    assert c.call("BRPOPLPUSH", "none", "d", ".05") is None
    assert time.time() - t < 2.0
    assert r.exists("d") == 0
    assert blocked(r) == 0


def test_timeout_reply_shapes(server, r, clients):
    c = clients()
    c.send_cmd("BLPOP", "none", 0.01)
    assert c.read_raw(5) == b"*-1\r\n"
    c.send_cmd("BLMOVE", "none", "d", "LEFT", "LEFT", 0.01)
    assert c.read_raw(5) == b"*-1\r\n"  # Redis replies a nil array to every timed-out pop
    c3 = clients()
    c3.call("HELLO", 3)
    c3.send_cmd("BRPOP", "none", 0.01)
    assert c3.read_raw(3) == b"_\r\n"


def test_zero_timeout_served_later(r, clients):
    c = clients()
    block(c, r, 1, "BLPOP", "later", 0)
    time.sleep(0.3)
    assert blocked(r) == 1
    assert r.rpush("later", "v") == 1
    assert c.read() == [b"later", b"v"]
    assert r.exists("later") == 0
    assert blocked(r) == 0


# --------------------------------------------------------------------------
# Order among waiters


def test_fifo_among_three_waiters(r, clients):
    cs = [clients() for _ in range(3)]
    for i, c in enumerate(cs):
        block(c, r, i + 1, "BLPOP", "q", 0)
    assert r.rpush("q", "a", "b", "c") == 3  # one push serves all three, in blocking order
    assert [c.read() for c in cs] == [[b"q", b"a"], [b"q", b"b"], [b"q", b"c"]]
    assert r.exists("q") == 0
    for i, c in enumerate(cs):
        block(c, r, i + 1, "BRPOP", "q", 0)
    for v in ("x", "y", "z"):
        r.lpush("q", v)
    assert [c.read() for c in cs] == [[b"q", b"x"], [b"q", b"y"], [b"q", b"z"]]


def test_one_element_wakes_only_the_first(r, clients):
    c1, c2 = clients(), clients()
    block(c1, r, 1, "BLPOP", "one", 0)
    block(c2, r, 2, "BLPOP", "one", 0)
    r.rpush("one", "only")
    assert c1.read() == [b"one", b"only"]
    time.sleep(0.05)
    assert blocked(r) == 1  # c2 still waits
    r.rpush("one", "next")
    assert c2.read() == [b"one", b"next"]


def test_waiter_on_many_keys_across_shards(r, clients):
    c = clients()
    ks = keys("many", 16)
    block(c, r, 1, "BLPOP", *ks, 0)
    r.rpush(ks[11], "hit")
    assert c.read() == [ks[11].encode(), b"hit"]
    for k in ks:  # served once: the other keys' queues forget it
        r.rpush(k, "later")
    time.sleep(0.05)
    assert all(r.llen(k) == 1 for k in ks)
    assert blocked(r) == 0


def test_blmpop_blocks_and_pops_count(r, clients):
    c = clients()
    ks = keys("mp", 6)
    block(c, r, 1, "BLMPOP", 0, len(ks), *ks, "RIGHT", "COUNT", 3)
    r.rpush(ks[4], *"abcde")
    assert c.read() == [ks[4].encode(), [b"e", b"d", b"c"]]
    assert r.lrange(ks[4], 0, -1) == ["a", "b"]


# --------------------------------------------------------------------------
# BLMOVE / BRPOPLPUSH


def test_blmove_blocks_then_moves_across_shards(r, clients):
    srcs, dsts = keys("bsrc", 8), keys("bdst", 8)
    cs = [clients() for _ in srcs]
    for i, (c, s, d) in enumerate(zip(cs, srcs, dsts)):
        block(c, r, i + 1, "BLMOVE", s, d, "RIGHT", "LEFT", 0)
    for i, s in enumerate(srcs):
        r.rpush(s, "first%d" % i, "last%d" % i)
    for i, (c, s, d) in enumerate(zip(cs, srcs, dsts)):
        assert c.read() == b"last%d" % i
        assert r.lrange(d, 0, -1) == ["last%d" % i]
        assert r.lrange(s, 0, -1) == ["first%d" % i]


def test_brpoplpush_into_a_key_others_wait_for(r, clients):
    mover, popper = clients(), clients()
    block(mover, r, 1, "BRPOPLPUSH", "stage1", "stage2", 0)
    block(popper, r, 2, "BLPOP", "stage2", 0)
    r.rpush("stage1", "job")
    assert mover.read() == b"job"
    assert popper.read() == [b"stage2", b"job"]
    assert r.exists("stage1") == 0 and r.exists("stage2") == 0


def test_blmove_same_key(r, clients):
    c = clients()
    block(c, r, 1, "BLMOVE", "rot", "rot", "LEFT", "RIGHT", 0)
    r.rpush("rot", "a", "b")
    assert c.read() == b"a"
    assert r.lrange("rot", 0, -1) == ["b", "a"]


def test_blmove_wrongtype_destination_when_served(r, clients):
    c = clients()
    r.set("notlist", "v")
    block(c, r, 1, "BLMOVE", "src", "notlist", "LEFT", "LEFT", 0)
    r.rpush("src", "x")
    assert c.read() == WRONGTYPE
    assert r.lrange("src", 0, -1) == ["x"]
    assert r.get("notlist") == "v"


# --------------------------------------------------------------------------
# Who wakes waiters


def test_woken_by_atomic_commands_of_other_shards(r, clients):
    waits, srcs = keys("w", 6), keys("from", 6)
    cs = [clients() for _ in waits]
    for i, (c, w) in enumerate(zip(cs, waits)):
        block(c, r, i + 1, "BLPOP", w, 0)
    for s in srcs:
        r.rpush(s, "moved-" + s)
    for s, w in zip(srcs[:3], waits[:3]):
        assert r.lmove(s, w, "LEFT", "RIGHT") == "moved-" + s
    for s, w in zip(srcs[3:], waits[3:]):
        assert r.rpoplpush(s, w) == "moved-" + s
    for c, w, s in zip(cs, waits, srcs):
        assert c.read() == [w.encode(), ("moved-" + s).encode()]
    assert blocked(r) == 0


def test_woken_by_multi_exec(r, clients):
    c = clients()
    ks = keys("tx", 4)
    block(c, r, 1, "BLPOP", ks[3], 0)
    pipe = r.pipeline(transaction=True)
    for k in ks:
        pipe.rpush(k, "v-" + k)
    pipe.execute()
    assert c.read() == [ks[3].encode(), ("v-" + ks[3]).encode()]


def test_blocking_in_multi_does_not_block(r):
    pipe = r.pipeline(transaction=True)
    pipe.blpop("none", 0)
    pipe.brpoplpush("none", "d", 0)
    pipe.execute_command("BLMPOP", 0, 1, "none", "LEFT")
    assert pipe.execute() == [None, None, None]


def test_key_of_another_type_keeps_waiting(r, clients):
    c = clients()
    block(c, r, 1, "BLPOP", "typed", 0)
    r.set("typed", "string")
    r.delete("typed")
    r.zadd("typed", {"m": 1})  # a sorted set also wakes waiters: not a list
    time.sleep(0.05)
    assert blocked(r) == 1
    r.delete("typed")
    r.rpush("typed", "finally")
    assert c.read() == [b"typed", b"finally"]


def test_waiters_per_database(r, clients):
    c = clients()
    assert c.call("SELECT", 1) == "OK"
    block(c, r, 1, "BLPOP", "dbkey", 0)
    r.rpush("dbkey", "db0")  # same name, db 0: not for the waiter
    time.sleep(0.05)
    assert blocked(r) == 1
    other = clients()
    other.call("SELECT", 1)
    assert other.call("RPUSH", "dbkey", "db1") == 1
    assert c.read() == [b"dbkey", b"db1"]
    assert r.lrange("dbkey", 0, -1) == ["db0"]


def test_blmove_waiters_fifo(r, clients):
    # Hash tags: source and destinations on one shard, so each move is served
    # where the source lives, in blocking order.
    dsts = ["{f}dst%d" % i for i in range(3)]
    cs = [clients() for _ in dsts]
    for i, (c, d) in enumerate(zip(cs, dsts)):
        block(c, r, i + 1, "BLMOVE", "{f}src", d, "LEFT", "RIGHT", 0)
    r.rpush("{f}src", "a", "b", "c", "d")
    assert [c.read() for c in cs] == [b"a", b"b", b"c"]
    assert [r.lrange(d, 0, -1) for d in dsts] == [["a"], ["b"], ["c"]]
    assert r.lrange("{f}src", 0, -1) == ["d"]


def test_blmove_waiters_across_shards_fifo(r, clients):
    # Destinations on other shards: each waiter moves exactly one element, in
    # the order they blocked (a cross-shard move holds the rest of the queue).
    dsts = keys("xdst", 4)
    cs = [clients() for _ in dsts]
    for i, (c, d) in enumerate(zip(cs, dsts)):
        block(c, r, i + 1, "BLMOVE", "xsrc", d, "LEFT", "RIGHT", 0)
    r.rpush("xsrc", "a", "b", "c", "d", "e")
    got = [c.read() for c in cs]
    assert got == [b"a", b"b", b"c", b"d"]
    for c, d, v in zip(cs, dsts, got):
        assert r.lrange(d, 0, -1) == [v.decode()]
    assert r.lrange("xsrc", 0, -1) == ["e"]
    assert blocked(r) == 0


# --------------------------------------------------------------------------
# Robustness


def test_disconnect_while_blocked(server, r, clients):
    for i in range(5):
        c = RawClient(server.port)
        c.send_cmd("BLPOP", "gone", "gone2", 0)
        wait_blocked(r, 1)
        c.close()
        wait_blocked(r, 0)
    r.rpush("gone", "kept")
    time.sleep(0.05)
    assert r.lrange("gone", 0, -1) == ["kept"]
    assert server.alive()


def test_blocked_client_does_not_stall_others(r, clients):
    c = clients()
    block(c, r, 1, "BLPOP", "park", 0)
    t = time.time()
    for i in range(200):  # same shard as "park" with --shards 1, all shards with 4
        r.set("k%d" % i, i)
        assert r.get("k%d" % i) == str(i)
        r.rpush("other%d" % i, "x")
    assert time.time() - t < 5
    assert blocked(r) == 1
    r.rpush("park", "done")
    assert c.read() == [b"park", b"done"]


def test_timeout_and_push_race(r, clients):
    # Many short waits racing pushes: every client gets exactly one reply,
    # every element is either delivered or still in the list.
    cs = [clients() for _ in range(10)]
    for c in cs:
        c.send_cmd("BLPOP", "race", 0.05)
    time.sleep(0.03)
    r.rpush("race", *range(5))
    got = [c.read() for c in cs]
    delivered = [x[1] for x in got if x is not None]
    left = r.lrange("race", 0, -1)
    assert sorted(delivered + [v.encode() for v in left]) == [str(i).encode() for i in range(5)]
    for c in cs:  # each connection is still usable and in step
        assert c.call("PING") == "PONG"
