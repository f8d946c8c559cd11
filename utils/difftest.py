#!/usr/bin/env python3
# YottaStore. Licensed under the Apache License 2.0.
# Randomized differential test: one seeded stream of random commands over every
# value type, sent to yottastore and redis-server side by side; every reply and,
# now and then, the whole dataset is compared.
#
#   utils/difftest.py --seed 1 --steps 200000 --shards 4          # long run, by hand
#   utils/difftest.py --types lists,zsets --pipeline 32 --keep-going
#   utils/difftest.py --yotta-port 7000 --redis-port 7001          # running servers
#
# Replies are read off the wire (raw RESP, no client-side parsing), so errors
# are compared by their full text and RESP2/RESP3 frame types must match.
# Replies whose content Redis leaves unspecified are normalized: set-like
# replies are compared as sorted multisets, random picks (SRANDMEMBER,
# HRANDFIELD, ZRANDMEMBER) by count and membership, SPOP by count with the two
# datasets re-synced afterwards, SCAN-family by the union of a full iteration,
# TTLs with a 2 s tolerance, lex ranges exactly only when all scores are equal
# (else Redis's answer depends on skiplist levels). DUMP payloads are only
# restored on the server that made them (RDB versions differ). Not sent:
# OBJECT ENCODING (7.0 vs 7.2 names), INFO, DEBUG, RANDOMKEY. The generator
# is utils/difftest_gen.py.
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from difftest_gen import ALL_TYPES, Gen  # noqa: E402


# ---------------------------------------------------------------- RESP wire

class Hung(Exception):
    """A server did not answer in time."""


class Conn:
    """A raw RESP connection. Replies decode to tagged tuples that keep the
    frame type: ('+', b'OK'), ('-', b'ERR ..'), (':', 1), ('$', b'x'), ('$-',)
    null bulk, ('*-',) null array, ('*', items), RESP3 ('_',), (',', b'1.5'),
    ('#', b't'), ('(', b'1'), ('~', items), ('%', ((k, v), ...)), ('>', items)."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0

    def close(self):
        self.sock.close()

    def send(self, cmds):
        out = []
        for args in cmds:
            out.append(b"*%d\r\n" % len(args))
            for a in args:
                a = a if isinstance(a, bytes) else str(a).encode()
                out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))

    def call(self, *args):
        self.send([args])
        return self.read()

    def _fill(self):
        if self.pos > 65536:
            del self.buf[:self.pos]
            self.pos = 0
        try:
            d = self.sock.recv(1 << 20)
        except socket.timeout:
            raise Hung("no reply in time")
        if not d:
            raise Hung("connection closed")
        self.buf += d

    def has_data(self, wait):
        """True if a reply (or part of one) is available within `wait` s."""
        if self.pos < len(self.buf):
            return True
        self.sock.settimeout(wait)
        try:
            d = self.sock.recv(1 << 20)
        except (socket.timeout, BlockingIOError):
            return False
        finally:
            self.sock.settimeout(10.0)
        if not d:
            raise Hung("connection closed")
        self.buf += d
        return True

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                line = bytes(self.buf[self.pos:i])
                self.pos = i + 2
                return line
            self._fill()

    def _bytes(self, n):
        while len(self.buf) - self.pos < n + 2:
            self._fill()
        out = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n + 2
        return out

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b"-", b",", b"#", b"("):
            return (t.decode(), rest)
        if t == b":":
            return (":", int(rest))
        if t == b"_":
            return ("_",)
        if t in (b"$", b"!", b"="):
            n = int(rest)
            if n < 0:
                return ("$-",)
            data = self._bytes(n)
            return ("-" if t == b"!" else t.decode(), data)
        if t in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return ("*-",)
            return (t.decode(), tuple(self.read() for _ in range(n)))
        if t in (b"%", b"|"):
            n = int(rest)
            pairs = tuple((self.read(), self.read()) for _ in range(n))
            if t == b"|":  # an attribute precedes the real reply
                return self.read()
            return ("%", pairs)
        raise Hung("bad RESP frame %r" % line[:80])


def show(v, limit=400):
    """A reply as readable text."""
    s = _show(v)
    return s if len(s) <= limit else s[:limit] + "...(%d chars)" % len(s)


def _show(v):
    tag = v[0]
    if tag in ("*", "~", ">"):
        return tag + "[" + ", ".join(_show(x) for x in v[1]) + "]"
    if tag == "%":
        return "%{" + ", ".join(_show(k) + ": " + _show(x) for k, x in v[1]) + "}"
    if len(v) == 1:
        return {"$-": "(nil bulk)", "*-": "(nil array)", "_": "(null)"}.get(tag, tag)
    if tag == "-":
        return "(error) " + v[1].decode(errors="replace")
    if tag == ":":
        return "(integer) %d" % v[1]
    if tag == "+":
        return "+" + v[1].decode(errors="replace")
    return tag + repr(v[1])


def show_cmd(args):
    return " ".join(_quote(a) for a in args)


def _quote(a):
    s = a.decode("latin-1") if isinstance(a, bytes) else str(a)
    if s and all(c.isprintable() and c not in " \"'\\" for c in s):
        return s
    return '"' + s.encode("unicode_escape").decode().replace('"', '\\"') + '"'


# ---------------------------------------------------------------- comparison

def items_of(v):
    return list(v[1]) if v[0] in ("*", "~") else None


def pairs_of(v):
    """(field, value) pairs of a flat RESP2 array, an array of 2-arrays, or a map."""
    if v[0] == "%":
        return list(v[1])
    xs = items_of(v)
    if xs is None:
        return None
    if xs and all(x[0] == "*" and len(x[1]) == 2 for x in xs):
        return [tuple(x[1]) for x in xs]
    if len(xs) % 2:
        return None
    return [(xs[i], xs[i + 1]) for i in range(0, len(xs), 2)]


def normalize(norm, v):
    if v[0] in ("-", "$-", "*-", "_"):
        return v
    if norm == "sort" and v[0] in ("*", "~"):
        return (v[0], tuple(sorted(v[1])))
    if norm == "sort" and v[0] == "%":
        return ("%", tuple(sorted(v[1])))
    if norm == "pairs":
        p = pairs_of(v)
        if p is not None:
            return (v[0], tuple(sorted(p)))
    if norm == "len" and v[0] in ("*", "~"):
        return (v[0], len(v[1]))
    return v


LENIENT_NEGZERO = False  # --lenient-negzero: score "-0" == "0" (a known zset finding)


def _negzero(v):
    if v[0] in ("$", ",") and v[1] == b"-0":
        return (v[0], b"0")
    if v[0] in ("*", "~", ">"):
        return (v[0], tuple(_negzero(x) for x in v[1]))
    if v[0] == "%":
        return ("%", tuple((_negzero(k), _negzero(x)) for k, x in v[1]))
    return v


def same(norm, a, b):
    if LENIENT_NEGZERO:
        a, b = _negzero(a), _negzero(b)
    if norm in ("ttl", "pttl") and a[0] == b[0] == ":" and (a[1] > 0) == (b[1] > 0):
        # Relative TTLs were set at slightly different moments on the two servers.
        return abs(a[1] - b[1]) <= (2 if norm == "ttl" else 2000)
    return normalize(norm, a) == normalize(norm, b)


def known_difference(args, yv, rv):
    """Names a deliberate difference (yotta follows Redis 7.2, the reference
    is 7.0), or None. Only read-only replies qualify, so state stays in sync."""
    cmd = args[0].upper() if args else ""
    yerr = yv[0] == "-" and yv[1]
    rerr = rv[0] == "-" and rv[1]
    # 7.2: ZRANK/ZREVRANK take WITHSCORE (arity -3): extra args are a syntax
    # error, not an arity error.
    if cmd in ("ZRANK", "ZREVRANK") and len(args) > 3 and yerr == b"ERR syntax error" and \
            rerr and rerr.startswith(b"ERR wrong number of arguments"):
        return "ZRANK/ZREVRANK arity -3 (7.2 WITHSCORE)"
    # redis#11734/#12394: BITCOUNT/BITPOS parse every argument before the key
    # lookup, so bad arguments are an error even on a missing key (7.0: 0)
    # or on a key of another type (7.0: WRONGTYPE).
    if cmd in ("BITCOUNT", "BITPOS") and yerr and not yerr.startswith(b"WRONGTYPE") and \
            (rv in ((":", 0), (":", -1)) or (rerr and rerr.startswith(b"WRONGTYPE"))):
        return "BITCOUNT/BITPOS parse arguments before the key lookup (redis#11734)"
    return None


class Divergence(Exception):
    def __init__(self, step, args, yreply, rreply, note=""):
        super().__init__(note)
        self.step, self.args, self.yreply, self.rreply, self.note = step, args, yreply, rreply, note

    def __repr__(self):
        return "<step %d: %s>" % (self.step, show_cmd(self.args)[:80])


# ---------------------------------------------------------------- servers

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    def __init__(self, args_fn, name):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="difftest-")
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "w")
        self.name = name
        self.proc = subprocess.Popen(args_fn(self.port, self.dir), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            with open(self.log_path, errors="replace") as f:
                if "Ready to accept connections" in f.read():
                    try:
                        socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                        return
                    except OSError:
                        pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("%s did not start" % name)

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


def start_yotta(binary, shards):
    return Proc(lambda port, d: [binary, "--port", str(port), "--bind", "127.0.0.1", "--shards", str(shards),
                                 "--dir", d], "yottastore")


def start_redis(name="redis-server"):
    return Proc(lambda port, d: ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", d], name)


# ---------------------------------------------------------------- runner

class Runner:
    def __init__(self, yport, rport, seed, types, protocol=2, pipeline=1, check_every=2000,
                 mut_rate=0.03, block_rate=1.0, out=sys.stdout, keep_going=False, max_report=50,
                 nan_weights=True):
        self.seed = seed
        self.gen = Gen(seed, types, mut_rate, block_rate, nan_weights)
        self.ports = (yport, rport)
        self.protocol = protocol
        self.pipeline = max(1, pipeline)
        self.check_every = check_every
        self.out = out
        self.keep_going = keep_going
        self.max_report = max_report
        self.history = []
        self.step = 0
        self.divergences = []
        self.known = {}  # deliberate differences seen: label -> count
        self.y, self.r = self._connect()
        self.y2, self.r2 = self._connect()  # second clients: blocked in "served" scenarios

    def _connect(self):
        conns = [Conn(p) for p in self.ports]
        if self.protocol == 3:
            for c in conns:
                c.call("HELLO", "3")
        return conns

    def close(self):
        for c in (self.y, self.r, self.y2, self.r2):
            c.close()

    def both(self, *args, record=True):
        if record:
            self.history.append((self.step, list(args)))
        self.y.send([args])
        self.r.send([args])
        return self.y.read(), self.r.read()

    def log(self, msg):
        print(msg, file=self.out, flush=True)

    # -- divergence handling
    def diverge(self, args, yv, rv, note=""):
        label = known_difference(args, yv, rv)
        if label:
            self.known[label] = self.known.get(label, 0) + 1
            return
        d = Divergence(self.step, args, yv, rv, note)
        self.divergences.append(d)
        if len(self.divergences) <= self.max_report:
            self.log("DIVERGENCE seed=%d step=%d%s" % (self.seed, self.step, (" (" + note + ")") if note else ""))
            self.log("  command: %s" % show_cmd(args))
            self.log("  yotta:   %s" % show(yv))
            self.log("  redis:   %s" % show(rv))
            if not self.keep_going:
                self.log("  last commands (step: command):")
                for st, a in [h for h in self.history if h[0] <= self.step][-20:]:
                    self.log("    %d: %s" % (st, show_cmd(a)))
        if not self.keep_going:
            raise d
        # Start over from an empty dataset so one divergence does not cascade.
        self.y.call("FLUSHALL")
        self.r.call("FLUSHALL")

    # -- main loop
    def run(self, steps):
        batch = []
        while self.step < steps:
            c = self.gen.next()
            self.step += 1
            if c.special:
                self.flush(batch)
                batch = []
                self.history.append((self.step, c.args))
                getattr(self, "sp_" + c.special)(c)
            else:
                batch.append((self.step, c))
                if len(batch) >= self.pipeline:
                    self.flush(batch)
                    batch = []
            if self.check_every and self.step % self.check_every == 0:
                self.flush(batch)
                batch = []
                self.check_dataset()
        self.flush(batch)
        self.check_dataset()
        return self.divergences

    def flush(self, batch):
        if not batch:
            return
        cmds = [c.args for _, c in batch]
        for st, c in batch:
            self.history.append((st, c.args))
        self.history = self.history[-200:]
        self.y.send(cmds)
        self.r.send(cmds)
        ys = [self.y.read() for _ in cmds]
        rs = [self.r.read() for _ in cmds]
        for (st, c), yv, rv in zip(batch, ys, rs):
            if not same(c.norm, yv, rv):
                self.step, saved = st, self.step
                try:
                    self.diverge(c.args, yv, rv)
                finally:
                    self.step = saved
                if self.keep_going:
                    return  # the rest of the batch ran against pre-flush state

    # -- specials
    def sp_rand(self, c):
        """SRANDMEMBER/HRANDFIELD/ZRANDMEMBER: same shape, picks valid for each side."""
        yv, rv = self.both(*c.args, record=False)
        if yv[0] not in ("*", "~", "$") or rv[0] not in ("*", "~", "$"):
            if yv != rv:
                self.diverge(c.args, yv, rv)
            return
        sig_y = self._rand_sig(c.args, yv, self.y)
        sig_r = self._rand_sig(c.args, rv, self.r)
        if sig_y != sig_r:
            self.diverge(c.args, yv, rv, "random pick shape %r vs %r" % (sig_y, sig_r))

    def _rand_sig(self, args, v, conn):
        cmd, key = args[0].upper(), args[1]
        withv = len(args) > 3
        if cmd == "SRANDMEMBER":
            truth = {m: None for m in conn.call("SMEMBERS", key)[1]}
        elif cmd == "HRANDFIELD":
            truth = dict(pairs_of(conn.call("HGETALL", key)))
        else:
            truth = dict(pairs_of(conn.call("ZRANGE", key, "0", "-1", "WITHSCORES")))
        if v[0] == "$":
            return ("$", v[1] in {m[1] for m in truth})
        picks = pairs_of(v) if withv else [(x, None) for x in v[1]]
        if picks is None:
            return (v[0], "odd reply")
        ok = all(m in truth and (not withv or truth[m] == val) for m, val in picks)
        count = int(args[2])
        distinct = len({m for m, _ in picks}) == len(picks) if count >= 0 else None
        return (v[0], len(picks), ok, distinct, len(v[1]))

    def sp_spop(self, c):
        """SPOP: same count popped, each side's picks came from its set; then
        the redis set is made equal to the yotta one (re-add its picks, remove yotta's)."""
        yv, rv = self.both(*c.args, record=False)
        if yv[0] not in ("*", "~", "$") or rv[0] not in ("*", "~", "$") or yv[0] != rv[0]:
            if yv != rv:
                self.diverge(c.args, yv, rv)
            return
        ym = [yv[1]] if yv[0] == "$" else [x[1] for x in yv[1]]
        rm = [rv[1]] if rv[0] == "$" else [x[1] for x in rv[1]]
        key = c.args[1]
        after_y = set(x[1] for x in self.y.call("SMEMBERS", key)[1])
        after_r = set(x[1] for x in self.r.call("SMEMBERS", key)[1])
        ok = (len(ym) == len(rm) and len(set(ym)) == len(ym) and not (set(ym) & after_y)
              and after_y | set(ym) == after_r | set(rm))
        if not ok:
            self.diverge(c.args, yv, rv, "SPOP picks")
            return
        if set(ym) != set(rm):
            self.r.call("SADD", key, *rm)
            self.r.call("SREM", key, *ym)

    def sp_multi(self, c):
        """MULTI, 1-4 generated commands (blocking ones included: they do not
        block inside a transaction), EXEC; each queued reply and EXEC's array
        compared element by element."""
        g = self.gen
        body, n = [], g.rng.randint(1, 4)
        while len(body) < n:
            x = g.next()
            # Not a ZRANK with extra args: 7.2 queues it (WITHSCORE), 7.0
            # rejects it at queue time and aborts the whole transaction.
            if not x.special and not (x.args[0] in ("ZRANK", "ZREVRANK") and len(x.args) > 3):
                body.append(x)
        cmds = [["MULTI"]] + [x.args for x in body] + [["EXEC"]]
        for a in cmds:
            self.history.append((self.step, a))
        self.y.send(cmds)
        self.r.send(cmds)
        ys = [self.y.read() for _ in cmds]
        rs = [self.r.read() for _ in cmds]
        for a, yv, rv in zip(cmds[:-1], ys, rs):
            if yv != rv:
                return self.diverge(a, yv, rv, "inside MULTI")
        ye, re_ = ys[-1], rs[-1]
        if ye[0] == re_[0] == "*" and len(ye[1]) == len(re_[1]) == len(body):
            for x, yv, rv in zip(body, ye[1], re_[1]):
                if not same(x.norm, yv, rv):
                    return self.diverge(x.args, yv, rv, "EXEC reply element")
        elif ye != re_:
            self.diverge(["EXEC"], ye, re_, "EXEC")

    def sp_dump_roundtrip(self, c):
        """DUMP on each server, RESTORE that server's own payload elsewhere:
        payloads differ (RDB version), values must not (the dataset check sees them)."""
        dst, src = c.args[1], c.args[3][len("(own DUMP of "):-1]
        replies = []
        for conn in (self.y, self.r):
            payload = conn.call("DUMP", src)
            if payload[0] != "$":
                replies.append(payload)
                continue
            replies.append(conn.call("RESTORE", dst, "0", payload[1], "REPLACE"))
        if replies[0] != replies[1]:
            self.diverge(["DUMP", src, "+", "RESTORE", dst, "0", "<payload>", "REPLACE"], *replies)

    def sp_lex(self, c):
        """Lex ranges: Redis leaves the result unspecified unless every member of
        the zset has the same score (it depends on skiplist levels). Otherwise
        compare only the reply type, and do not send ZREMRANGEBYLEX at all."""
        key = c.args[1] if len(c.args) > 1 else ""
        uniform = all(self._uniform_scores(conn, key) for conn in (self.y, self.r))
        if not uniform and c.args[0].upper() == "ZREMRANGEBYLEX":
            return
        yv, rv = self.both(*c.args, record=False)
        if uniform or yv[0] == "-" or rv[0] == "-":
            if yv != rv:
                self.diverge(c.args, yv, rv)
        elif yv[0] != rv[0]:
            self.diverge(c.args, yv, rv, "lex range reply type (scores differ)")

    @staticmethod
    def _uniform_scores(conn, key):
        v = conn.call("ZRANGE", key, "0", "-1", "WITHSCORES")
        p = pairs_of(v) if v[0] != "-" else []
        return len({s for _, s in (p or [])}) <= 1

    def sp_scan(self, c):
        """SCAN/HSCAN/SSCAN/ZSCAN: iterate to cursor 0 on each side, compare the union."""
        cmd = c.args[0].upper()
        res = []
        for conn in (self.y, self.r):
            seen, cursor, got, n = set(), "0", None, 0
            while True:
                args = c.args[:1] + ([cursor] if cmd == "SCAN" else [c.args[1], cursor]) + \
                    (c.args[1:] if cmd == "SCAN" else c.args[3:]) + ["COUNT", "7"]
                v = conn.call(*args)
                n += 1
                if v[0] != "*" or n > 10000:
                    got = v
                    break
                cursor = v[1][0][1]
                items = [b"0" if LENIENT_NEGZERO and x[1] == b"-0" else x[1] for x in v[1][1][1]]
                if cmd in ("HSCAN", "ZSCAN"):
                    items = list(zip(items[::2], items[1::2]))
                seen.update(items)
                if cursor == b"0":
                    break
            res.append(got if got is not None else ("scan", tuple(sorted(seen))))
        if res[0] == res[1]:
            return
        if res[0][0] == res[1][0] == "scan":
            res = [("*", tuple(("$", repr(x).encode()) for x in v[1])) for v in res]
            self.diverge(c.args, res[0], res[1], "union of a full scan")
        else:
            self.diverge(c.args, res[0], res[1])

    def sp_served(self, c):
        """A second client blocks on empty keys; the first pushes; both replies compared."""
        g, r = self.gen, self.gen.rng
        group = "lists" if c.extra == "list" else "zsets"
        keys = list(dict.fromkeys(g.keys(1, 2, group=group)))
        self.both("DEL", *keys)
        if c.extra == "list":
            kind = r.choice(["BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP"])
            if kind in ("BLPOP", "BRPOP"):
                bcmd = [kind] + keys + ["5"]
            elif kind == "BLMOVE":
                bcmd = [kind, keys[0], g.key(group), r.choice(["LEFT", "RIGHT"]), r.choice(["LEFT", "RIGHT"]), "5"]
            elif kind == "BRPOPLPUSH":
                bcmd = [kind, keys[0], g.key(group), "5"]
            else:
                bcmd = [kind, "5", str(len(keys))] + keys + [r.choice(["LEFT", "RIGHT"])] + g.maybe(0.5, "COUNT", "2")
            tgt = r.choice(keys) if kind not in ("BLMOVE", "BRPOPLPUSH") else keys[0]
            push = [r.choice(["LPUSH", "RPUSH"]), tgt] + g.members(1, 3)
        else:
            kind = r.choice(["BZPOPMIN", "BZPOPMAX", "BZMPOP"])
            if kind == "BZMPOP":
                bcmd = [kind, "5", str(len(keys))] + keys + [r.choice(["MIN", "MAX"])] + g.maybe(0.5, "COUNT", "2")
            else:
                bcmd = [kind] + keys + ["5"]
            push = ["ZADD", r.choice(keys)] + [x for _ in range(r.randint(1, 3)) for x in (g.score(), g.member())]
        self.history.append((self.step, ["(client 2)"] + bcmd))
        self.history.append((self.step, push))
        self.y2.send([bcmd])
        self.r2.send([bcmd])
        self._wait_blocked()
        pv = self.both(*push, record=False)
        if pv[0] != pv[1]:
            self.diverge(push, pv[0], pv[1], "push that serves a blocked client")
        bv = (self.y2.read(), self.r2.read())
        if not same("exact", *bv):
            self.diverge(bcmd, bv[0], bv[1], "blocked client served by: " + show_cmd(push))

    def _wait_blocked(self):
        """Until both second clients are blocked (INFO blocked_clients) or have answered."""
        for conn, conn2 in ((self.y, self.y2), (self.r, self.r2)):
            deadline = time.time() + 2.0
            while time.time() < deadline:
                info = conn.call("INFO", "clients")
                text = info[1] if info[0] in ("$", "=") else b""
                if b"blocked_clients:1" in text or conn2.has_data(0):
                    break
                time.sleep(0.001)

    # -- whole-dataset comparison
    def dump(self, conn):
        keys = conn.call("KEYS", "*")
        if keys[0] not in ("*", "~"):
            return {"KEYS *": keys}
        out = {}
        for k in sorted(x[1] for x in keys[1]):
            t = conn.call("TYPE", k)
            tname = t[1]
            if tname == b"string":
                v = conn.call("GET", k)
            elif tname == b"list":
                v = conn.call("LRANGE", k, "0", "-1")
            elif tname == b"hash":
                v = normalize("pairs", conn.call("HGETALL", k))
            elif tname == b"set":
                v = normalize("sort", conn.call("SMEMBERS", k))
            elif tname == b"zset":
                v = conn.call("ZRANGE", k, "0", "-1", "WITHSCORES")
            else:
                v = ("?",)
            ttl = conn.call("PTTL", k)
            out[k] = (tname, v, ttl[1] if ttl[0] == ":" else ttl)
        return out

    def check_dataset(self):
        dy, dr = self.dump(self.y), self.dump(self.r)
        for k in sorted(set(dy) | set(dr), key=repr):
            a, b = dy.get(k), dr.get(k)
            if a is not None and b is not None and a[0] == b[0] and same("exact", a[1], b[1]) and \
                    (a[2] > 0) == (b[2] > 0) and abs(a[2] - b[2]) <= 2000:
                continue
            fmt = lambda x: "(missing)" if x is None else "%s %s pttl=%s" % (x[0], show(x[1]), x[2])
            args = ["(dataset)", k]
            self.diverge(args, ("+", fmt(a).encode()), ("+", fmt(b).encode()), "dataset differs at key")
            return


def summarize(divs, out=sys.stdout):
    """One line per (command, kind) with a count and the first example."""
    groups = {}
    for d in divs:
        name = d.args[0].upper() if d.args else "?"
        sig = (name, d.note.split(" (")[0] if d.note else "")
        groups.setdefault(sig, []).append(d)
    for (name, note), ds in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        d = ds[0]
        print("%5d x %s%s: e.g. %s -> yotta %s | redis %s" % (
            len(ds), name, " [" + note + "]" if note else "", show_cmd(d.args)[:120],
            show(d.yreply, 160), show(d.rreply, 160)), file=out)


def run_difftest(binary=None, shards=1, seed=1, steps=10000, types=ALL_TYPES, protocol=2, pipeline=1,
                 check_every=2000, keep_going=False, yotta_port=None, redis_port=None, out=sys.stdout,
                 mut_rate=0.03, block_rate=1.0, max_report=50, nan_weights=True, lenient_negzero=False):
    """Starts what is not given, runs, stops what it started; returns the divergences."""
    global LENIENT_NEGZERO
    LENIENT_NEGZERO = lenient_negzero
    started = []
    try:
        if yotta_port is None and binary == "redis-server":
            started.append(start_redis("second redis-server"))  # --self-check
            yotta_port = started[-1].port
        if yotta_port is None:
            started.append(start_yotta(binary, shards))
            yotta_port = started[-1].port
        if redis_port is None:
            started.append(start_redis())
            redis_port = started[-1].port
        for port in (yotta_port, redis_port):
            Conn(port).call("FLUSHALL")
        runner = Runner(yotta_port, redis_port, seed, types, protocol, pipeline, check_every, mut_rate,
                        block_rate, out, keep_going, max_report, nan_weights)
        try:
            runner.run(steps)
        except Divergence:
            pass
        except Hung as e:
            runner.divergences.append(Divergence(runner.step, ["(connection)"], ("-", str(e).encode()),
                                                 ("+", b""), "server hung or crashed"))
            print("HUNG/CRASHED at step %d: %s; last commands:" % (runner.step, e), file=out)
            for st, a in runner.history[-20:]:
                print("    %d: %s" % (st, show_cmd(a)), file=out)
        runner.close()
        for label, n in sorted(runner.known.items()):
            print("deliberate difference, not counted: %d x %s" % (n, label), file=out)
        for p in started:
            if not p.alive():
                runner.divergences.append(Divergence(runner.step, ["(process)"], ("-", b"exited"), ("+", b""),
                                                     p.name + " died"))
        return runner.divergences
    finally:
        for p in started:
            p.stop()


def main():
    ap = argparse.ArgumentParser(description="yottastore vs redis-server randomized differential test")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--types", default=",".join(ALL_TYPES), help="comma list of " + ",".join(ALL_TYPES))
    ap.add_argument("--binary", default=os.path.join(ROOT, "build/release/yottastore"))
    ap.add_argument("--pipeline", type=int, default=1, help="commands per batch (1 = one at a time)")
    ap.add_argument("--protocol", type=int, default=2, choices=[2, 3])
    ap.add_argument("--check-every", type=int, default=2000, help="steps between full dataset compares")
    ap.add_argument("--mutate", type=float, default=0.03, help="share of commands made invalid")
    ap.add_argument("--block-rate", type=float, default=1.0, help="weight of blocking commands")
    ap.add_argument("--keep-going", action="store_true", help="after a divergence, FLUSHALL both and go on")
    ap.add_argument("--no-nan-weights", action="store_true", help="no WEIGHTS 0/inf (inf*0 = NaN)")
    ap.add_argument("--lenient-negzero", action="store_true", help='treat a "-0" score reply as "0"')
    ap.add_argument("--self-check", action="store_true",
                    help="two redis-servers instead: any divergence is a bug of this tool")
    ap.add_argument("--yotta-port", type=int)
    ap.add_argument("--redis-port", type=int)
    a = ap.parse_args()
    types = [t.strip() for t in a.types.split(",") if t.strip()]
    bad = [t for t in types if t not in ALL_TYPES]
    if bad:
        ap.error("unknown type(s): " + ",".join(bad))
    t0 = time.time()
    divs = run_difftest("redis-server" if a.self_check else a.binary, a.shards, a.seed, a.steps, types, a.protocol, a.pipeline, a.check_every,
                        a.keep_going, a.yotta_port, a.redis_port, mut_rate=a.mutate, block_rate=a.block_rate,
                        nan_weights=not a.no_nan_weights, lenient_negzero=a.lenient_negzero)
    print("seed=%d steps=%d shards=%d types=%s: %d divergence(s) in %.1f s" % (
        a.seed, a.steps, a.shards, ",".join(types), len(divs), time.time() - t0))
    if divs and a.keep_going:
        summarize(divs)
    sys.exit(1 if divs else 0)


if __name__ == "__main__":
    main()
