# YottaStore. Licensed under the Apache License 2.0.
# Data larger than memory (issue 4, DESIGN.md section 4). With persistence no
# and tiering yes, eviction moves values to RocksDB: a data set 5x maxmemory
# round-trips intact (every key read back and compared), cold keys are seen
# by DBSIZE/SCAN/KEYS/EXISTS/TTL/TYPE and can be overwritten, deleted and
# expired. With persistence on, eviction drops clean entries, which come back
# from disk. With tiering no, eviction is Redis's: volatile-* evict only keys
# with a TTL, allkeys-* really drop keys, noeviction refuses writes with
# Redis's OOM text (those tests also run against redis-server).
import hashlib
import time

import pytest
import redis

from persist_util import pserver  # noqa: F401

MAXMEMORY = 4 * 1024 * 1024
VALUE_SIZE = 1000
N = 5 * MAXMEMORY // VALUE_SIZE  # 5x maxmemory of string values alone
OOM = "OOM command not allowed when used memory > 'maxmemory'."
ALSO_REDIS = {"test_volatile_policies_evict_only_volatile_keys", "test_noeviction_refuses_writes_with_redis_text",
              "test_allkeys_policy_without_tiering_drops_keys"}


@pytest.fixture(autouse=True)
def yotta_only_unless_listed(request):
    if request.config.getoption("--target") == "redis" and request.node.originalname not in ALSO_REDIS:
        pytest.skip("YottaStore tiering (RocksDB) only")


def val(key, size=VALUE_SIZE):
    """A value only this key has, so a swapped or stale value is caught."""
    h = hashlib.blake2b(key.encode(), digest_size=32).hexdigest()
    return (h * (size // len(h) + 1))[:size]


def write_strings(c, prefix, n, ex=None, batch=500):
    replies = []
    for lo in range(0, n, batch):
        p = c.pipeline(transaction=False)
        for i in range(lo, min(lo + batch, n)):
            k = "%s%d" % (prefix, i)
            p.set(k, val(k), ex=ex)
        replies.extend(p.execute(raise_on_error=False))
    return replies


def read_back(c, keys, batch=200):
    """Keys whose value is not val(key) (None = missing)."""
    bad = []
    for lo in range(0, len(keys), batch):
        chunk = keys[lo:lo + batch]
        for k, got in zip(chunk, c.mget(chunk)):
            if got != val(k):
                bad.append((k, None if got is None else got[:20]))
    return bad


def write_collections(c, n=40, members=50):
    """Hashes, lists, sets and zsets (n each) plus one big hash; returns
    {key: expected content} in the shapes read_collections returns."""
    want = {}
    p = c.pipeline(transaction=False)
    for i in range(n):
        h = {"f%d" % j: val("h%d.%d" % (i, j), 100) for j in range(members)}
        p.hset("hash:%d" % i, mapping=h)
        want["hash:%d" % i] = h
        lst = [val("l%d.%d" % (i, j), 100) for j in range(members)]
        p.rpush("list:%d" % i, *lst)
        want["list:%d" % i] = lst
        st = {val("s%d.%d" % (i, j), 100) for j in range(members)}
        p.sadd("set:%d" % i, *st)
        want["set:%d" % i] = st
        z = {val("z%d.%d" % (i, j), 100): float(j) for j in range(members)}
        p.zadd("zset:%d" % i, z)
        want["zset:%d" % i] = z
    big = {"f%d" % j: val("big%d" % j, 100) for j in range(5000)}
    for lo in range(0, 5000, 1000):
        p.hset("hash:big", mapping={k: big[k] for k in list(big)[lo:lo + 1000]})
    want["hash:big"] = big
    assert all(r is not None and not isinstance(r, Exception) for r in p.execute(raise_on_error=False))
    return want


def read_collections(c, want):
    bad = []
    for k, w in want.items():
        t = k.split(":")[0]
        if t == "hash":
            got = c.hgetall(k)
        elif t == "list":
            got = c.lrange(k, 0, -1)
        elif t == "set":
            got = c.smembers(k)
        else:
            got = dict(c.zrange(k, 0, -1, withscores=True))
        if got != w:
            bad.append(k)
    return bad


def all_scanned(c):
    return set(c.scan_iter(count=1000))


def dataset_bytes(c):
    return c.info("memory")["used_memory_dataset"]


def test_tiering_round_trips_5x_maxmemory(pserver):
    s = pserver("--persistence", "no", "--tiering", "yes", "--maxmemory", str(MAXMEMORY),
                "--maxmemory-policy", "allkeys-lru")
    c = s.client()
    replies = write_strings(c, "k", N)
    assert all(r is True for r in replies), [r for r in replies if r is not True][:3]
    coll = write_collections(c)
    keys = ["k%d" % i for i in range(N)]
    total = N + len(coll)
    assert dataset_bytes(c) <= MAXMEMORY * 1.5, "memory not bounded: values were not moved to disk"
    assert c.dbsize() == total
    assert len(c.keys("*")) == total
    assert len(c.keys("hash:*")) == 41
    assert len(all_scanned(c)) == total
    assert c.exists(*keys[:1000]) == 1000  # the oldest: cold by now
    assert c.type("k0") == "string" and c.type("hash:0") == "hash" and c.type("zset:1") == "zset"
    assert c.randomkey() is not None

    assert read_back(c, keys) == []
    assert read_collections(c, coll) == []
    assert read_back(c, keys[::-1]) == []  # again, in the other order: values go out and come back
    assert dataset_bytes(c) <= MAXMEMORY * 1.5

    # Writes to cold keys: overwrite, delete, append, expire.
    p = c.pipeline(transaction=False)
    for k in keys[:100]:
        p.set(k, "new" + k)
    p.delete(*keys[100:200])
    p.append(keys[200], "+tail")
    p.expire(keys[201], 1000)
    p.hset("hash:0", "added", "x")
    p.rpush("list:0", "added")
    p.execute()
    write_strings(c, "fill", N // 2)  # push those out again
    assert c.mget(keys[:100]) == ["new" + k for k in keys[:100]]
    assert c.exists(*keys[100:200]) == 0
    assert c.get(keys[200]) == val(keys[200]) + "+tail"
    assert 990 <= c.ttl(keys[201]) <= 1000 and c.ttl(keys[202]) == -1
    coll["hash:0"]["added"] = "x"
    coll["list:0"].append("added")
    assert read_collections(c, coll) == []
    assert c.dbsize() == total - 100 + N // 2
    assert read_back(c, keys[202:]) == []
    assert read_back(c, ["fill%d" % i for i in range(N // 2)]) == []


def test_tiering_cold_keys_keep_and_lose_their_ttl(pserver):
    s = pserver("--persistence", "no", "--tiering", "yes", "--maxmemory", str(MAXMEMORY),
                "--maxmemory-policy", "allkeys-lru")
    c = s.client()
    write_strings(c, "short", 2000, ex=2)
    write_strings(c, "long", 2000, ex=10000)
    write_strings(c, "plain", N)  # pushes the others out of memory
    assert c.ttl("long0") in range(9900, 10001)
    assert c.ttl("plain0") == -1
    time.sleep(2.5)
    assert c.exists(*["short%d" % i for i in range(2000)]) == 0
    assert c.get("short0") is None
    assert read_back(c, ["long%d" % i for i in range(2000)]) == []
    keys = set(c.keys("*"))
    assert not any(k.startswith("short") for k in keys)
    assert len(keys) == N + 2000


def test_tiering_cache_restarts_empty(pserver):
    s = pserver("--persistence", "no", "--tiering", "yes", "--maxmemory", str(MAXMEMORY),
                "--maxmemory-policy", "allkeys-lru")
    c = s.client()
    write_strings(c, "k", N)
    assert c.dbsize() == N
    s.restart()
    c = s.client()
    assert c.dbsize() == 0 and c.get("k0") is None and c.keys("*") == []


def test_config_set_tiering_at_run_time(pserver):
    s = pserver("--persistence", "no", "--tiering", "no", "--maxmemory", str(MAXMEMORY),
                "--maxmemory-policy", "allkeys-lru")
    c = s.client()
    write_strings(c, "a", N)
    assert c.dbsize() * VALUE_SIZE <= MAXMEMORY  # tiering no: evicted keys are gone
    c.config_set("tiering", "yes")
    assert c.config_get("tiering") == {"tiering": "yes"}
    replies = write_strings(c, "b", N)
    assert all(r is True for r in replies)
    bkeys = ["b%d" % i for i in range(N)]
    assert c.exists(*bkeys) == N
    assert read_back(c, bkeys) == []


@pytest.mark.parametrize("mode,tiering", [("everysec", "yes"), ("always", "yes")])
def test_eviction_with_persistence_drops_clean_entries_only(pserver, mode, tiering):
    """With persistence on and tiering yes, evicted entries are on disk
    (DESIGN.md section 4: "eviction with persistence on drops clean
    entries"): every key stays readable, in memory or not, before and after
    a restart."""
    s = pserver("--persistence", mode, "--tiering", tiering, "--maxmemory", str(MAXMEMORY),
                "--maxmemory-policy", "allkeys-lru")
    c = s.client()
    replies = write_strings(c, "k", N)
    assert all(r is True for r in replies), [r for r in replies if r is not True][:3]
    keys = ["k%d" % i for i in range(N)]
    assert dataset_bytes(c) <= MAXMEMORY * 1.5
    assert c.dbsize() == N
    assert c.exists(*keys) == N
    assert read_back(c, keys) == []
    assert len(all_scanned(c)) == N
    s.restart(kill=mode == "always")
    c = s.client()
    assert c.dbsize() == N
    assert read_back(c, keys) == []
    assert dataset_bytes(c) <= MAXMEMORY * 1.5


@pytest.mark.parametrize("mode", ["everysec", "always"])
def test_eviction_with_persistence_and_tiering_no_deletes_as_redis(pserver, mode):
    """tiering no is Redis's eviction exactly, persistence or not: an evicted
    key is gone, and it does not come back from disk after a restart."""
    s = pserver("--persistence", mode, "--tiering", "no", "--maxmemory", str(MAXMEMORY),
                "--maxmemory-policy", "allkeys-lru")
    c = s.client()
    write_strings(c, "k", N)
    present = sorted(c.keys("k*"))  # one command: nothing is evicted meanwhile
    assert 0 < len(present) < N and len(present) * VALUE_SIZE <= MAXMEMORY
    time.sleep(1.2)  # everysec: the deletes reach the synced WAL
    s.restart(kill=mode == "always")
    c = s.client()
    assert sorted(c.keys("*")) == present  # no evicted key came back from disk
    assert c.dbsize() == len(present)
    assert read_back(c, present) == []


# ---------------------------------------------------------------------------
# tiering no: Redis's eviction, in kind (also against redis-server).


def start_plain(make_server, server_is_redis_cfg, policy):
    args = ["--maxmemory", str(MAXMEMORY), "--maxmemory-policy", policy]
    if not server_is_redis_cfg:
        args += ["--persistence", "no", "--tiering", "no"]
    s = make_server(*args)
    return s, s.client(decode_responses=True)


def is_redis(request):
    return request.config.getoption("--target") == "redis"


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"])
def test_volatile_policies_evict_only_volatile_keys(make_server, request, policy):
    s, c = start_plain(make_server, is_redis(request), policy)
    assert all(r is True for r in write_strings(c, "keep", 500))
    replies = write_strings(c, "vol", N, ex=100000)
    assert all(r is True for r in replies), [r for r in replies if r is not True][:3]
    assert c.exists(*["keep%d" % i for i in range(500)]) == 500
    assert read_back(c, ["keep%d" % i for i in range(500)]) == []
    vol_left = c.exists(*["vol%d" % i for i in range(N)])
    assert vol_left < N * 0.5, "volatile keys were not evicted (%d of %d left)" % (vol_left, N)
    assert c.info("stats")["evicted_keys"] >= N - vol_left - 100
    assert c.dbsize() == 500 + vol_left


def test_noeviction_refuses_writes_with_redis_text(make_server, request):
    s, c = start_plain(make_server, is_redis(request), "noeviction")
    replies = write_strings(c, "k", N)
    errors = [r for r in replies if r is not True]
    assert errors and all(isinstance(e, redis.ResponseError) and str(e) == OOM for e in errors), errors[:3]
    stored = ["k%d" % i for i, r in enumerate(replies) if r is True]
    assert len(stored) * VALUE_SIZE <= MAXMEMORY
    assert c.dbsize() == len(stored) and c.info("stats")["evicted_keys"] == 0
    assert read_back(c, stored) == []  # nothing was dropped
    with pytest.raises(redis.ResponseError) as e:
        c.hset("h", "f", "v")
    assert str(e.value) == OOM
    half = stored[:len(stored) // 2]
    assert c.delete(*half) == len(half)
    assert c.set("after-del", "v") is True


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-random"])
def test_allkeys_policy_without_tiering_drops_keys(make_server, request, policy):
    s, c = start_plain(make_server, is_redis(request), policy)
    replies = write_strings(c, "k", N)
    assert all(r is True for r in replies)
    left = c.dbsize()
    assert 100 < left and left * VALUE_SIZE <= MAXMEMORY
    assert c.info("stats")["evicted_keys"] >= N - left - 100
    p = c.pipeline(transaction=False)
    for i in range(N):
        p.exists("k%d" % i)
    present = ["k%d" % i for i, e in enumerate(p.execute()) if e]
    # (Redis counts the pipeline's replies against maxmemory: it may evict a few more meanwhile.)
    assert 100 < len(present) <= left
    bad = read_back(c, present)
    if is_redis(request):  # the MGET replies may cost a few more keys too
        bad = [b for b in bad if b[1] is not None]
    assert bad == []
