# YottaStore. Licensed under the Apache License 2.0.
# Helpers for the persistence, tiering and crash tests: a server that can be
# stopped, SIGKILLed and started again on the SAME dir (conftest's Server owns
# a fresh temp dir per process), dir snapshots to prove a refused dir was left
# untouched, and a foreign (non-YottaStore) RocksDB for the refusal tests.
# The server log lives beside the data dir, never in it, so the data dir holds
# only what the server writes there.
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import free_port

READY = "Ready to accept connections"


@pytest.fixture
def yotta_only(request):
    if request.config.getoption("--target") == "redis":
        pytest.skip("YottaStore storage (RocksDB) only")


class PServer:
    """A yottastore process on `datadir` (a fresh temp dir unless given) that
    can be started, stopped and SIGKILLed any number of times."""

    def __init__(self, config, *args, datadir=None):
        self.binary = config.getoption("--binary")
        self.shards = int(config.getoption("--shards"))
        self.base = tempfile.mkdtemp(prefix="yotta-persist-")
        self.datadir = datadir or os.path.join(self.base, "data")
        os.makedirs(self.datadir, exist_ok=True)
        self.logpath = os.path.join(self.base, "server.log")
        self.args = list(args)
        self.port = free_port()
        self.proc = None
        self.logf = None
        self.startup_s = None

    def cmdline(self, extra=()):
        return [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--shards", str(self.shards),
                "--dir", self.datadir, "--enable-debug-command", "yes"] + self.args + list(extra)

    def spawn(self, extra=()):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with open(self.logpath, "a") as f:
            f.write("\n===== start %s: %s\n" % (time.strftime("%H:%M:%S"), " ".join(self.cmdline(extra))))
        self.log_offset = os.path.getsize(self.logpath)
        self.logf = open(self.logpath, "a")
        self.t_spawn = time.time()
        self.proc = subprocess.Popen(self.cmdline(extra), stdout=self.logf, stderr=subprocess.STDOUT)

    def start(self, *extra, timeout=30):
        """Starts and waits until it serves; RuntimeError (with the log) if it
        does not."""
        self.spawn(extra)
        if not self.wait_ready(timeout):
            out = self.last_log()
            self.kill9()
            raise RuntimeError("server did not start on %s:\n%s" % (self.datadir, out))
        self.startup_s = time.time() - self.t_spawn
        return self

    def wait_ready(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            if READY in self.last_log():
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        return True
                except OSError:
                    pass
            time.sleep(0.01)
        return False

    def start_fails(self, *extra, timeout=20):
        """Starts a server that must refuse to run: returns (exit code, log of
        this start). AssertionError if it serves or is still running."""
        self.spawn(extra)
        deadline = time.time() + timeout
        while self.proc.poll() is None:
            if time.time() > deadline or self.wait_ready(0.05):
                out = self.last_log()
                self.kill9()
                raise AssertionError("server runs on %s instead of refusing it:\n%s" % (self.datadir, out))
            time.sleep(0.05)
        self.logf.close()
        return self.proc.returncode, self.last_log()

    def last_log(self):
        """What this start logged."""
        with open(self.logpath, errors="replace") as f:
            f.seek(self.log_offset)
            return f.read()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        """SIGKILL the process this object started (by pid) and reap it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.logf.close()

    def stop(self, timeout=30):
        """A clean stop (SIGTERM); returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                raise AssertionError("server ignored SIGTERM for %d s" % timeout)
        self.logf.close()
        return self.proc.returncode

    def restart(self, *extra, kill=True):
        """SIGKILL (or a clean stop) and start again on the same dir."""
        if kill:
            self.kill9()
        else:
            self.stop()
        return self.start(*extra)

    def client(self, **kw):
        kw.setdefault("decode_responses", True)
        kw.setdefault("socket_timeout", 30)
        return redis.Redis(host="127.0.0.1", port=self.port, **kw)

    def cleanup(self):
        if self.alive():
            self.kill9()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def pserver(request):
    """Factory: pserver(*args, datadir=None) -> a started PServer."""
    made = []

    def make(*args, datadir=None, start=True):
        s = PServer(request.config, *args, datadir=datadir)
        made.append(s)
        if start:
            s.start()
        return s

    yield make
    for s in made:
        s.cleanup()


def snapshot(path):
    """{relative path: (kind, size, sha256)} of everything under path, so a
    test can prove a refused dir was not touched. RocksDB's informational
    LOG files are listed apart (opening a DB to find it corrupt may write them)."""
    out = {}
    for root, dirs, files in os.walk(path):
        for d in dirs:
            out[os.path.relpath(os.path.join(root, d), path)] = ("dir", 0, "")
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
            out[os.path.relpath(p, path)] = ("file", os.path.getsize(p), digest)
    return out


def without_info_logs(snap):
    return {k: v for k, v in snap.items()
            if not (os.path.basename(k) == "LOG" or os.path.basename(k).startswith("LOG.old"))}


_FOREIGN_SRC = r"""
#include <rocksdb/db.h>
#include <cstdio>
#include <string>
// Writes a plain RocksDB database (not YottaStore's) at argv[1].
int main(int argc, char** argv) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* db;
  rocksdb::Status s = rocksdb::DB::Open(o, argv[1], &db);
  if (!s.ok()) { std::fprintf(stderr, "%s\n", s.ToString().c_str()); return 1; }
  for (int i = 0; i < 100; i++) db->Put(rocksdb::WriteOptions(), "user:" + std::to_string(i), "precious");
  db->Flush(rocksdb::FlushOptions());
  delete db;
  return 0;
}
"""


def make_foreign_rocksdb(path):
    """A RocksDB written by another program at path; skips the test when no
    C++ compiler/librocksdb is available to write one."""
    work = tempfile.mkdtemp(prefix="yotta-foreign-")
    try:
        src = os.path.join(work, "foreign.cc")
        exe = os.path.join(work, "foreign")
        with open(src, "w") as f:
            f.write(_FOREIGN_SRC)
        cxx = shutil.which("g++") or shutil.which("c++") or shutil.which("clang++")
        if not cxx:
            pytest.skip("no C++ compiler to write a foreign RocksDB")
        r = subprocess.run([cxx, "-std=c++17", "-O0", src, "-o", exe, "-lrocksdb"], capture_output=True,
                           text=True)
        if r.returncode != 0:
            pytest.skip("cannot build a foreign RocksDB writer: " + r.stderr[-300:])
        subprocess.run([exe, path], check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def dump_db(c, db=0):
    """A logical dump of one db: {key: (type, content, pexpiretime)} read with
    a bytes client, content compared as the commands return it."""
    c.execute_command("SELECT", db)
    out = {}
    cursor = 0
    keys = set()
    while True:
        cursor, batch = c.scan(cursor, count=1000)
        keys.update(batch)
        if cursor == 0:
            break
    for k in keys:
        t = c.type(k)
        t = t.decode() if isinstance(t, bytes) else t
        if t == "string":
            v = c.get(k)
        elif t == "list":
            v = c.lrange(k, 0, -1)
        elif t == "hash":
            v = c.hgetall(k)
        elif t == "set":
            v = frozenset(c.smembers(k))
        elif t == "zset":
            v = c.zrange(k, 0, -1, withscores=True)
        elif t == "ReJSON-RL":
            v = c.execute_command("JSON.GET", k, "$")
        else:
            v = ("unknown type", t)
        out[k] = (t, v, c.execute_command("PEXPIRETIME", k))
    c.execute_command("SELECT", 0)
    return out


def dump_all(c, dbs=range(16)):
    return {db: d for db in dbs for d in [dump_db(c, db)] if d}


def diff_dumps(want, got, limit=10):
    """Readable differences between two dump_all() results ([] if equal)."""
    out = []
    for db in sorted(set(want) | set(got)):
        w, g = want.get(db, {}), got.get(db, {})
        for k in sorted(set(w) | set(g)):
            if w.get(k) != g.get(k):
                wv, gv = repr(w.get(k)), repr(g.get(k))
                out.append("db%d %r: want %s, got %s" % (db, k, wv[:200], gv[:200]))
    return out[:limit] + (["... %d more" % (len(out) - limit)] if len(out) > limit else [])
