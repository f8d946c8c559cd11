# YottaStore. Licensed under the Apache License 2.0.
# Persistence (issue 4, DESIGN.md section 4): a restart keeps every type, TTL
# and db, including deletes, renames and big member-wise collections; cold
# keys are visible at once (DBSIZE, SCAN, KEYS, RANDOMKEY, EXISTS, TTL, TYPE)
# and writable; SAVE/BGSAVE/LASTSAVE/INFO persistence; restore from a
# checkpoint; CONFIG SET persistence at run time; a foreign, corrupt or
# locked dir is refused with a clear message and left untouched; injected
# ENOSPC/EIO turn writes into Redis's MISCONF error without losing anything
# acknowledged. Servers run on their own dirs (persist_util.PServer) and are
# SIGKILLed or stopped and restarted there. YottaStore only, except
# test_save_lastsave_bgsave_and_info, which also runs against redis-server.
import os
import re
import shutil
import socket
import threading
import time

import pytest
import redis

from persist_util import (PServer, diff_dumps, dump_all, make_foreign_rocksdb, pserver, snapshot,  # noqa: F401
                          without_info_logs)
from resp_raw import RawClient

pytestmark = pytest.mark.usefixtures("yotta_only_unless_listed")
ALSO_REDIS = {"test_save_lastsave_bgsave_and_info"}

BIG = 3000  # members: big enough to be stored member-wise
MISCONF = {
    "ENOSPC": "MISCONF Errors writing to the AOF file: No space left on device",
    "EIO": "MISCONF Errors writing to the AOF file: Input/output error",
}


@pytest.fixture
def yotta_only_unless_listed(request):
    if request.config.getoption("--target") == "redis" and request.node.originalname not in ALSO_REDIS:
        pytest.skip("YottaStore storage (RocksDB) only")


def fill_every_type(c):
    """Writes every type, with TTLs, dbs, deletes and in-place edits of big
    collections; returns the keys that must exist in db 0 afterwards."""
    c.set("str:plain", "hello")
    c.set("str:int", 12345)
    c.set("str:empty", "")
    c.set("str:bin", bytes(range(256)) * 4)
    c.set("str:big", b"x" * 200_000 + b"end")
    c.incrbyfloat("str:float", 1.5)
    c.append("str:plain", " world")
    c.setrange("str:int", 2, "9")
    c.setbit("str:bits", 100_000, 1)
    c.pfadd("str:hll", *["e%d" % i for i in range(1000)])
    c.set("str:ex", "v", ex=1000)
    c.set("str:pxat", "v", pxat=int(time.time() * 1000) + 3_600_000)
    c.set("str:persisted", "v", ex=1000)
    c.persist("str:persisted")

    c.rpush("list:small", "a", b"\x00\xff", "c")
    c.rpush("list:big", *["item%d" % i for i in range(BIG)])
    c.lset("list:big", 1500, "changed")
    c.linsert("list:big", "BEFORE", "item2000", "inserted")
    c.lrem("list:big", 1, "item100")
    c.lpop("list:big", 3)
    c.rpop("list:big", 2)
    c.ltrim("list:big", 10, -10)
    c.lpush("list:big", "head")

    c.hset("hash:small", mapping={"f%d" % i: "v%d" % i for i in range(10)})
    c.hset("hash:big", mapping={"f%d" % i: "v%d" % i for i in range(BIG)})
    c.hdel("hash:big", *["f%d" % i for i in range(0, BIG, 7)])
    c.hset("hash:big", "f1", "overwritten")
    c.hincrby("hash:big", "counter", 41)
    c.hincrbyfloat("hash:big", "float", 0.25)
    c.expire("hash:big", 5000)

    c.sadd("set:int", 1, 2, 3, 100)
    c.sadd("set:small", "a", "b", b"\x01")
    c.sadd("set:big", *["m%d" % i for i in range(BIG)])
    c.srem("set:big", *["m%d" % i for i in range(0, BIG, 5)])

    c.zadd("zset:small", {"a": 1, "b": -2.5, "c": float("inf"), "d": float("-inf"), "e": 1.5e-10})
    c.zadd("zset:big", {"m%d" % i: i * 0.5 for i in range(BIG)})
    c.zincrby("zset:big", 1000, "m3")
    c.zrem("zset:big", "m4", "m5")
    c.zremrangebyscore("zset:big", 100, 200)

    c.geoadd("geo", (13.361389, 38.115556, "Palermo"), (15.087269, 37.502669, "Catania"))
    c.execute_command("JSON.SET", "json", "$", '{"a":[1,2,{"b":"x"}],"n":null,"f":1.5,"s":"\\u00e9"}')
    c.execute_command("JSON.ARRAPPEND", "json", "$.a", "4")

    # Gone before the restart: must stay gone.
    c.set("gone:del", "v")
    c.delete("gone:del")
    c.hset("gone:bighash", mapping={"f%d" % i: "v" for i in range(BIG)})
    c.unlink("gone:bighash")
    c.set("gone:expired", "v", px=1)
    c.set("gone:neg", "v")
    c.expire("gone:neg", -1)

    # Re-created with another type / fewer members: no old members may leak back.
    c.hset("reborn:hash", mapping={"f%d" % i: "v" for i in range(BIG)})
    c.delete("reborn:hash")
    c.hset("reborn:hash", "only", "one")
    c.rpush("reborn:type", *range(BIG))
    c.delete("reborn:type")
    c.set("reborn:type", "now a string")

    c.hset("renamed:src", mapping={"f%d" % i: "v%d" % i for i in range(BIG)})
    c.rename("renamed:src", "renamed:dst")
    c.set("copied:src", "v")
    c.copy("copied:src", "copied:dst")
    c.set("moved", "to db 2")
    c.move("moved", 2)

    # Other dbs, SWAPDB and FLUSHDB.
    c.execute_command("SELECT", 5)
    c.set("db5:key", "five")
    c.hset("db5:hash", "f", "v")
    c.execute_command("SELECT", 3)
    c.set("db3:key", "flushed")
    c.flushdb()
    c.execute_command("SELECT", 7)
    c.set("was:db7", "now db8")
    c.execute_command("SELECT", 8)
    c.set("was:db8", "now db7")
    c.swapdb(7, 8)
    c.execute_command("SELECT", 0)
    time.sleep(0.01)  # gone:expired is past its time
    return ["str:plain", "str:int", "str:empty", "str:bin", "str:big", "str:float", "str:bits", "str:hll",
            "str:ex", "str:pxat", "str:persisted", "list:small", "list:big", "hash:small", "hash:big",
            "set:int", "set:small", "set:big", "zset:small", "zset:big", "geo", "json", "reborn:hash",
            "reborn:type", "renamed:dst", "copied:src", "copied:dst"]


def check_every_type(c, keys):
    """Explicit expectations, on top of the before/after comparison."""
    # First: an expired key is reclaimed on access (DBSIZE may count it until then, as in Redis).
    assert c.exists("gone:del", "gone:bighash", "gone:expired", "gone:neg") == 0
    assert c.dbsize() == len(keys)
    assert sorted(k.decode() for k in c.keys("*")) == sorted(keys)
    assert c.get("str:plain") == b"hello world"
    assert c.get("str:int") == b"12945"
    assert c.get("str:bin") == bytes(range(256)) * 4
    assert c.get("str:big") == b"x" * 200_000 + b"end"
    assert c.getbit("str:bits", 100_000) == 1 and c.bitcount("str:bits") == 1
    assert 990 <= c.pfcount("str:hll") <= 1010
    assert 990 <= c.ttl("str:ex") <= 1000
    assert c.ttl("str:persisted") == -1 and c.ttl("str:plain") == -1
    assert 4990 <= c.ttl("hash:big") <= 5000
    assert c.llen("list:big") == BIG + 1 - 1 - 3 - 2 - 19 + 1  # LTRIM 10 -10 drops 10 + 9
    assert c.lindex("list:big", 0) == b"head"
    assert c.hlen("hash:big") == BIG - len(range(0, BIG, 7)) + 2
    assert c.hget("hash:big", "f1") == b"overwritten" and c.hget("hash:big", "counter") == b"41"
    assert c.hget("hash:big", "f7") is None
    assert c.scard("set:big") == BIG - len(range(0, BIG, 5))
    assert c.smembers("set:int") == {b"1", b"2", b"3", b"100"}
    assert c.zscore("zset:big", "m3") == 1001.5 and c.zscore("zset:big", "m4") is None
    assert c.zscore("zset:small", "c") == float("inf") and c.zscore("zset:small", "e") == 1.5e-10
    assert c.hgetall("reborn:hash") == {b"only": b"one"}
    assert c.type("reborn:type") == b"string"
    assert c.hlen("renamed:dst") == BIG and c.exists("renamed:src") == 0
    assert c.execute_command("JSON.GET", "json", "$.a") == b"[[1,2,{\"b\":\"x\"},4]]"
    c.execute_command("SELECT", 5)
    assert c.get("db5:key") == b"five" and c.dbsize() == 2
    c.execute_command("SELECT", 3)
    assert c.dbsize() == 0
    c.execute_command("SELECT", 2)
    assert c.get("moved") == b"to db 2"
    c.execute_command("SELECT", 7)
    assert c.get("was:db8") == b"now db7" and c.get("was:db7") is None
    c.execute_command("SELECT", 0)


@pytest.mark.parametrize("mode,how", [("always", "kill"), ("everysec", "stop"), ("everysec", "kill-after-2s")])
def test_restart_keeps_every_type_and_ttl(pserver, mode, how):
    s = pserver("--persistence", mode)
    c = s.client(decode_responses=False)
    keys = fill_every_type(c)
    check_every_type(c, keys)
    before = dump_all(c)
    assert len(before[0]) == len(keys)
    if how == "kill-after-2s":
        time.sleep(2.0)  # everysec: the WAL is synced once a second
    s.restart(kill=how != "stop")
    c = s.client(decode_responses=False)
    check_every_type(c, keys)
    after = dump_all(c)
    assert not diff_dumps(before, after), diff_dumps(before, after)
    # And once more after a second restart, now that memory was warmed and
    # nothing changed: a restart must not rewrite anything.
    s.restart()
    c = s.client(decode_responses=False)
    assert not diff_dumps(before, dump_all(c))


def test_ttl_expires_while_down(pserver):
    s = pserver("--persistence", "always")
    c = s.client()
    c.set("short", "v", px=1500)
    c.hset("shorthash", mapping={"f%d" % i: "v" for i in range(BIG)})
    c.pexpire("shorthash", 1500)
    c.set("long", "v", ex=100)
    s.kill9()
    time.sleep(1.7)
    s.start()
    c = s.client()
    assert c.get("short") is None and c.exists("short") == 0
    assert c.exists("shorthash") == 0 and c.hlen("shorthash") == 0
    assert c.get("long") == "v" and 95 <= c.ttl("long") <= 100
    assert c.keys("*") == ["long"]


def test_cold_keys_are_visible_after_restart(pserver):
    s = pserver("--persistence", "always")
    c = s.client()
    n = 2000
    p = c.pipeline(transaction=False)
    for i in range(n):
        p.set("s:%d" % i, "v%d" % i, ex=(10000 + i) if i % 2 else None)
    for i in range(20):
        p.hset("h:%d" % i, mapping={"a": 1, "b": 2})
        p.rpush("l:%d" % i, 1, 2)
        p.sadd("set:%d" % i, 1)
        p.zadd("z:%d" % i, {"m": 1})
    p.execute()
    c.execute_command("SELECT", 4)
    c.set("db4", "x")
    c.execute_command("SELECT", 0)
    all_keys = {"s:%d" % i for i in range(n)} | {"%s:%d" % (t, i) for t in ("h", "l", "set", "z")
                                                 for i in range(20)}

    s.restart()
    c = s.client()
    assert c.dbsize() == len(all_keys)  # before anything else touched the keyspace
    assert set(c.keys("*")) == all_keys
    assert set(c.keys("h:*")) == {"h:%d" % i for i in range(20)}
    scanned, cursor = set(), 0
    while True:
        cursor, batch = c.scan(cursor, count=100)
        scanned.update(batch)
        if cursor == 0:
            break
    assert scanned == all_keys
    assert set(c.scan_iter(match="z:*", count=50)) == {"z:%d" % i for i in range(20)}
    assert set(c.scan_iter(_type="hash", count=50)) == {"h:%d" % i for i in range(20)}
    for _ in range(20):
        assert c.randomkey() in all_keys
    info = c.info("keyspace")
    assert info["db0"]["keys"] == len(all_keys) and info["db4"]["keys"] == 1

    s.restart()
    c = s.client()
    assert c.exists(*["s:%d" % i for i in range(n)], "missing") == n
    assert c.ttl("s:1") in range(9990, 10002) and c.ttl("s:0") == -1 and c.ttl("missing") == -2
    assert c.pttl("s:3") > 9_990_000
    assert [c.type(k) for k in ("s:5", "h:1", "l:1", "set:1", "z:1", "missing")] == \
        ["string", "hash", "list", "set", "zset", "none"]
    s.restart()
    c = s.client()
    assert c.randomkey() in all_keys  # first command after a restart
    c.execute_command("SELECT", 4)
    assert c.dbsize() == 1 and c.get("db4") == "x"


def test_writes_to_cold_keys_merge_with_disk(pserver):
    """A key absent from memory after a restart is on disk: a write must load
    or merge it, never start from empty."""
    s = pserver("--persistence", "always")
    c = s.client()
    c.hset("h", mapping={"f%d" % i: i for i in range(BIG)})
    c.rpush("l", *range(100))
    c.sadd("s", *range(100))
    c.zadd("z", {"m%d" % i: i for i in range(100)})
    c.set("str", "abc")
    c.set("n", 10)
    for k in ("ex", "del", "ren", "nx"):
        c.set(k, "v")
    s.restart()
    c = s.client()
    assert c.hset("h", "new", "x") == 1 and c.hlen("h") == BIG + 1
    assert c.rpush("l", "x") == 101 and c.lindex("l", 0) == "0"
    assert c.sadd("s", "x") == 1 and c.scard("s") == 101
    assert c.zadd("z", {"x": 1000}) == 1 and c.zcard("z") == 101
    assert c.append("str", "def") == 6
    assert c.incr("n") == 11
    assert c.expire("ex", 500) is True
    assert c.delete("del") == 1
    c.rename("ren", "ren2")
    assert c.set("nx", "other", nx=True) is None  # exists on disk
    assert c.dbsize() == 9
    s.restart()
    c = s.client()
    assert c.hlen("h") == BIG + 1 and c.hget("h", "f5") == "5" and c.hget("h", "new") == "x"
    assert c.lrange("l", 0, -1) == [str(i) for i in range(100)] + ["x"]
    assert c.scard("s") == 101 and c.zscore("z", "m50") == 50
    assert c.get("str") == "abcdef" and c.get("n") == "11" and 490 <= c.ttl("ex") <= 500
    assert c.exists("del", "ren") == 0 and c.get("ren2") == "v" and c.get("nx") == "v"
    assert c.dbsize() == 9


# ---------------------------------------------------------------------------
# SAVE, BGSAVE, LASTSAVE, INFO persistence, checkpoints.


def info_persistence(c):
    return c.info("persistence")


def wait_bgsave(c, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        info = info_persistence(c)
        if info["rdb_bgsave_in_progress"] == 0:
            return info
        time.sleep(0.05)
    raise AssertionError("BGSAVE still in progress after %d s" % timeout)


def test_save_lastsave_bgsave_and_info(make_server):
    server = make_server()
    c = server.client(decode_responses=True)
    info = info_persistence(c)
    for field in ("loading", "rdb_changes_since_last_save", "rdb_bgsave_in_progress", "rdb_last_save_time",
                  "rdb_last_bgsave_status", "aof_enabled"):
        assert field in info, field
    assert info["loading"] == 0 and info["rdb_bgsave_in_progress"] == 0
    assert abs(c.lastsave().timestamp() - time.time()) < 3600

    for i in range(3):
        c.set("k%d" % i, "v")
    assert info_persistence(c)["rdb_changes_since_last_save"] >= 3
    t0 = int(time.time())
    assert c.save() is True
    info = info_persistence(c)
    assert info["rdb_changes_since_last_save"] == 0
    last = int(c.lastsave().timestamp())
    assert t0 - 1 <= last <= time.time() + 1
    assert info["rdb_last_save_time"] == last

    c.set("k", "v")
    assert info_persistence(c)["rdb_changes_since_last_save"] >= 1
    with RawClient(server.port) as raw:
        assert raw.call("BGSAVE") == "Background saving started"
    info = wait_bgsave(c)
    assert info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_changes_since_last_save"] == 0
    assert int(c.lastsave().timestamp()) >= last
    if not server.is_redis:
        assert info["persistence"] == "everysec"  # the default
        assert info["tiering"] == "no"
        assert info["storage_error"] in ("", 0, "0", "none", "ok", "no")
        assert os.path.isdir(info["last_checkpoint_dir"])


def test_info_persistence_follows_config(pserver):
    s = pserver("--persistence", "always", "--tiering", "no")
    c = s.client()
    info = info_persistence(c)
    assert info["persistence"] == "always" and info["tiering"] == "no"
    c.config_set("persistence", "everysec")
    c.config_set("tiering", "yes")
    info = info_persistence(c)
    assert info["persistence"] == "everysec" and info["tiering"] == "yes"
    assert c.config_get("persistence") == {"persistence": "everysec"}
    assert c.config_get("tiering") == {"tiering": "yes"}
    with pytest.raises(redis.ResponseError, match="^CONFIG SET failed"):
        c.config_set("persistence", "sometimes")
    assert c.config_get("persistence") == {"persistence": "everysec"}


def checkpoint_of(s, c):
    """The checkpoint dir INFO names, checked to be <dir>/checkpoints/<unix ms>."""
    path = info_persistence(c)["last_checkpoint_dir"]
    assert os.path.isdir(path), path
    parent, name = os.path.split(os.path.normpath(path))
    assert os.path.realpath(parent) == os.path.realpath(os.path.join(s.datadir, "checkpoints"))
    assert re.fullmatch(r"\d+", name) and abs(int(name) / 1000 - time.time()) < 120, name
    return path


@pytest.mark.parametrize("how", ["SAVE", "BGSAVE"])
def test_restore_from_checkpoint(pserver, how):
    s = pserver("--persistence", "always")
    c = s.client(decode_responses=False)
    keys = fill_every_type(c)
    saved = dump_all(c)
    if how == "SAVE":
        assert c.save() is True
    else:
        with RawClient(s.port) as raw:
            assert raw.call("BGSAVE") == "Background saving started"
        info = wait_bgsave(c)
        assert info["rdb_last_bgsave_status"] == "ok"
    path = checkpoint_of(s, c)
    # Later changes must not reach the checkpoint (hard links, not shared files).
    c.delete("str:plain", "list:big")
    c.hset("hash:big", "late", "x")
    c.set("late", "x")
    later = dump_all(c)

    restored = PServer(s_config(s), "--persistence", "always",
                       datadir=shutil.copytree(path, os.path.join(s.base, "restored")))
    try:
        restored.start()
        rc = restored.client(decode_responses=False)
        got = dump_all(rc)  # first: check_every_type's PFCOUNT rewrites the HLL's cached count
        assert not diff_dumps(saved, got), diff_dumps(saved, got)
        check_every_type(rc, keys)
    finally:
        restored.cleanup()
    s.restart()
    assert not diff_dumps(later, dump_all(s.client(decode_responses=False)))


def s_config(s):
    """A config stand-in so a second PServer uses the same binary and shards."""
    class Cfg:
        def getoption(self, name):
            return {"--binary": s.binary, "--shards": str(s.shards), "--target": "yotta"}[name]
    return Cfg()


def test_save_includes_every_acknowledged_write_under_everysec(pserver):
    s = pserver("--persistence", "everysec")
    c = s.client()
    p = c.pipeline(transaction=False)
    for i in range(5000):
        p.set("k%d" % i, i)
    p.execute()
    assert c.save() is True  # right away: the WAL may not be synced yet
    path = checkpoint_of(s, c)
    restored = PServer(s_config(s), datadir=shutil.copytree(path, os.path.join(s.base, "restored")))
    try:
        restored.start()
        rc = restored.client()
        assert rc.dbsize() == 5000
        assert rc.mget(["k%d" % i for i in range(5000)]) == [str(i) for i in range(5000)]
    finally:
        restored.cleanup()


def test_each_save_is_a_new_checkpoint(pserver):
    s = pserver("--persistence", "always")
    c = s.client()
    c.set("a", 1)
    c.save()
    first = checkpoint_of(s, c)
    time.sleep(0.01)
    c.set("b", 2)
    c.save()
    second = checkpoint_of(s, c)
    assert first != second and os.path.isdir(first)
    # Checkpoints live under dir but are not data: the live keyspace is unchanged.
    s.restart()
    assert sorted(s.client().keys("*")) == ["a", "b"]


# ---------------------------------------------------------------------------
# CONFIG SET persistence at run time.


def test_switch_everysec_to_always_then_kill(pserver):
    s = pserver("--persistence", "everysec")
    c = s.client()
    p = c.pipeline(transaction=False)
    for i in range(2000):
        p.set("before%d" % i, i)
    p.execute()
    c.config_set("persistence", "always")
    c.set("marker", "acked under always")
    s.kill9()  # at once: nothing else may get to run
    s.start("--persistence", "always")
    c = s.client()
    assert c.get("marker") == "acked under always"
    # Everything acknowledged before an acknowledged `always` write is in the
    # same synced WAL prefix.
    assert c.dbsize() == 2001


def test_switch_no_to_always_makes_the_dataset_durable(pserver):
    """As Redis's CONFIG SET appendonly yes writes the whole dataset: after the
    switch, the acknowledged state must survive a SIGKILL whole; a hash must
    not come back with only the fields written after the switch."""
    s = pserver("--persistence", "no")
    c = s.client()
    c.hset("h", "before", "1")
    c.set("k1", "before")
    c.config_set("persistence", "always")
    c.hset("h", "after", "2")
    c.set("k2", "after")
    s.kill9()
    s.start("--persistence", "always")
    c = s.client()
    assert c.get("k2") == "after"
    assert c.hgetall("h") == {"before": "1", "after": "2"}
    assert c.get("k1") == "before"


def test_switch_always_to_no_keeps_what_was_durable(pserver):
    s = pserver("--persistence", "always")
    c = s.client()
    c.set("durable", "1")
    c.config_set("persistence", "no")
    assert info_persistence(c)["persistence"] == "no"
    c.set("volatile", "1")
    s.kill9()
    s.start("--persistence", "always")
    assert s.client().get("durable") == "1"


def test_persistence_no_starts_empty(pserver):
    s = pserver("--persistence", "always")
    c = s.client()
    c.set("k", "v")
    c.hset("h", mapping={"f%d" % i: "v" for i in range(BIG)})
    s.stop()
    s.start("--persistence", "no")
    c = s.client()
    assert c.dbsize() == 0 and c.get("k") is None and c.keys("*") == []
    c.set("cache", "only")
    s.restart("--persistence", "no")
    assert s.client().dbsize() == 0


# ---------------------------------------------------------------------------
# Dirs the server must refuse, untouched.


def refused(s, datadir_snapshot_before, strict=True):
    rc, out = s.start_fails()
    assert rc != 0, out
    assert s.datadir in out or os.path.realpath(s.datadir) in out, \
        "the message should name the dir:\n" + out[-2000:]
    after = snapshot(s.datadir) if os.path.isdir(s.datadir) else None
    if strict:
        assert after == datadir_snapshot_before
    else:
        assert without_info_logs(after) == without_info_logs(datadir_snapshot_before)
    return out


# `dir` is a working dir as Redis's is (other files may live there); the data
# is in its DATA_SUBDIR subdirectory (src/server/storage.cc, DataDir()).
DATA_SUBDIR = "yottastore"


def write_user_files(path):
    os.makedirs(os.path.join(path, "photos"), exist_ok=True)
    with open(os.path.join(path, "thesis.txt"), "w") as f:
        f.write("five years of work\n")
    with open(os.path.join(path, "photos", "cat.jpg"), "wb") as f:
        f.write(os.urandom(4096))


def test_other_files_in_dir_are_left_alone(pserver):
    s = pserver("--persistence", "always", start=False)
    write_user_files(s.datadir)
    mine = snapshot(s.datadir)
    s.start()
    s.client().set("k", "v")
    s.restart()
    assert s.client().get("k") == "v"
    assert s.stop() == 0
    after = snapshot(s.datadir)
    assert {k: after.get(k) for k in mine} == mine


def test_foreign_files_in_data_subdir_are_refused(pserver):
    s = pserver("--persistence", "always", start=False)
    write_user_files(os.path.join(s.datadir, DATA_SUBDIR))
    refused(s, snapshot(s.datadir))


@pytest.mark.parametrize("where", ["dir", "data subdir"])
def test_foreign_rocksdb_is_refused(pserver, where):
    s = pserver("--persistence", "always", start=False)
    make_foreign_rocksdb(s.datadir if where == "dir" else os.path.join(s.datadir, DATA_SUBDIR))
    refused(s, snapshot(s.datadir), strict=False)


def test_dir_that_is_a_file_is_refused(pserver):
    s = pserver("--persistence", "always", start=False)
    os.rmdir(s.datadir)
    with open(s.datadir, "w") as f:
        f.write("not a dir")
    rc, out = s.start_fails()
    assert rc != 0 and s.datadir in out, out[-2000:]
    with open(s.datadir) as f:
        assert f.read() == "not a dir"


def test_dir_in_use_by_another_server_is_refused(pserver):
    s = pserver("--persistence", "always")
    s.client().set("k", "v")
    other = PServer(s_config(s), "--persistence", "always", datadir=s.datadir)
    try:
        rc, out = other.start_fails()
        assert rc != 0 and s.datadir in out, out[-2000:]
    finally:
        other.cleanup()
    assert s.alive() and s.client().get("k") == "v"
    s.restart()
    assert s.client().get("k") == "v"


@pytest.mark.parametrize("damage", ["CURRENT", "MANIFEST"])
def test_corrupt_dir_is_refused_and_left_untouched(pserver, damage):
    s = pserver("--persistence", "always")
    c = s.client()
    c.hset("h", mapping={"f%d" % i: "v" for i in range(BIG)})
    c.set("k", "v")
    assert s.stop() == 0
    victims = [os.path.join(root, f) for root, _, files in os.walk(s.datadir) for f in files
               if (f == "CURRENT" if damage == "CURRENT" else f.startswith("MANIFEST-"))
               and "checkpoints" not in root]
    assert victims, "no %s file under %s: %s" % (damage, s.datadir, sorted(snapshot(s.datadir)))
    originals = {}
    for v in victims:
        with open(v, "rb") as f:
            originals[v] = f.read()
        with open(v, "r+b") as f:
            if damage == "CURRENT":
                f.write(b"MANIFEST-999999\n")
                f.truncate()
            else:
                f.seek(min(20, max(0, len(originals[v]) - 40)))
                f.write(b"\xde\xad\xbe\xef" * 8)
    refused(s, snapshot(s.datadir), strict=False)
    # Repaired by hand, everything is there: nothing was overwritten.
    for v, data in originals.items():
        with open(v, "wb") as f:
            f.write(data)
    s.start()
    c = s.client()
    assert c.hlen("h") == BIG and c.get("k") == "v"


# ---------------------------------------------------------------------------
# Write errors: MISCONF, reads still served, nothing acknowledged lost.


def raw_reply(port, *args, timeout=10):
    """The reply, or AssertionError naming the command if none comes in time."""
    with RawClient(port, timeout=timeout) as rc:
        try:
            return rc.call(*args)
        except socket.timeout:
            raise AssertionError("%s got no reply within %g s" % (" ".join(map(str, args)), timeout)) from None


def wait_storage_error(c, want_set, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        info = raw_reply(c.connection_pool.connection_kwargs["port"], "INFO", "persistence", timeout=5)
        err = dict(line.split(":", 1) for line in info.decode().splitlines() if ":" in line)["storage_error"]
        if bool(err not in ("", 0, "0", "none", "ok", "no")) == want_set:
            return err
        time.sleep(0.05)
    raise AssertionError("storage_error never became %s" % ("set" if want_set else "clear"))


@pytest.mark.parametrize("mode", ["always", "everysec"])
@pytest.mark.parametrize("errno_name", ["ENOSPC", "EIO"])
def test_storage_error_gives_misconf_and_loses_nothing(pserver, mode, errno_name):
    s = pserver("--persistence", mode, "--storage-fault-injection", "yes")
    c = s.client()
    c.set("before", "1")
    c.hset("hbefore", mapping={"f%d" % i: "v" for i in range(BIG)})
    assert c.execute_command("DEBUG", "STORAGE-ERROR", errno_name) == "OK"

    # The first write meets the error: under `always` its reply may be held
    # until the disk works again; under `everysec` it may be acknowledged at
    # once. Either way it is then kept.
    first = {}

    def first_write():
        try:
            first["reply"] = raw_reply(s.port, "SET", "first", "1", timeout=60)
        except Exception as e:  # noqa: BLE001 -- reported below
            first["reply"] = e

    t = threading.Thread(target=first_write, daemon=True)
    t.start()
    t.join(3)
    err = wait_storage_error(c, True)
    assert "No space left on device" in err if errno_name == "ENOSPC" else "Input/output error" in err

    assert raw_reply(s.port, "SET", "refused", "1") == MISCONF[errno_name]
    assert raw_reply(s.port, "HSET", "hbefore", "new", "1") == MISCONF[errno_name]
    assert raw_reply(s.port, "DEL", "before") == MISCONF[errno_name]
    assert raw_reply(s.port, "INCR", "counter") == MISCONF[errno_name]
    assert raw_reply(s.port, "EXPIRE", "before", "100") == MISCONF[errno_name]
    with RawClient(s.port) as rc:
        assert rc.call("MULTI") == "OK"
        queued = rc.call("SET", "in-multi", "1")
        exec_reply = rc.call("EXEC")
        # Redis refuses the queued write at once, then EXECABORT.
        assert queued == MISCONF[errno_name] or exec_reply == MISCONF[errno_name] or \
            str(exec_reply).startswith("EXECABORT"), (queued, exec_reply)
    # Reads work (and are not held behind the write waiting for the disk).
    assert raw_reply(s.port, "GET", "before", timeout=5) == b"1"
    assert raw_reply(s.port, "HLEN", "hbefore", timeout=5) == BIG
    assert raw_reply(s.port, "EXISTS", "refused", "in-multi", timeout=5) == 0
    assert raw_reply(s.port, "TTL", "before", timeout=5) == -1
    assert raw_reply(s.port, "DBSIZE", timeout=5) in (2, 3)  # "first" may be in memory

    assert c.execute_command("DEBUG", "STORAGE-ERROR", "OFF") == "OK"
    deadline = time.time() + 10
    while True:
        reply = raw_reply(s.port, "SET", "after", "1")
        if reply == "OK":
            break
        assert reply == MISCONF[errno_name], reply
        assert time.time() < deadline, "writes still refused 10 s after DEBUG STORAGE-ERROR OFF"
        time.sleep(0.1)
    wait_storage_error(c, False)
    t.join(30)
    assert not t.is_alive(), "the write held during the error never got a reply"
    first_reply = first["reply"]
    assert first_reply in ("OK", MISCONF[errno_name]), first_reply

    time.sleep(1.5)  # everysec: one sync after recovery
    s.restart()
    c = s.client()
    assert c.get("before") == "1" and c.hlen("hbefore") == BIG and c.get("after") == "1"
    assert c.exists("refused", "in-multi", "counter") == 0
    if first_reply == "OK":
        assert c.get("first") == "1", "acknowledged during the error, lost after the restart"


def test_storage_error_command_needs_fault_injection(pserver):
    s = pserver("--persistence", "always")
    with pytest.raises(redis.ResponseError):
        s.client().execute_command("DEBUG", "STORAGE-ERROR", "ENOSPC")
    assert s.client().set("k", "v") is True
