# YottaStore. Licensed under the Apache License 2.0.
# The crash test (utils/crashtest/crashtest.py) in `make test`: a short run
# (5 SIGKILL cycles, persistence always, 2+ shards, well under a minute) must
# lose nothing; the same tool on a server that keeps nothing (persistence no)
# must report the loss; and its checker must flag each broken invariant
# (checked against the running test server, YottaStore or redis-server).
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "utils", "crashtest"))
import crashtest  # noqa: E402
import resp  # noqa: E402

TOOL = os.path.join(ROOT, "utils", "crashtest", "crashtest.py")
SUMMARY = re.compile(r"^crashtest: (\d+) cycles, (\d+) acknowledged writes checked, (\d+) lost$", re.M)


def run_tool(request, tmp_path, *args, timeout=120):
    if request.config.getoption("--target") == "redis":
        pytest.skip("kills and restarts YottaStore on its RocksDB dir")
    shards = max(2, int(request.config.getoption("--shards")))
    # The work dir (data, server.log, acks.log) stays in pytest's tmp dir on failure.
    cmd = [sys.executable, TOOL, "--binary", request.config.getoption("--binary"), "--shards", str(shards),
           "--workdir", str(tmp_path / "crashtest")]
    p = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=timeout)
    out = p.stdout + p.stderr
    m = SUMMARY.findall(out)
    assert m, "no summary line:\n" + out[-3000:]
    return p.returncode, [int(x) for x in m[-1]], out


def test_short_crash_run_loses_nothing(request, tmp_path):
    rc, (cycles, checked, lost), out = run_tool(request, tmp_path, "--cycles", "5", "--seconds-per-cycle", "1.5",
                                                "--persistence", "always")
    assert rc == 0 and cycles == 5 and lost == 0, out[-4000:]
    assert checked > 1000, out[-2000:]


def test_crash_run_reports_a_server_that_keeps_nothing(request, tmp_path):
    """Self-test: with persistence no a restart starts empty, so every
    acknowledged write is lost and the tool must fail."""
    rc, (cycles, checked, lost), out = run_tool(request, tmp_path, "--cycles", "1", "--seconds-per-cycle", "1",
                                                "--persistence", "no", "--max-details", "3")
    assert rc == 1 and checked > 0 and lost > 0, out[-2000:]


# The checker, on hand-made damage in the test server.


def model_with(r):
    m = crashtest.Model()
    m.counters = {}  # only what each test sets up
    return m


def check(server, model):
    conn = resp.Conn(server.port)
    try:
        rep = crashtest.Report(kill_time=None)
        crashtest.verify(conn, model, rep, shards=2)
        return rep
    finally:
        conn.close()


def acked(item):
    item.state, item.ack = "acked", 1.0
    return item


def test_checker_accepts_an_intact_server(server, r):
    m = model_with(r)
    m.sets.append(acked(crashtest.Item("s:1", None, "v1", 1)))
    m.sets.append(crashtest.Item("s:2", None, "v2", 1))  # pending, absent: fine
    r.set("s:1", "v1")
    m.pairs.append(acked(crashtest.Item("pa:1", "pb:1", "tok", 1)))
    r.mset({"pa:1": "tok", "pb:1": "tok"})
    rep = check(server, m)
    assert rep.violations == [] and rep.lost == [] and rep.checked == 2


def test_checker_flags_lost_and_wrong_values(server, r):
    m = model_with(r)
    m.sets.append(acked(crashtest.Item("s:lost", None, "v", 1)))
    m.sets.append(acked(crashtest.Item("s:wrong", None, "v", 1)))
    r.set("s:wrong", "other")
    rep = check(server, m)
    assert len(rep.lost) == 1 and "s:lost" in rep.lost[0][1]
    assert any("s:wrong" in v for v in rep.violations)


def test_checker_flags_half_applied_multi(server, r):
    m = model_with(r)
    m.pairs.append(crashtest.Item("pa:x", "pb:x", "tok", 1))  # pending: all or nothing still holds
    r.set("pa:x", "tok")
    rep = check(server, m)
    assert any("half applied" in v for v in rep.violations), rep.violations


def test_checker_flags_counters_lists_and_dbsize(server, r):
    m = model_with(r)
    ctr = crashtest.Counter("c:0")
    ctr.floor, ctr.ceiling, ctr.ack = 5, 7, 1.0
    m.counters["c:0"] = ctr
    r.set("c:0", 9)  # more than the INCRs sent
    items = [crashtest.Item("l:0", "1.0", "1.0:%d" % i, 1) for i in (1, 2, 3)]
    for it in items:
        acked(it)
    m.pushes["l:0"] = items
    r.rpush("l:0", "1.0:2", "1.0:1", "1.0:3", "1.0:3")  # out of order, duplicated
    r.set("stray", "x")  # a key nobody wrote: DBSIZE disagrees
    rep = check(server, m)
    text = "\n".join(rep.violations)
    assert "only 7 INCRs" in text and "client order" in text and "twice" in text and "DBSIZE" in text, text
    r.set("c:0", 3)
    ctr.floor, ctr.ceiling, ctr.ack = 5, 7, 1.0
    rep = check(server, m)
    assert any("c:0" in t for _, t in rep.lost)
