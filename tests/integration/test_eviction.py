# maxmemory and eviction: noeviction refuses writes with Redis's OOM text,
# volatile-* evicts only keys with a TTL (and refuses writes when there are
# none), allkeys-* keeps memory bounded while ten times maxmemory is written.
# Eviction is approximate in Redis and here, so the tests assert properties,
# not exact key sets.
import pytest
import redis

MAXMEMORY = 3 * 1024 * 1024
VALUE = "x" * 1000
OOM = "OOM command not allowed when used memory > 'maxmemory'."


def start(make_server, policy, maxmemory=MAXMEMORY):
    s = make_server("--maxmemory", str(maxmemory), "--maxmemory-policy", policy)
    return s, s.client(decode_responses=True)


def write(c, prefix, n, start=0, ex=None, batch=500):
    """SETs n keys in pipelined batches; returns the replies (errors included)."""
    replies = []
    for lo in range(start, start + n, batch):
        p = c.pipeline(transaction=False)
        for i in range(lo, min(lo + batch, start + n)):
            p.set(f"{prefix}{i}", VALUE, ex=ex)
        replies.extend(p.execute(raise_on_error=False))
    return replies


def evicted(c):
    return int(c.info("stats")["evicted_keys"])


def assert_memory_bounded(server, c):
    keys = c.dbsize()
    # Each key holds at least VALUE's bytes, so the live keys must fit.
    assert keys * len(VALUE) <= MAXMEMORY
    mem = c.info("memory")
    if server.is_redis:
        # Redis charges every allocation of the process against maxmemory.
        assert mem["used_memory"] <= MAXMEMORY * 1.2
    else:
        # YottaStore charges the keyspace, per shard (DESIGN.md section 3).
        assert mem["used_memory_dataset"] <= MAXMEMORY * 1.2
    return keys


def test_noeviction_refuses_writes(make_server):
    server, c = start(make_server, "noeviction")
    failed_key = None
    for i in range(20000):  # 20 MB worth at most
        try:
            c.set(f"k{i}", VALUE)
        except redis.ResponseError as e:
            assert str(e) == OOM
            failed_key = f"k{i}"
            break
    assert failed_key is not None, "never hit maxmemory"
    assert int(failed_key[1:]) * len(VALUE) <= MAXMEMORY  # refused before going far past the limit
    # The refused write changed nothing, and keeps being refused.
    assert c.exists(failed_key) == 0
    with pytest.raises(redis.ResponseError, match="^OOM command not allowed"):
        c.set(failed_key, VALUE)
    with pytest.raises(redis.ResponseError, match="^OOM command not allowed"):
        c.execute_command("COPY", "k0", failed_key)
    # Reads and deletes still work; nothing was evicted.
    assert c.get("k0") == VALUE
    assert evicted(c) == 0
    assert c.dbsize() == int(failed_key[1:])
    stats = c.info("commandstats")["cmdstat_set"]
    assert stats["rejected_calls"] >= 2
    c.flushall()
    assert c.set(failed_key, VALUE) is True
    # Raising the limit at run time lets writes through again.
    write(c, "fill", 20000)  # some refused
    c.config_set("maxmemory", "0")
    assert c.set("after", VALUE) is True
    c.close()


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-lfu", "allkeys-random"])
def test_allkeys_policies_keep_memory_bounded(make_server, policy):
    server, c = start(make_server, policy)
    n = 10 * MAXMEMORY // len(VALUE)
    replies = write(c, "k", n)
    assert all(r is True for r in replies), [r for r in replies if r is not True][:3]
    keys = assert_memory_bounded(server, c)
    assert keys > 100  # evicted only what was needed, not everything
    assert evicted(c) >= n - keys - 100
    # The most recent writes are still there.
    assert c.exists(*[f"k{i}" for i in range(n - 20, n)]) >= 15
    c.close()


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"])
def test_volatile_policies_evict_only_keys_with_ttl(make_server, policy):
    server, c = start(make_server, policy)
    persistent = [f"keep{i}" for i in range(300)]
    assert all(r is True for r in write(c, "keep", 300))
    n = 10 * MAXMEMORY // len(VALUE)
    replies = write(c, "vol", n, ex=10000)
    assert all(r is True for r in replies), [r for r in replies if r is not True][:3]
    assert c.exists(*persistent) == 300  # never evicted
    assert evicted(c) > 0
    assert_memory_bounded(server, c)
    c.close()


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-ttl"])
def test_volatile_policies_without_volatile_keys_refuse_writes(make_server, policy):
    server, c = start(make_server, policy)
    replies = write(c, "k", 10 * MAXMEMORY // len(VALUE))
    errors = [r for r in replies if r is not True]
    assert errors and all(str(e) == OOM for e in errors)
    assert evicted(c) == 0
    assert c.get("k0") == VALUE
    c.close()


def test_volatile_ttl_evicts_soonest_expiring_first(make_server):
    server, c = start(make_server, "volatile-ttl")
    write(c, "late", 200, ex=100000)
    write(c, "soon", 10 * MAXMEMORY // len(VALUE), ex=1000)
    late = c.exists(*[f"late{i}" for i in range(200)])
    assert late >= 180, late
    assert evicted(c) > 0
    c.close()


def test_lfu_keeps_frequently_used_keys(make_server):
    server, c = start(make_server, "allkeys-lfu")
    hot = [f"hot{i}" for i in range(50)]
    write(c, "hot", 50)
    p = c.pipeline(transaction=False)
    for _ in range(200):
        p.touch(*hot)  # small replies: Redis counts output buffers against maxmemory
    p.execute()
    assert all(c.object("freq", k) > 5 for k in hot)
    write(c, "cold", 10 * MAXMEMORY // len(VALUE))
    assert c.exists(*hot) >= 45
    assert evicted(c) > 0
    c.close()


def test_object_freq_and_idletime_follow_the_policy(make_server):
    server, c = start(make_server, "allkeys-lfu", maxmemory=100 * 1024 * 1024)
    c.set("k", "v")
    assert c.object("freq", "k") in (4, 5)  # Redis's LFU_INIT_VAL (minus a decay at a minute edge)
    with pytest.raises(redis.ResponseError, match="An LFU maxmemory policy is selected, idle time not tracked"):
        c.object("idletime", "k")
    c.config_set("maxmemory-policy", "allkeys-lru")
    assert c.object("idletime", "k") >= 0
    with pytest.raises(redis.ResponseError, match="An LFU maxmemory policy is not selected"):
        c.object("freq", "k")
    # RESTORE ... FREQ sets the counter under LFU.
    c.config_set("maxmemory-policy", "volatile-lfu")
    payload = server.client().dump("k")
    assert server.client().restore("r", 0, payload, frequency=100) == b"OK"
    assert c.object("freq", "r") == 100
    c.close()
