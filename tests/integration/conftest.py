# YottaStore integration-test fixtures (pytest + redis-py, run with /usr/bin/python3).
#
# Every test gets `r`, a redis.Redis client on a fresh server. The target is
# chosen on the command line:
#   --target=yotta   (default) build/<mode>/yottastore, with --shards from --shards (default 1)
#   --target=redis   Debian's redis-server, to prove the expectations are Redis's
# Servers listen on loopback on a free port and are stopped by the fixture.
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import redis

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def pytest_addoption(parser):
    parser.addoption("--target", default="yotta", choices=["yotta", "redis"])
    parser.addoption("--shards", default="1")
    parser.addoption("--binary", default=os.path.join(ROOT, os.environ.get("BUILD", "build/release"), "yottastore"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on a free loopback port; stop() ends it."""

    def __init__(self, config, extra_args=()):
        self.target = config.getoption("--target")
        self.shards = int(config.getoption("--shards"))
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="yotta-test-")
        if self.target == "redis":
            args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", self.dir, "--enable-debug-command", "yes"]
        else:
            args = [config.getoption("--binary"), "--port", str(self.port), "--bind", "127.0.0.1",
                    "--shards", str(self.shards), "--dir", self.dir, "--enable-debug-command", "yes"]
        args += list(extra_args)
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        if self._wait_ready(time.time() + 10):
            return
        self.stop()
        raise RuntimeError("server did not start: " + " ".join(args))

    def _wait_ready(self, deadline):
        """Ready = it accepts a connection and has logged "Ready to accept
        connections" (both servers print it once every listener is up; with
        several shards the first one may accept before the others run)."""
        path = os.path.join(self.dir, "server.log")
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            with open(path, errors="replace") as f:
                logged = "Ready to accept connections" in f.read()
            if logged:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        return True
                except OSError:
                    pass
            time.sleep(0.02)
        return False

    @property
    def is_redis(self):
        return self.target == "redis"

    def client(self, **kw):
        return redis.Redis(host="127.0.0.1", port=self.port, **kw)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server(request):
    """One server per test module; tests flush it via the `r` fixture."""
    s = Server(request.config)
    yield s
    alive = s.alive()
    s.stop()
    assert alive, "server died during the module"


@pytest.fixture
def r(server):
    c = server.client(decode_responses=True)
    c.flushall()
    yield c
    c.close()


@pytest.fixture
def rb(server):
    """A client that returns bytes (for binary values)."""
    c = server.client()
    yield c
    c.close()


@pytest.fixture
def raw(server):
    """A raw-socket client (resp_raw.RawClient): exact error texts and frames."""
    from resp_raw import RawClient
    c = RawClient(server.port)
    yield c
    c.close()


@pytest.fixture
def make_server(request):
    """Factory for tests that need their own server (custom config)."""
    made = []

    def make(*extra_args):
        s = Server(request.config, extra_args)
        made.append(s)
        return s

    yield make
    for s in made:
        s.stop()


@pytest.fixture(scope="module")
def redis_reference(request):
    """A Debian redis-server beside the server under test, to replay the same
    commands against (the reference implementation)."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server not installed")

    class RedisConfig:
        def __init__(self, config):
            self.config = config

        def getoption(self, name):
            return "redis" if name == "--target" else self.config.getoption(name)

    s = Server(RedisConfig(request.config))
    yield s
    s.stop()
