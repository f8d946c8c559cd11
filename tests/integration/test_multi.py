# YottaStore. Licensed under the Apache License 2.0.
# MULTI/EXEC/DISCARD/WATCH/UNWATCH: queueing, EXECABORT, runtime errors,
# optimistic locking, atomicity across shards, and blocked clients served
# after EXEC. Every expectation also holds against redis-server.
import threading
import time

import pytest
import redis

from resp_raw import Error


def dec(x):
    """Bulk strings as str, recursively (errors and integers unchanged)."""
    if isinstance(x, bytes):
        return x.decode()
    if isinstance(x, list):
        return [dec(v) for v in x]
    return x


class Raw:
    def __init__(self, raw):
        self.raw = raw

    def cmd(self, *args):
        return dec(self.raw.call(*args))

    def pipeline(self, cmds):
        from resp_raw import encode
        self.raw.send(b"".join(encode(*c) for c in cmds))
        return [dec(self.raw.read()) for _ in cmds]


@pytest.fixture
def rc(raw, r):
    return Raw(raw)


def test_exec_runs_queue(rc):
    assert rc.cmd("MULTI") == "OK"
    assert rc.cmd("SET", "a", "1") == "QUEUED"
    assert rc.cmd("INCR", "a") == "QUEUED"
    assert rc.cmd("GET", "a") == "QUEUED"
    assert rc.cmd("EXEC") == ["OK", 2, "2"]


def test_empty_and_keyless_exec(rc):
    rc.cmd("MULTI")
    assert rc.cmd("EXEC") == []
    rc.cmd("MULTI")
    rc.cmd("PING")
    rc.cmd("ECHO", "x")
    assert rc.cmd("EXEC") == ["PONG", "x"]


def test_control_errors(rc):
    assert rc.cmd("EXEC") == Error("ERR EXEC without MULTI")
    assert rc.cmd("DISCARD") == Error("ERR DISCARD without MULTI")
    rc.cmd("MULTI")
    assert rc.cmd("MULTI") == Error("ERR MULTI calls can not be nested")
    assert rc.cmd("WATCH", "k") == Error("ERR WATCH inside MULTI is not allowed")
    # Neither error flagged the transaction.
    rc.cmd("SET", "k", "v")
    assert rc.cmd("EXEC") == ["OK"]


def test_discard(rc):
    rc.cmd("MULTI")
    rc.cmd("SET", "d", "1")
    assert rc.cmd("DISCARD") == "OK"
    assert rc.cmd("GET", "d") is None
    assert rc.cmd("EXEC") == rc.cmd("EXEC")  # still no MULTI


def test_execabort_after_queue_errors(rc):
    rc.cmd("MULTI")
    rc.cmd("SET", "x", "1")
    assert rc.cmd("NOSUCHCMD") == Error("ERR unknown command 'NOSUCHCMD', with args beginning with: ")
    assert rc.cmd("EXEC") == Error("EXECABORT Transaction discarded because of previous errors.")
    assert rc.cmd("GET", "x") is None
    rc.cmd("MULTI")
    assert rc.cmd("GET") == Error("ERR wrong number of arguments for 'get' command")
    assert rc.cmd("EXEC") == Error("EXECABORT Transaction discarded because of previous errors.")


def test_runtime_error_does_not_stop_others(rc):
    rc.cmd("SET", "s", "abc")
    rc.cmd("MULTI")
    rc.cmd("INCR", "s")
    rc.cmd("SET", "t", "1")
    got = rc.cmd("EXEC")
    assert got[0] == Error("ERR value is not an integer or out of range")
    assert got[1] == "OK"
    assert rc.cmd("GET", "t") == "1"


def test_select_inside_multi(r, server):
    c = server.client(decode_responses=True)
    p = c.pipeline(transaction=True)
    p.set("k", "db0").execute_command("SELECT", 1).set("k", "db1").get("k")
    assert p.execute() == [True, True, True, "db1"]
    # The SELECT stays in effect after EXEC, as in Redis.
    assert c.get("k") == "db1"
    assert r.get("k") == "db0"
    c.execute_command("SELECT", 1)
    c.delete("k")
    c.close()


def test_watch_unchanged_runs(r):
    r.set("w", "1")
    p = r.pipeline(transaction=True)
    p.watch("w")
    p.multi()
    p.incr("w")
    assert p.execute() == [2]


def test_watch_changed_by_other_client_aborts(r, server):
    other = server.client(decode_responses=True)
    r.set("w", "1")
    p = r.pipeline(transaction=True)
    p.watch("w")
    other.set("w", "2")
    p.multi()
    p.incr("w")
    with pytest.raises(redis.WatchError):
        p.execute()
    assert r.get("w") == "2"
    other.close()


def test_unwatch_and_exec_clear_watches(rc, server):
    other = server.client()
    rc.cmd("WATCH", "u1")
    assert rc.cmd("UNWATCH") == "OK"
    other.set("u1", "x")
    rc.cmd("MULTI")
    rc.cmd("GET", "u1")
    assert rc.cmd("EXEC") == ["x"]
    # A watch ends with the EXEC that checked it.
    rc.cmd("WATCH", "u2")
    other.set("u2", "y")
    rc.cmd("MULTI")
    assert rc.cmd("EXEC") is None
    other.set("u2", "z")
    rc.cmd("MULTI")
    rc.cmd("GET", "u2")
    assert rc.cmd("EXEC") == ["z"]
    other.close()


def test_flushall_touches_watched_keys(rc, server):
    other = server.client()
    rc.cmd("SET", "f", "1")
    rc.cmd("WATCH", "f")
    other.flushall()
    rc.cmd("MULTI")
    rc.cmd("SET", "f", "2")
    assert rc.cmd("EXEC") is None


def test_exec_null_in_resp3(server):
    from resp_raw import RawClient
    c = Raw(RawClient(server.port))
    c.cmd("HELLO", "3")
    other = server.client()
    c.cmd("WATCH", "r3")
    other.set("r3", "x")
    c.cmd("MULTI")
    c.cmd("GET", "r3")
    assert c.cmd("EXEC") is None
    c.raw.close()
    other.close()


def test_cross_shard_exec_is_atomic(r, server):
    keys = ["atom:%d" % i for i in range(8)]  # spread over shards
    stop = threading.Event()
    seen_torn = []

    def writer():
        c = server.client(decode_responses=True)
        i = 0
        while not stop.is_set():
            p = c.pipeline(transaction=True)
            for k in keys:
                p.set(k, str(i))
            p.execute()
            i += 1
        c.close()

    t = threading.Thread(target=writer)
    t.start()
    try:
        reader = server.client(decode_responses=True)
        deadline = time.time() + 1.5
        while time.time() < deadline:
            vals = reader.mget(keys)
            if len(set(vals)) > 1:
                seen_torn.append(vals)
        reader.close()
    finally:
        stop.set()
        t.join()
    assert not seen_torn, seen_torn[:3]


def test_pipeline_before_exec_keeps_order(rc):
    # Commands pipelined ahead of EXEC (some on other shards) apply first.
    cmds = []
    for i in range(20):
        cmds.append(("SET", "ord:%d" % i, "v%d" % i))
    cmds += [("MULTI",)] + [("GET", "ord:%d" % i) for i in range(20)] + [("EXEC",)]
    replies = rc.pipeline(cmds)
    assert replies[-1] == ["v%d" % i for i in range(20)]


def test_blocking_pop_inside_multi_does_not_block(rc):
    rc.cmd("MULTI")
    rc.cmd("BLPOP", "nolist", "0")
    start = time.time()
    assert rc.cmd("EXEC") == [None]
    assert time.time() - start < 1


def test_push_inside_multi_serves_waiter_after_exec(r, server):
    got = []

    def waiter():
        c = server.client(decode_responses=True)
        got.append(c.blpop(["mq"], timeout=5))
        c.close()

    t = threading.Thread(target=waiter)
    t.start()
    deadline = time.time() + 5
    while time.time() < deadline and int(r.info("clients")["blocked_clients"]) < 1:
        time.sleep(0.01)
    p = r.pipeline(transaction=True)
    p.rpush("mq", "a")
    p.llen("mq")  # the waiter is served after EXEC, not between commands
    assert p.execute() == [1, 1]
    t.join()
    assert got == [("mq", "a")] or got == [["mq", "a"]]
    assert r.llen("mq") == 0
