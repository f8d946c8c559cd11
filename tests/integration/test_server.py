# YottaStore. Licensed under the Apache License 2.0.
# The server family: INFO, CONFIG, COMMAND, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB,
# TIME, SLOWLOG, LATENCY, MONITOR, SHUTDOWN, DEBUG, MEMORY -- replies, side
# effects and error texts, checked against Redis with --target redis. INFO
# fields are checked for presence and sense, not exact values.
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import pytest
import redis
from resp_raw import RawClient, Verbatim

# Many keys with distinct names, so that with --shards 4 they land on every shard.
KEYS = ["key:%d" % i for i in range(40)]


def raw(server, *args, **kw):
    """One reply without redis-py's response callbacks (which reshape COMMAND and
    friends). Errors come back as redis.ResponseError instances, not raised."""
    conn = redis.Connection(host="127.0.0.1", port=server.port, decode_responses=True, **kw)
    try:
        conn.connect()
        conn.send_command(*args)
        try:
            return conn.read_response()
        except redis.ResponseError as e:
            return e
    finally:
        conn.disconnect()


def err(server, *args):
    """The error text of a command that must fail."""
    reply = raw(server, *args)
    assert isinstance(reply, redis.ResponseError), "expected an error from %r, got %r" % (args, reply)
    return str(reply)


@pytest.fixture
def restore_config(r):
    """Call with directive names; their values are restored after the test."""
    saved = {}

    def save(*names):
        for n in names:
            saved.update(r.config_get(n))

    yield save
    for name, value in saved.items():
        r.config_set(name, value)


# ---------------------------------------------------------------- INFO

DEFAULT_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                    "Cluster", "Keyspace"]


def headers(text):
    return [line[2:] for line in text.split("\r\n") if line.startswith("# ")]


def test_info_default_sections(server, r):
    text = raw(server, "INFO")
    got = headers(text)
    for name in DEFAULT_SECTIONS:
        assert name in got
    assert "Commandstats" not in got
    # Sections come in Redis's order, each "# Name" line preceded by a blank line.
    order = [h for h in got if h in DEFAULT_SECTIONS]
    assert order == DEFAULT_SECTIONS
    assert "\r\n\r\n# Clients\r\n" in text
    assert text.startswith("# Server\r\n") and text.endswith("\r\n")


def test_info_section_selection(server, r):
    assert headers(raw(server, "INFO", "server")) == ["Server"]
    assert headers(raw(server, "INFO", "SERVER")) == ["Server"]
    assert headers(raw(server, "INFO", "keyspace", "server")) == ["Server", "Keyspace"]
    assert headers(raw(server, "INFO", "commandstats")) == ["Commandstats"]
    assert raw(server, "INFO", "nosuchsection") == ""
    everything = headers(raw(server, "INFO", "all"))
    assert "Commandstats" in everything and "Server" in everything and "Keyspace" in everything
    assert "Commandstats" in headers(raw(server, "INFO", "everything"))
    assert "Commandstats" in headers(raw(server, "INFO", "default", "commandstats"))


def test_info_server_fields(server, r):
    info = r.info("server")
    assert info["redis_mode"] == "standalone"
    assert info["tcp_port"] == server.port
    assert info["process_id"] == server.proc.pid
    assert info["arch_bits"] == 64
    assert re.fullmatch(r"[0-9a-f]{40}", info["run_id"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(info["redis_version"]))
    assert int(str(info["redis_version"]).split(".")[0]) >= 7
    assert info["uptime_in_seconds"] >= 0 and info["uptime_in_days"] == 0
    assert info["hz"] >= 1
    assert os.path.isabs(info["executable"])
    assert abs(info["server_time_usec"] / 1e6 - time.time()) < 5
    assert info["os"].startswith("Linux")
    if not server.is_redis:  # our own fields
        assert info["shards"] == server.shards
        assert "yotta_version" in info


def test_info_clients_counts_connections(server, r):
    before = r.info("clients")["connected_clients"]
    assert before >= 1
    other = server.client()
    other.ping()
    assert r.info("clients")["connected_clients"] == before + 1
    other.connection_pool.disconnect()
    deadline = time.time() + 5
    while r.info("clients")["connected_clients"] != before and time.time() < deadline:
        time.sleep(0.01)
    assert r.info("clients")["connected_clients"] == before
    assert r.info("clients")["maxclients"] == int(r.config_get("maxclients")["maxclients"])


def test_info_memory_fields(server, r, restore_config):
    restore_config("maxmemory")
    info = r.info("memory")
    assert info["used_memory"] > 0
    assert re.fullmatch(r"\d+(\.\d\d)?[BKMGTP]", info["used_memory_human"])
    assert info["used_memory_rss"] > 0
    assert info["mem_fragmentation_ratio"] > 0
    assert info["maxmemory"] == 0 and info["maxmemory_human"] == "0B"
    assert info["maxmemory_policy"] == "noeviction"
    assert info["mem_allocator"]
    r.config_set("maxmemory", "100mb")
    info = r.info("memory")
    assert info["maxmemory"] == 100 * 1024 * 1024
    assert info["maxmemory_human"] == "100.00M"
    if not server.is_redis:  # per-shard accounting is ours
        before = [info["yotta_shard_%d_used_memory" % i] for i in range(server.shards)]
        r.mset({k: "x" * 100 for k in KEYS})
        after = r.info("memory")
        grown = [after["yotta_shard_%d_used_memory" % i] - before[i] for i in range(server.shards)]
        assert all(g > 0 for g in grown)  # every shard holds some of the keys


def test_info_persistence_and_replication(server, r):
    p = r.info("persistence")
    assert p["loading"] == 0
    assert p["rdb_bgsave_in_progress"] == 0
    # Redis here runs without AOF; ours persists by default (persistence
    # everysec: the RocksDB WAL plays the AOF's part).
    assert p["aof_enabled"] == (0 if server.is_redis else 1)
    rep = r.info("replication")
    assert rep["role"] == "master"
    assert rep["connected_slaves"] == 0
    cpu = r.info("cpu")
    assert cpu["used_cpu_sys"] >= 0 and cpu["used_cpu_user"] >= 0
    assert r.info("cluster")["cluster_enabled"] == 0


def test_info_stats_count_commands_and_keyspace_hits(server, r):
    s0 = r.info("stats")
    r.mset({k: "v" for k in KEYS})
    for k in KEYS:
        assert r.get(k) == "v"
    for k in KEYS:
        assert r.get(k + ":missing") is None
    s1 = r.info("stats")
    assert s1["total_commands_processed"] >= s0["total_commands_processed"] + 2 * len(KEYS) + 1
    assert s1["keyspace_hits"] - s0["keyspace_hits"] == len(KEYS)
    assert s1["keyspace_misses"] - s0["keyspace_misses"] == len(KEYS)
    assert s1["total_net_input_bytes"] > s0["total_net_input_bytes"]
    assert s1["total_net_output_bytes"] > s0["total_net_output_bytes"]
    assert s1["total_connections_received"] >= 1
    assert s1["rejected_connections"] == 0
    assert s1["evicted_keys"] == 0
    assert s1["instantaneous_ops_per_sec"] >= 0


def test_info_stats_error_replies_and_expired_keys(server, r):
    s0 = r.info("stats")
    with pytest.raises(redis.ResponseError):
        r.execute_command("NOSUCHCOMMAND")
    r.set("k", "abc")
    with pytest.raises(redis.ResponseError):
        r.incr("k")
    for k in KEYS:
        r.set(k, "v", px=1)
    time.sleep(0.05)
    for k in KEYS:
        assert r.get(k) is None
    s1 = r.info("stats")
    assert s1["total_error_replies"] - s0["total_error_replies"] == 2
    assert s1["expired_keys"] - s0["expired_keys"] == len(KEYS)


def test_info_commandstats(server, r):
    r.config_resetstat()
    r.set("a", "1")
    r.set("a", "2")
    r.get("a")
    r.config_get("maxmemory")
    stats = r.info("commandstats")
    assert stats["cmdstat_set"]["calls"] == 2
    assert stats["cmdstat_get"]["calls"] == 1
    assert stats["cmdstat_config|get"]["calls"] == 1
    for v in stats.values():
        assert set(v) == {"calls", "usec", "usec_per_call", "rejected_calls", "failed_calls"}
        assert v["calls"] > 0
        assert v["usec_per_call"] == pytest.approx(v["usec"] / v["calls"], abs=0.01)


def test_info_commandstats_counts_failed_calls(server, r):
    r.config_resetstat()
    r.set("n", "notanumber")
    for _ in range(3):
        with pytest.raises(redis.ResponseError):
            r.execute_command("INCR", "n")  # r.incr() sends INCRBY
    stats = r.info("commandstats")
    assert stats["cmdstat_incr"]["calls"] == 3
    assert stats["cmdstat_incr"]["failed_calls"] == 3


def test_info_keyspace(server, r):
    assert r.info("keyspace") == {}
    r.mset({k: "v" for k in KEYS})
    for k in KEYS[:10]:
        r.expire(k, 1000)
    db1 = server.client(db=1, decode_responses=True)
    db1.set("only-in-db1", "x")
    ks = r.info("keyspace")
    assert ks["db0"]["keys"] == len(KEYS)
    assert ks["db0"]["expires"] == 10
    assert "avg_ttl" in ks["db0"]
    assert ks["db1"]["keys"] == 1 and ks["db1"]["expires"] == 0
    assert "db2" not in ks
    db1.close()


def test_info_is_verbatim_in_resp3(server, r):
    with RawClient(server.port) as c:
        assert isinstance(c.call("HELLO", "3"), dict)
        reply = c.call("INFO", "server")
        assert isinstance(reply, Verbatim) and reply.fmt == b"txt"
        assert reply.startswith(b"# Server\r\n")


# ---------------------------------------------------------------- CONFIG

def test_config_get(server, r):
    assert r.config_get("maxmemory") == {"maxmemory": "0"}
    got = r.config_get("maxmemory*")
    assert got["maxmemory"] == "0"
    assert got["maxmemory-policy"] == "noeviction"
    assert "port" not in got
    assert r.config_get("nosuch-directive") == {}
    # Several patterns in one call; a directive matched twice is returned once.
    both = raw(server, "CONFIG", "GET", "maxmemory", "port", "maxmem*")
    names = both[0::2]
    assert names.count("maxmemory") == 1 and "port" in names and "maxmemory-policy" in names
    assert both[names.index("port") * 2 + 1] == str(server.port)
    # An exact name is echoed as typed.
    assert raw(server, "CONFIG", "GET", "MAXMEMORY") == ["MAXMEMORY", "0"]
    # Old aliases still answer.
    assert r.config_get("hash-max-ziplist-entries") == {"hash-max-ziplist-entries": "128"} or server.is_redis


def test_config_set_applies_and_is_atomic(server, r, restore_config):
    restore_config("maxmemory", "maxmemory-policy", "slowlog-max-len")
    assert raw(server, "CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "allkeys-lru") == "OK"
    got = r.config_get("maxmemory*")
    assert got["maxmemory"] == str(10 * 1024 * 1024)
    assert got["maxmemory-policy"] == "allkeys-lru"
    # One bad pair: nothing is applied.
    e = err(server, "CONFIG", "SET", "maxmemory", "20mb", "maxmemory-policy", "nosuchpolicy")
    assert e.startswith("CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of")
    assert r.config_get("maxmemory")["maxmemory"] == str(10 * 1024 * 1024)
    assert r.config_set("slowlog-max-len", "64")
    assert r.config_get("slowlog-max-len") == {"slowlog-max-len": "64"}


def test_config_set_errors(server, r):
    assert err(server, "CONFIG", "SET", "maxmemory") == "wrong number of arguments for 'config|set' command"
    assert err(server, "CONFIG", "GET") == "wrong number of arguments for 'config|get' command"
    assert err(server, "CONFIG", "SET", "maxmemory", "10mb", "hz") == "syntax error"
    assert err(server, "CONFIG", "SET", "nosuch", "1") == "Unknown option or number of arguments for CONFIG SET - 'nosuch'"
    # Unknown names are found before bad values, wherever they are.
    assert err(server, "CONFIG", "SET", "maxmemory", "x", "nosuch", "1") == \
        "Unknown option or number of arguments for CONFIG SET - 'nosuch'"
    assert err(server, "CONFIG", "SET", "maxmemory", "1", "MAXMEMORY", "2") == \
        "CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter"
    assert err(server, "CONFIG", "SET", "daemonize", "yes") == \
        "CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"
    assert err(server, "CONFIG", "SET", "maxmemory-samples", "x") == \
        "CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument couldn't be parsed into an integer"
    assert r.config_get("maxmemory") == {"maxmemory": "0"}


def test_config_set_bad_memory_value(server, r):
    e = err(server, "CONFIG", "SET", "maxmemory", "abc")
    assert e == "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"
    assert r.config_get("maxmemory") == {"maxmemory": "0"}


def test_config_resetstat(server, r):
    r.mset({k: "v" for k in KEYS})
    for k in KEYS:
        r.get(k)
    with pytest.raises(redis.ResponseError):
        r.execute_command("SET", "x")
    assert r.config_resetstat()
    stats = r.info("stats")
    assert stats["total_commands_processed"] <= 2
    assert stats["keyspace_hits"] == 0 and stats["keyspace_misses"] == 0
    assert stats["total_error_replies"] == 0
    cmdstats = r.info("commandstats")
    assert "cmdstat_get" not in cmdstats and "cmdstat_mset" not in cmdstats


def test_config_resetstat_then_commands_in_one_pipeline(server, r):
    r.mset({k: "v" for k in KEYS})
    for k in KEYS:
        r.get(k)
    pipe = r.pipeline(transaction=False)
    pipe.config_resetstat()
    for k in KEYS:  # on every shard, the client's own included
        pipe.get(k)
    pipe.info("stats")
    replies = pipe.execute()
    assert replies[1:-1] == ["v"] * len(KEYS)
    assert replies[-1]["keyspace_hits"] == len(KEYS)


def test_config_rewrite_without_file(server, r):
    assert err(server, "CONFIG", "REWRITE") == "The server is running without a config file"


def test_config_rewrite_with_file(server, request):
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="yotta-rewrite-")
    conf = os.path.join(tmp, "test.conf")
    with open(conf, "w") as f:
        f.write("# a comment that must survive\nport %d\nbind 127.0.0.1\nmaxmemory 1mb\n" % port)
    binary = "redis-server" if server.is_redis else request.config.getoption("--binary")
    extra = ["--save", "", "--dir", tmp] if server.is_redis else ["--dir", tmp]
    proc = subprocess.Popen([binary, conf] + extra, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        c = wait_client(port)
        assert c.config_get("maxmemory") == {"maxmemory": str(1024 * 1024)}
        assert c.config_set("maxmemory", "5mb")
        assert c.config_set("maxmemory-policy", "allkeys-lru")
        assert c.config_rewrite()
        text = open(conf).read()
        assert "# a comment that must survive" in text
        lines = dict(line.split(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
        assert lines["maxmemory"] in ("5mb", str(5 * 1024 * 1024))
        assert lines["maxmemory-policy"] == "allkeys-lru"
        assert int(lines["port"]) == port
        c.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def test_config_help_and_unknown_subcommand(server, r):
    help_lines = raw(server, "CONFIG", "HELP")
    assert help_lines[0].startswith("CONFIG <subcommand>")
    assert any(line.startswith("GET") for line in help_lines)
    assert err(server, "CONFIG", "FOO") == "unknown subcommand 'FOO'. Try CONFIG HELP."
    assert err(server, "CONFIG") == "wrong number of arguments for 'config' command"
    assert err(server, "CONFIG", "HELP", "x") == "wrong number of arguments for 'config|help' command"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_client(port):
    deadline = time.time() + 10
    while True:
        try:
            c = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
            c.ping()
            return c
        except redis.ConnectionError:
            if time.time() > deadline:
                raise
            time.sleep(0.02)


# ---------------------------------------------------------------- COMMAND

def test_command_info(server, r):
    info = r.execute_command("COMMAND", "INFO", "get")["get"]
    assert info["arity"] == 2
    assert info["flags"] == ["readonly", "fast"]
    assert (info["first_key_pos"], info["last_key_pos"], info["step_count"]) == (1, 1, 1)
    entries = raw(server, "COMMAND", "INFO", "get", "nosuchcommand", "CONFIG|GET", "mset")
    assert len(entries) == 4
    get, missing, config_get, mset = entries
    assert get[0] == "get" and get[6] == ["@read", "@string", "@fast"]
    spec = dict(zip(get[8][0][::2], get[8][0][1::2]))
    assert spec["begin_search"] == ["type", "index", "spec", ["index", 1]]
    assert missing is None
    assert config_get[:6] == ["config|get", -3, ["admin", "noscript", "loading", "stale"], 0, 0, 0]
    assert "@admin" in config_get[6] and "@dangerous" in config_get[6]
    assert mset[:6] == ["mset", -3, ["write", "denyoom"], 1, -1, 2]


def test_command_info_containers_list_subcommands(server, r):
    config = raw(server, "COMMAND", "INFO", "config")[0]
    assert config[:6] == ["config", -2, [], 0, 0, 0]
    subs = {s[0]: s for s in config[9]}
    assert {"config|get", "config|set", "config|resetstat", "config|rewrite", "config|help"} <= set(subs)
    assert subs["config|set"][1] == -4


def test_command_all_and_count(server, r):
    table = raw(server, "COMMAND")
    names = {e[0] for e in table}
    assert {"get", "set", "info", "config", "command", "dbsize", "flushall"} <= names
    assert raw(server, "COMMAND", "COUNT") == len(table)
    assert len(r.command()) == len(table)
    assert err(server, "COMMAND", "COUNT", "x") == "wrong number of arguments for 'command|count' command"


def test_command_list_and_filters(server, r):
    names = raw(server, "COMMAND", "LIST")
    assert "get" in names and "config|get" in names
    assert sorted(raw(server, "COMMAND", "LIST", "FILTERBY", "PATTERN", "conf*")) == sorted(
        n for n in names if n.startswith("conf"))
    assert raw(server, "COMMAND", "LIST", "FILTERBY", "MODULE", "nosuchmodule") == []
    dangerous = raw(server, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "Dangerous")
    assert "flushall" in dangerous and "config|set" in dangerous and "get" not in dangerous
    assert "get" in raw(server, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "read")
    assert raw(server, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcategory") == []
    assert err(server, "COMMAND", "LIST", "FILTERBY") == "syntax error"
    assert err(server, "COMMAND", "LIST", "FILTERBY", "FOO", "x") == "syntax error"
    assert err(server, "COMMAND", "LIST", "FILTERBY", "PATTERN", "x", "y") == "syntax error"
    assert err(server, "COMMAND", "LIST", "x") == "syntax error"


def test_command_docs(server, r):
    docs = raw(server, "COMMAND", "DOCS", "get", "nosuchcommand")
    assert docs[0] == "get" and len(docs) == 2
    get = dict(zip(docs[1][::2], docs[1][1::2]))
    assert get["group"] == "string"
    config = raw(server, "COMMAND", "DOCS", "config")
    fields = dict(zip(config[1][::2], config[1][1::2]))
    assert fields["group"] == "server"
    subs = fields["subcommands"]
    assert "config|get" in subs[::2]
    assert raw(server, "COMMAND", "DOCS", "nosuchcommand") == []
    everything = raw(server, "COMMAND", "DOCS")
    assert len(everything) == 2 * raw(server, "COMMAND", "COUNT")


def test_command_getkeys(server, r):
    assert raw(server, "COMMAND", "GETKEYS", "get", "a") == ["a"]
    assert raw(server, "COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2") == ["a", "b"]
    assert raw(server, "COMMAND", "GETKEYS", "set", "k", "v", "EX", "10") == ["k"]
    assert err(server, "COMMAND", "GETKEYS", "nosuch", "a") == "Invalid command specified"
    assert err(server, "COMMAND", "GETKEYS", "config|get", "x") == "Invalid command specified"
    assert err(server, "COMMAND", "GETKEYS", "config", "get", "x") == "The command has no key arguments"
    assert err(server, "COMMAND", "GETKEYS", "get", "a", "b") == "Invalid number of arguments specified for command"
    assert err(server, "COMMAND", "GETKEYS", "get") == "wrong number of arguments for 'command|getkeys' command"
    with_keys = raw(server, "COMMAND", "GETKEYSANDFLAGS", "mset", "a", "1", "b", "2")
    assert [k for k, _ in with_keys] == ["a", "b"]
    for _, flags in with_keys:
        assert flags and all(isinstance(f, str) for f in flags)
    assert err(server, "COMMAND", "GETKEYSANDFLAGS", "ping", "x") == "The command has no key arguments"


def test_command_getkeys_numkeys(server, r):
    names = raw(server, "COMMAND", "LIST")
    cmd = next((c for c in ("zunion", "sintercard", "eval") if c in names), None)
    if cmd is None:
        pytest.skip("no numkeys command registered yet")
    args = {"zunion": ["2", "a", "b"], "sintercard": ["2", "a", "b"], "eval": ["return 1", "2", "a", "b"]}[cmd]
    assert raw(server, "COMMAND", "GETKEYS", cmd, *args) == ["a", "b"]
    bad = list(args)
    bad[-3] = "5"
    assert err(server, "COMMAND", "GETKEYS", cmd, *bad) == "Invalid arguments specified for command"


def test_command_help_and_unknown_subcommand(server, r):
    lines = raw(server, "COMMAND", "HELP")
    assert lines[0] == "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert "GETKEYS <full-command>" in lines
    assert err(server, "COMMAND", "FOO") == "unknown subcommand 'FOO'. Try COMMAND HELP."


# ---------------------------------------------------------------- keyspace-wide

def test_dbsize_counts_keys_on_every_shard(server, r):
    assert r.dbsize() == 0
    r.mset({k: "v" for k in KEYS})
    assert r.dbsize() == len(KEYS)
    db1 = server.client(db=1, decode_responses=True)
    assert db1.dbsize() == 0
    db1.set("x", "1")
    assert db1.dbsize() == 1 and r.dbsize() == len(KEYS)
    db1.close()
    assert err(server, "DBSIZE", "x") == "wrong number of arguments for 'dbsize' command"


def test_flushdb_only_current_db(server, r):
    r.mset({k: "v" for k in KEYS})
    db1 = server.client(db=1, decode_responses=True)
    db1.mset({k: "w" for k in KEYS})
    assert db1.flushdb()
    assert db1.dbsize() == 0
    assert r.dbsize() == len(KEYS)
    assert r.flushdb(asynchronous=True)
    assert r.dbsize() == 0
    r.set("a", "1")
    assert r.execute_command("FLUSHDB", "SYNC")
    assert r.get("a") is None
    assert err(server, "FLUSHDB", "foo") == "syntax error"
    assert err(server, "FLUSHDB", "SYNC", "x") == "syntax error"
    db1.close()


def test_flushall_every_db(server, r):
    r.mset({k: "v" for k in KEYS})
    db2 = server.client(db=2, decode_responses=True)
    db2.set("a", "1", ex=100)
    assert r.flushall(asynchronous=True)
    assert r.dbsize() == 0 and db2.dbsize() == 0
    assert db2.get("a") is None
    db2.set("b", "1")
    assert r.execute_command("FLUSHALL", "sync")
    assert db2.dbsize() == 0
    assert r.info("keyspace") == {}
    assert err(server, "FLUSHALL", "foo") == "syntax error"
    assert err(server, "FLUSHALL", "ASYNC", "SYNC") == "syntax error"
    db2.close()


def test_swapdb(server, r):
    r.mset({k: "db0" for k in KEYS})
    db1 = server.client(db=1, decode_responses=True)
    db1.set("only-db1", "x", ex=100)
    assert r.swapdb(0, 1)
    assert r.dbsize() == 1 and r.get("only-db1") == "x" and r.ttl("only-db1") > 0
    assert db1.dbsize() == len(KEYS)
    assert all(v == "db0" for v in db1.mget(KEYS))
    assert r.swapdb(1, 1)
    assert r.swapdb(1, 0)
    assert r.dbsize() == len(KEYS)
    assert err(server, "SWAPDB", "0", "x") == "invalid second DB index"
    assert err(server, "SWAPDB", "x", "0") == "invalid first DB index"
    assert err(server, "SWAPDB", "0", "99") == "DB index is out of range"
    assert err(server, "SWAPDB", "-1", "0") == "DB index is out of range"
    assert err(server, "SWAPDB", "0") == "wrong number of arguments for 'swapdb' command"
    db1.close()


def test_time(server, r):
    secs, usecs = r.time()
    assert abs(secs + usecs / 1e6 - time.time()) < 2
    assert 0 <= usecs < 1000000
    reply = raw(server, "TIME")
    assert len(reply) == 2 and all(isinstance(x, str) and x.isdigit() for x in reply)
    assert err(server, "TIME", "x") == "wrong number of arguments for 'time' command"


# ---------------------------------------------------------------- SLOWLOG

def test_slowlog(server, r, restore_config):
    restore_config("slowlog-log-slower-than", "slowlog-max-len")
    r.config_set("slowlog-log-slower-than", "-1")
    assert r.slowlog_reset()
    assert r.slowlog_len() == 0
    r.client_setname("slowpoke")
    r.config_set("slowlog-log-slower-than", "0")
    r.set("slowkey", "v")
    r.get("slowkey")
    entries = r.slowlog_get(2)
    assert [e["command"] for e in entries] == [b"GET slowkey", b"SET slowkey v"]
    assert entries[0]["id"] > entries[1]["id"]
    # id, unix time, microseconds, arguments, client address, client name
    newest = raw(server, "SLOWLOG", "GET", "1")[0]
    assert newest[0] == entries[0]["id"] + 1  # the SLOWLOG GET above
    assert abs(newest[1] - time.time()) < 5
    assert newest[2] >= 0
    assert newest[3] == ["SLOWLOG", "GET", "2"]
    assert newest[4].rsplit(":", 1)[0] == "127.0.0.1"
    assert newest[5] == "slowpoke"
    assert r.slowlog_len() >= 3
    # Long argument lists and arguments are shortened as Redis does.
    r.execute_command("ECHO", "x" * 200)
    r.execute_command("DEL", *["k%d" % i for i in range(40)])
    latest = raw(server, "SLOWLOG", "GET", "2")
    del_args, echo_args = latest[0][3], latest[1][3]
    assert len(del_args) == 32 and del_args[-1] == "... (10 more arguments)"
    assert echo_args[1] == "x" * 128 + "... (72 more bytes)"
    assert len(raw(server, "SLOWLOG", "GET", "-1")) == r.slowlog_len() - 1  # GET itself logged after
    assert raw(server, "SLOWLOG", "GET", "0") == []
    r.config_set("slowlog-log-slower-than", "-1")
    assert r.slowlog_reset()
    assert r.slowlog_len() == 0


def test_slowlog_errors_and_help(server, r):
    assert err(server, "SLOWLOG", "GET", "x") == "count should be greater than or equal to -1"
    assert err(server, "SLOWLOG", "GET", "-2") == "count should be greater than or equal to -1"
    assert err(server, "SLOWLOG", "GET", "1", "2") == \
        "unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."
    assert err(server, "SLOWLOG", "LEN", "x") == "wrong number of arguments for 'slowlog|len' command"
    assert err(server, "SLOWLOG", "FOO") == "unknown subcommand 'FOO'. Try SLOWLOG HELP."
    assert err(server, "SLOWLOG") == "wrong number of arguments for 'slowlog' command"
    assert raw(server, "SLOWLOG", "HELP")[0] == "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"


# ---------------------------------------------------------------- LATENCY

def test_latency_with_no_samples(server, r):
    assert raw(server, "LATENCY", "LATEST") == []
    assert raw(server, "LATENCY", "HISTORY", "command") == []
    assert raw(server, "LATENCY", "RESET") == 0
    assert raw(server, "LATENCY", "RESET", "command", "fork") == 0
    doctor = raw(server, "LATENCY", "DOCTOR")
    assert isinstance(doctor, str) and doctor
    assert err(server, "LATENCY", "GRAPH", "command") == "No samples available for event 'command'"
    assert raw(server, "LATENCY", "HELP")[0] == "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert err(server, "LATENCY", "HISTORY") == "wrong number of arguments for 'latency|history' command"
    assert err(server, "LATENCY", "HISTORY", "a", "b") == "wrong number of arguments for 'latency|history' command"
    assert err(server, "LATENCY", "FOO") == "unknown subcommand 'FOO'. Try LATENCY HELP."


# ---------------------------------------------------------------- MONITOR

def test_monitor_sees_other_clients_commands(server, r):
    mon = server.client(decode_responses=True)
    with mon.monitor() as m:
        r.set("monitored", "va\"lue")
        r.get("monitored")
        db3 = server.client(db=3, decode_responses=True)
        db3.set("in-db3", "1")
        seen = []
        while len(seen) < 3:
            cmd = m.next_command()
            if cmd["command"].split(" ")[0].upper() in ("SET", "GET"):
                seen.append(cmd)
        assert [c["command"].lower() for c in seen] == ['set monitored va"lue', "get monitored", "set in-db3 1"]
        assert [c["db"] for c in seen] == [0, 0, 3]
        assert seen[0]["client_address"] == "127.0.0.1"
        assert abs(seen[0]["time"] - time.time()) < 5
        db3.close()
    mon.close()


def test_monitor_reply_and_second_monitor_is_silent(server, r):
    conn = redis.Connection(host="127.0.0.1", port=server.port, decode_responses=True)
    conn.connect()
    try:
        conn.send_command("MONITOR")
        assert conn.read_response() == "OK"
        conn.send_command("MONITOR")  # already monitoring: no reply at all
        conn.send_command("PING")
        assert conn.read_response() == "PONG"
    finally:
        conn.disconnect()
    assert err(server, "MONITOR", "x") == "wrong number of arguments for 'monitor' command"


# ---------------------------------------------------------------- SHUTDOWN

def test_shutdown_stops_the_server(make_server):
    s = make_server()
    c = s.client()
    c.set("k", "v")
    c.shutdown(nosave=True)  # redis-py expects the connection to drop
    assert s.proc.wait(timeout=10) == 0


def test_shutdown_without_arguments(make_server):
    s = make_server()
    with pytest.raises(redis.ConnectionError):
        s.client().execute_command("SHUTDOWN")
    assert s.proc.wait(timeout=10) == 0


def test_shutdown_errors_keep_the_server_running(server, r):
    assert err(server, "SHUTDOWN", "foo") == "syntax error"
    assert err(server, "SHUTDOWN", "SAVE", "NOSAVE") == "syntax error"
    assert err(server, "SHUTDOWN", "ABORT", "NOW") == "syntax error"
    assert err(server, "SHUTDOWN", "ABORT") == "No shutdown in progress."
    assert r.ping()


# ---------------------------------------------------------------- DEBUG / MEMORY

DEBUG_OBJECT_RE = re.compile(r"Value at:0x[0-9a-f]+ refcount:\d+ encoding:(\S+) serializedlength:(\d+) "
                             r"lru:\d+ lru_seconds_idle:\d+")


def test_debug_object(server, r):
    r.set("s", "hello")
    r.set("n", "12345")
    r.set("big", "x" * 100)
    enc = {}
    for k in ("s", "n", "big"):
        m = DEBUG_OBJECT_RE.fullmatch(raw(server, "DEBUG", "OBJECT", k))
        assert m, k
        enc[k] = m.group(1)
    assert enc == {"s": "embstr", "n": "int", "big": "raw"}
    assert r.debug_object("s")["encoding"] == "embstr"
    assert DEBUG_OBJECT_RE.fullmatch(raw(server, "DEBUG", "OBJECT", "s")).group(2) == "6"
    assert err(server, "DEBUG", "OBJECT", "nosuchkey") == "no such key"
    assert err(server, "DEBUG", "OBJECT") == \
        "unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP."
    assert err(server, "DEBUG", "OBJECT", "a", "b") == \
        "unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP."


def test_debug_object_on_every_shard(server, r):
    r.mset({k: "v" for k in KEYS})
    for k in KEYS:
        assert DEBUG_OBJECT_RE.fullmatch(raw(server, "DEBUG", "OBJECT", k)), k


def test_debug_sleep_replies_after_the_delay(server, r):
    assert raw(server, "DEBUG", "SLEEP", "0") == "OK"
    assert raw(server, "DEBUG", "SLEEP", "x") == "OK"  # not a number: 0, as Redis's atof
    start = time.time()
    pipe = r.pipeline(transaction=False)
    pipe.execute_command("DEBUG", "SLEEP", "0.3")
    pipe.set("after-sleep", "1")
    pipe.get("after-sleep")
    assert pipe.execute() == ["OK", True, "1"]  # replies keep their order
    assert time.time() - start >= 0.29


def test_debug_sleep_does_not_block_other_clients(server, r):
    if server.is_redis:
        pytest.skip("Redis's DEBUG SLEEP blocks the whole server; ours parks only its client")
    done = []
    sleeper = server.client()
    t = threading.Thread(target=lambda: done.append(sleeper.execute_command("DEBUG", "SLEEP", "1")))
    t.start()
    time.sleep(0.1)
    start = time.time()
    for k in KEYS:  # keys on every shard, including the sleeper's
        r.set(k, "v")
    assert time.time() - start < 0.5
    assert not done  # still asleep
    t.join(5)
    assert done == [b"OK"]
    sleeper.close()


def test_debug_help_and_unknown_subcommand(server, r):
    lines = raw(server, "DEBUG", "HELP")
    assert lines[0] == "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert "OBJECT <key>" in lines and "SLEEP <seconds>" in lines
    assert err(server, "DEBUG", "NOSUCH") == \
        "unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP."
    assert err(server, "DEBUG", "SLEEP") == \
        "unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP."
    assert err(server, "DEBUG") == "wrong number of arguments for 'debug' command"


DEBUG_DENIED = ("DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can "
                "run it from a local connection, otherwise you need to set this option in the configuration "
                "file, and then restart the server.")


def test_debug_disabled_by_config(make_server):
    s = make_server("--enable-debug-command", "no")
    assert err(s, "DEBUG", "HELP") == DEBUG_DENIED
    assert err(s, "DEBUG", "NOSUCH") == DEBUG_DENIED
    assert err(s, "DEBUG", "SLEEP", "0") == DEBUG_DENIED
    s2 = make_server("--enable-debug-command", "local")
    assert raw(s2, "DEBUG", "SLEEP", "0") == "OK"  # we connect over loopback


def test_memory_usage(server, r):
    r.set("m", "x" * 1000)
    usage = r.memory_usage("m")
    assert 1000 < usage < 2000
    assert r.memory_usage("nosuchkey") is None
    assert raw(server, "MEMORY", "USAGE", "m", "SAMPLES", "5") == usage
    assert raw(server, "MEMORY", "USAGE", "m", "SAMPLES", "0") == usage
    assert err(server, "MEMORY", "USAGE", "m", "SAMPLES", "x") == "value is not an integer or out of range"
    assert err(server, "MEMORY", "USAGE", "m", "SAMPLES") == "syntax error"
    assert err(server, "MEMORY", "USAGE", "m", "foo") == "syntax error"
    assert err(server, "MEMORY", "USAGE") == "wrong number of arguments for 'memory|usage' command"
    for k in KEYS:  # keys on every shard
        r.set(k, "v")
        assert r.memory_usage(k) > 0
    assert raw(server, "MEMORY", "HELP")[0] == "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert err(server, "MEMORY", "FOO") == "unknown subcommand 'FOO'. Try MEMORY HELP."
