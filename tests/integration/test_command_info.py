# YottaStore. Licensed under the Apache License 2.0.
# COMMAND INFO against Redis's own table (tests/golden/command_info.json,
# written by utils/capture_golden.py): for every command and subcommand both
# know, name, arity, flags and key positions must be Redis's. Also checks
# that every reply has Redis 7's 10-element shape. Run with --target redis,
# the diff proves the golden file is Redis's.
import json
import os

import pytest
import redis

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden", "command_info.json")

# Commands whose registry row cannot say what Redis says, with the reason.
# Keep it empty unless the row model itself lacks the means.
KNOWN_DIFFERENCES = {
    # Redis 7.2 added ZRANK/ZREVRANK ... WITHSCORE (arity 3 -> -3); the golden
    # file comes from Debian's 7.0.15. https://redis.io/commands/zrank/
    "zrank": "7.2 WITHSCORE",
    "zrevrank": "7.2 WITHSCORE",
}


def raw(server, *args):
    """A reply without redis-py's response callbacks (they reshape COMMAND replies)."""
    conn = redis.Connection(host="127.0.0.1", port=server.port, decode_responses=True)
    try:
        conn.connect()
        conn.send_command(*args)
        return conn.read_response()
    finally:
        conn.disconnect()


@pytest.fixture(scope="module")
def golden():
    with open(GOLDEN) as f:
        return json.load(f)["commands"]


def test_command_info_matches_redis(server, golden):
    names = sorted(set(raw(server, "COMMAND", "LIST")) & set(golden))
    assert names, "no registered command appears in the golden file; rerun utils/capture_golden.py"
    infos = raw(server, "COMMAND", "INFO", *names)
    mismatches = []
    for name, info in zip(names, infos):
        assert info is not None, name
        want = golden[name]
        got = {"arity": info[1], "flags": list(info[2]), "first_key": info[3], "last_key": info[4],
               "step": info[5]}
        if info[0] != name:
            mismatches.append("%s: name %r" % (name, info[0]))
        elif got != want and name not in KNOWN_DIFFERENCES:
            fields = [k for k in sorted(want) if got[k] != want[k]]
            mismatches.append("%s: %s" % (name, ", ".join("%s ours=%r redis=%r" % (k, got[k], want[k])
                                                         for k in fields)))
    assert not mismatches, "COMMAND INFO differs from Redis:\n" + "\n".join(mismatches)


def check_shape(entry):
    assert len(entry) == 10
    name, arity, flags, first, last, step, cats, tips, specs, subs = entry
    assert isinstance(name, str) and name == name.lower()
    assert isinstance(arity, int) and arity != 0
    assert all(isinstance(f, str) for f in flags)
    assert all(isinstance(x, int) for x in (first, last, step))
    assert cats and all(c.startswith("@") for c in cats)
    assert ("@fast" in cats) != ("@slow" in cats)  # exactly one of them
    assert isinstance(tips, list)
    for spec in specs:
        spec = dict(zip(spec[::2], spec[1::2]))
        assert {"flags", "begin_search", "find_keys"} <= set(spec)
    if first:
        assert specs, name
    for sub in subs:
        check_shape(sub)
        assert sub[0].startswith(name + "|")


def test_every_entry_has_redis7_shape(server):
    table = raw(server, "COMMAND")
    assert len(table) == raw(server, "COMMAND", "COUNT")
    for entry in table:
        check_shape(entry)


def test_command_list_holds_every_command_and_subcommand(server):
    table = raw(server, "COMMAND")
    listed = set(raw(server, "COMMAND", "LIST"))
    for entry in table:
        assert entry[0] in listed
        for sub in entry[9]:
            assert sub[0] in listed
    assert len(listed) == len(table) + sum(len(e[9]) for e in table)
