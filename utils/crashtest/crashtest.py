#!/usr/bin/env python3
# YottaStore. Licensed under the Apache License 2.0.
# Crash test (issue 4, DESIGN.md section 4): client threads write unique SETs,
# RPUSH ids, INCRs, HSET fields and cross-shard MULTI/EXEC pairs while the
# server is killed with SIGKILL at random moments and restarted on the same
# dir. Every acknowledged reply is kept in memory (and in <work>/acks.log);
# after each restart every acknowledged write must be there, every MULTI must
# be all-or-nothing, every counter must be >= its last acknowledged value and
# <= the number of INCRs sent, and DBSIZE must count exactly the keys found.
#
#   utils/crashtest/crashtest.py --cycles 200                  # the long run
#   utils/crashtest/crashtest.py --cycles 20 --persistence everysec
#   utils/crashtest/crashtest.py --server redis --cycles 5     # the tool vs redis AOF
#
# Under `always` nothing acknowledged may be lost; under `everysec` losses
# are reported with their age (ack -> kill) and only those older than
# --loss-window seconds are printed in detail. `--persistence no` is a
# self-test: everything is lost and the tool must say so.
# The last line is always
#   crashtest: N cycles, M acknowledged writes checked, L lost
# Exit status: 0 iff no invariant was broken (half-applied MULTI, wrong value,
# counter above the INCRs sent, list order, DBSIZE, resurrected data, server
# crash or start failure) and, under `always` (and `no`), L == 0.
import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import resp  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NLISTS = 4
NCOUNTERS = 8
NHASHES = 4
REHASH_FIELDS = 150  # above hash-max-listpack-entries (128): stored member-wise
# Op mix (weights): set, rpush, incr, hset, multi pair, rolling multi pair,
# MULTI DEL + HSET of a whole big hash (old members must never leak back).
WEIGHTS = [("set", 6), ("rpush", 4), ("incr", 4), ("hset", 4), ("pair", 4), ("roll", 2), ("rehash", 1)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg):
    print(time.strftime("%H:%M:%S ") + msg, flush=True)


# ---------------------------------------------------------------------------
# The server under test.


class ServerProc:
    """One server on a fixed dir; start() and kill() may repeat."""

    def __init__(self, args, workdir):
        self.args = args
        self.datadir = os.path.join(workdir, "data")
        os.makedirs(self.datadir, exist_ok=True)
        self.logpath = os.path.join(workdir, "server.log")
        self.port = free_port()
        self.proc = None
        self.starts = 0

    def cmdline(self):
        a = self.args
        if a.server == "redis":
            fsync = "always" if a.persistence == "always" else "everysec"
            cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.datadir,
                   "--save", "", "--appendonly", "no" if a.persistence == "no" else "yes",
                   "--appendfsync", fsync]
        else:
            cmd = [a.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--shards", str(a.shards),
                   "--dir", self.datadir, "--persistence", a.persistence, "--enable-debug-command", "yes"]
        return cmd + list(a.extra)

    def spawn(self):
        self.starts += 1
        with open(self.logpath, "a") as f:
            f.write("\n===== crashtest start %d at %s\n" % (self.starts, time.strftime("%H:%M:%S")))
        self.log_offset = os.path.getsize(self.logpath)
        self.logf = open(self.logpath, "a")
        self.proc = subprocess.Popen(self.cmdline(), stdout=self.logf, stderr=subprocess.STDOUT)
        self.t_spawn = time.time()

    def wait_ready(self, timeout):
        """True once this start logged "Ready to accept connections" and
        accepts a connection."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            with open(self.logpath, errors="replace") as f:
                f.seek(self.log_offset)
                ready = "Ready to accept connections" in f.read()
            if ready:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        return True
                except OSError:
                    pass
            time.sleep(0.01)
        return False

    def kill9(self):
        """SIGKILL to the process we started (by pid), then reap it."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
            self.logf.close()

    def stop(self):
        """A clean stop: SIGTERM, SIGKILL after 30 s."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.logf.close()
        return self.proc.returncode

    def log_tail(self, n=30):
        try:
            with open(self.logpath, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


# ---------------------------------------------------------------------------
# What was written. Each item is in one of three states:
#   acked:    a success reply was read; must be present (ack time kept);
#   pending:  sent, no success reply (killed, error); may be present or not;
#   settled:  checked after a restart: must stay exactly as it was found
#             (present, or absent: a write that was lost must not come back).


class Item:
    __slots__ = ("key", "sub", "value", "ack", "state", "cycle")

    def __init__(self, key, sub, value, cycle):
        self.key, self.sub, self.value, self.cycle = key, sub, value, cycle
        self.ack = None      # time of the success reply
        self.state = "pending"  # pending | acked | present | absent


class Roll:
    """A client's rolling MULTI pair: SET a n, SET b n for n = 1, 2, ..."""

    __slots__ = ("a", "b", "sent", "acked", "ack", "cycle", "settled")

    def __init__(self, a, b, cycle):
        self.a, self.b, self.cycle = a, b, cycle
        self.sent = 0
        self.acked = 0
        self.ack = None
        self.settled = None  # value found at the last check (None = absent)


class Counter:
    __slots__ = ("key", "floor", "ceiling", "ack")

    def __init__(self, key):
        self.key = key
        self.floor = 0    # last acknowledged value (or value found at the last check)
        self.ceiling = 0  # value found at the last check + INCRs sent since
        self.ack = None


class Model:
    def __init__(self):
        self.sets = []      # Item(key, None, value)
        self.pushes = {}    # list key -> [Item(list key, client id, id)] in send order per client
        self.fields = []    # Item(hash key, field, value)
        self.pairs = []     # Item(a, b, token)
        self.rolls = []     # Roll
        self.rehashes = []  # Roll (a = the hash key, b unused)
        self.counters = {("c:%d" % i): Counter("c:%d" % i) for i in range(NCOUNTERS)}
        self.acked_total = 0

    def all_keys(self):
        keys = set(it.key for it in self.sets)
        keys.update(self.pushes)
        keys.update(it.key for it in self.fields)
        for it in self.pairs:
            keys.add(it.key)
            keys.add(it.sub)
        for r in self.rolls:
            keys.add(r.a)
            keys.add(r.b)
        keys.update(r.a for r in self.rehashes)
        keys.update(self.counters)
        return keys


# ---------------------------------------------------------------------------
# Client threads.


def cross_shard_pair(prefix_a, prefix_b, shards, rng):
    """Two keys without a hash tag that land on different shards."""
    a = "%s%x" % (prefix_a, rng.getrandbits(48))
    while True:
        b = "%s%x" % (prefix_b, rng.getrandbits(48))
        if shards <= 1 or resp.shard_of(a, shards) != resp.shard_of(b, shards):
            return a, b


class Client(threading.Thread):
    def __init__(self, cid, port, cycle, shards, seed, stop):
        super().__init__(daemon=True)
        self.cid, self.port, self.cycle, self.shards, self.stop = cid, port, cycle, shards, stop
        self.rng = random.Random(seed)
        self.sets, self.pushes, self.fields, self.pairs = [], [], [], []
        self.incr_sent = {}   # counter key -> INCRs sent
        self.incr_acked = {}  # counter key -> (max value replied, time)
        self.roll = None
        self.rehash = None
        self.errors = []      # unexpected error replies
        self.ended_by = None  # the exception that ended the thread
        self.acks = []        # (time, text) for the ack log
        self.ops = 0

    def run(self):
        try:
            self.conn = resp.Conn(self.port, timeout=15)
        except OSError as e:
            self.ended_by = e
            return
        a, b = cross_shard_pair("ra:%s:" % self.cid, "rb:%s:" % self.cid, self.shards, self.rng)
        self.roll = Roll(a, b, self.cycle)
        self.rehash = Roll("rh:%s" % self.cid, None, self.cycle)
        kinds = [k for k, w in WEIGHTS for _ in range(w)]
        seq = 0
        try:
            while not self.stop.is_set():
                seq += 1
                getattr(self, "op_" + self.rng.choice(kinds))(seq)
                self.ops += 1
        except (OSError, resp.Closed, ValueError) as e:
            self.ended_by = e
        finally:
            self.conn.close()

    def error(self, what, reply):
        if len(self.errors) < 20:
            self.errors.append("%s -> %s" % (what, reply))

    def op_set(self, seq):
        key = "s:%s:%d" % (self.cid, seq)
        it = Item(key, None, "%s:%d:%x" % (self.cid, seq, self.rng.getrandbits(64)), self.cycle)
        self.sets.append(it)
        reply = self.conn.call("SET", key, it.value)
        if reply == "OK":
            it.ack, it.state = time.time(), "acked"
            self.acks.append((it.ack, "SET %s %s" % (key, it.value)))
        else:
            self.error("SET", reply)

    def op_rpush(self, seq):
        key = "l:%d" % self.rng.randrange(NLISTS)
        it = Item(key, self.cid, "%s:%d" % (self.cid, seq), self.cycle)
        self.pushes.append(it)
        reply = self.conn.call("RPUSH", key, it.value)
        if isinstance(reply, int) and not isinstance(reply, resp.Error):
            it.ack, it.state = time.time(), "acked"
            self.acks.append((it.ack, "RPUSH %s %s" % (key, it.value)))
        else:
            self.error("RPUSH", reply)

    def op_incr(self, seq):
        key = "c:%d" % self.rng.randrange(NCOUNTERS)
        self.incr_sent[key] = self.incr_sent.get(key, 0) + 1
        reply = self.conn.call("INCR", key)
        if isinstance(reply, int):
            t = time.time()
            if reply > self.incr_acked.get(key, (0, 0))[0]:
                self.incr_acked[key] = (reply, t)
            self.acks.append((t, "INCR %s %d" % (key, reply)))
        else:
            self.error("INCR", reply)

    def op_hset(self, seq):
        key = "h:%d" % self.rng.randrange(NHASHES)
        it = Item(key, "%s:%d" % (self.cid, seq), "%x" % self.rng.getrandbits(64), self.cycle)
        self.fields.append(it)
        reply = self.conn.call("HSET", key, it.sub, it.value)
        if reply == 1:
            it.ack, it.state = time.time(), "acked"
            self.acks.append((it.ack, "HSET %s %s %s" % (key, it.sub, it.value)))
        else:
            self.error("HSET", reply)

    def op_pair(self, seq):
        a, b = cross_shard_pair("pa:%s:%d:" % (self.cid, seq), "pb:%s:%d:" % (self.cid, seq), self.shards,
                                self.rng)
        it = Item(a, b, "%s:%d:%x" % (self.cid, seq, self.rng.getrandbits(32)), self.cycle)
        self.pairs.append(it)
        replies = self.conn.pipeline([("MULTI",), ("SET", a, it.value), ("SET", b, it.value), ("EXEC",)])
        if replies[3] == ["OK", "OK"]:
            it.ack, it.state = time.time(), "acked"
            self.acks.append((it.ack, "MULTI SET %s SET %s %s EXEC" % (a, b, it.value)))
        else:
            self.error("MULTI pair", replies)

    def op_roll(self, seq):
        r = self.roll
        n = r.sent + 1
        r.sent = n
        replies = self.conn.pipeline([("MULTI",), ("SET", r.a, n), ("SET", r.b, n), ("EXEC",)])
        if replies[3] == ["OK", "OK"]:
            r.acked, r.ack = n, time.time()
            self.acks.append((r.ack, "MULTI SET %s SET %s %d EXEC" % (r.a, r.b, n)))
        else:
            self.error("MULTI roll", replies)


    def op_rehash(self, seq):
        r = self.rehash
        n = r.sent + 1
        r.sent = n
        fields = []
        for i in range(REHASH_FIELDS):
            fields += ["f%d" % i, n]
        replies = self.conn.pipeline([("MULTI",), ("DEL", r.a), ("HSET", r.a, *fields), ("EXEC",)])
        if isinstance(replies[3], list) and len(replies[3]) == 2 and replies[3][1] == REHASH_FIELDS:
            r.acked, r.ack = n, time.time()
            self.acks.append((r.ack, "MULTI DEL %s HSET %s <%d fields> %d EXEC" % (r.a, r.a, REHASH_FIELDS, n)))
        else:
            self.error("MULTI rehash", replies)


# ---------------------------------------------------------------------------
# The check after a restart.


class Report:
    def __init__(self, kill_time):
        self.kill_time = kill_time
        self.lost = []        # (age seconds or None, text)
        self.violations = []  # broken invariants (never acceptable)
        self.checked = 0      # acknowledged writes checked this time

    def lose(self, ack, text):
        age = None if ack is None or self.kill_time is None else self.kill_time - ack
        self.lost.append((age, text))

    def violate(self, text):
        self.violations.append(text)


def batched(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def check_items(rep, items, found_values, what):
    """found_values[i] is what the server holds for items[i] (None = absent)."""
    present = 0
    for it, got in zip(items, found_values):
        label = "%s %s%s" % (what, it.key, "" if it.sub is None else " " + it.sub)
        if it.state == "acked":
            rep.checked += 1
        if got is None:
            if it.state in ("acked", "present"):
                rep.lose(it.ack, "%s (acked, value %s) missing" % (label, it.value))
                it.state = "absent"
            else:
                it.state = "absent"  # never acknowledged (or lost before): must stay absent
            continue
        if got != it.value:
            rep.violate("%s holds %r, wrote %r (%s)" % (label, got, it.value, it.state))
            continue
        if it.state == "absent":
            rep.violate("%s came back (it was absent after an earlier restart)" % label)
        it.state = "present"
        present += 1
    return present


def verify(conn, model, rep, shards):
    """Checks the server's contents against the model, then settles the model
    on what was found (every item present or absent from now on)."""
    dbsize = conn.call("DBSIZE")  # first, while every key is cold
    if not isinstance(dbsize, int):
        rep.violate("DBSIZE replied %r" % (dbsize,))
        return
    existing = 0

    # Unique SETs.
    for chunk in batched(model.sets, 500):
        got = conn.call("MGET", *[it.key for it in chunk])
        existing += check_items(rep, chunk, got, "SET")

    # Lists: every acked id present, at most once, each client's ids in order.
    for key, items in model.pushes.items():
        got = conn.call("LRANGE", key, 0, -1)
        if isinstance(got, resp.Error):
            rep.violate("LRANGE %s -> %s" % (key, got))
            continue
        if got:
            existing += 1
        by_id = {it.value: it for it in items}
        seen, last_seq = set(), {}
        for v in got:
            it = by_id.get(v)
            if it is None:
                rep.violate("list %s holds an id never pushed: %r" % (key, v))
                continue
            if v in seen:
                rep.violate("list %s holds id %s twice" % (key, v))
            seen.add(v)
            cid, s = it.sub, int(v.rsplit(":", 1)[1])
            if s < last_seq.get(cid, 0):
                rep.violate("list %s: id %s after %s:%d (client order broken)" % (key, v, cid, last_seq[cid]))
            last_seq[cid] = s
        check_items(rep, items, [it.value if it.value in seen else None for it in items], "RPUSH")

    # Hash fields (and HLEN must count exactly the fields found).
    by_hash = {}
    for it in model.fields:
        by_hash.setdefault(it.key, []).append(it)
    for key, items in by_hash.items():
        present = 0
        for chunk in batched(items, 500):
            got = conn.call("HMGET", key, *[it.sub for it in chunk])
            present += check_items(rep, chunk, got, "HSET")
        hlen = conn.call("HLEN", key)
        if hlen != present:
            rep.violate("HLEN %s is %r, found %d fields" % (key, hlen, present))
        if present:
            existing += 1

    # Counters: last acked <= value <= INCRs sent.
    keys = sorted(model.counters)
    for key, got in zip(keys, conn.call("MGET", *keys)):
        c = model.counters[key]
        v = 0 if got is None else int(got)
        if c.ack is not None:
            rep.checked += 1
        if v < c.floor:
            rep.lose(c.ack, "INCR %s is %d, %d was acknowledged" % (key, v, c.floor))
        if v > c.ceiling:
            rep.violate("INCR %s is %d, only %d INCRs were ever sent" % (key, v, c.ceiling))
        c.floor = c.ceiling = v
        c.ack = None
        if got is not None:
            existing += 1

    # Unique MULTI pairs: both keys with the token, or neither.
    for chunk in batched(model.pairs, 250):
        got = conn.call("MGET", *[k for it in chunk for k in (it.key, it.sub)])
        values = []
        for i, it in enumerate(chunk):
            va, vb = got[2 * i], got[2 * i + 1]
            if va != vb:
                rep.violate("MULTI pair half applied: %s=%r %s=%r (token %s, %s, %s shards)" % (
                    it.key, va, it.sub, vb, it.value, it.state,
                    "cross" if resp.shard_of(it.key, shards) != resp.shard_of(it.sub, shards) else "same"))
                values.append(it.value if va == it.value else None)
                continue
            values.append(va)
        existing += 2 * check_items(rep, chunk, values, "MULTI")

    # Rolling MULTI pairs: a == b, acked <= value <= sent.
    for chunk in batched(model.rolls, 250):
        got = conn.call("MGET", *[k for r in chunk for k in (r.a, r.b)])
        for i, r in enumerate(chunk):
            va, vb = got[2 * i], got[2 * i + 1]
            if r.acked and r.ack is not None:
                rep.checked += 1
            if va != vb:
                rep.violate("rolling MULTI pair half applied: %s=%r %s=%r" % (r.a, va, r.b, vb))
                continue
            v = 0 if va is None else int(va)
            if v < r.acked:
                rep.lose(r.ack, "rolling MULTI %s/%s is %d, %d was acknowledged" % (r.a, r.b, v, r.acked))
            if v > r.sent:
                rep.violate("rolling MULTI %s/%s is %d, only %d sent" % (r.a, r.b, v, r.sent))
            if r.settled is not None and v != r.settled:
                rep.violate("rolling MULTI %s/%s changed from %d to %d with no writes" % (
                    r.a, r.b, r.settled, v))
            r.acked = r.sent = r.settled = v
            r.ack = None
            if va is not None:
                existing += 2

    # Rehashed big hashes: every field from the same MULTI, acked <= n <= sent.
    for r in model.rehashes:
        got = conn.call("HGETALL", r.a)
        values = set(got[1::2])
        if r.acked and r.ack is not None:
            rep.checked += 1
        if len(values) > 1 or (got and len(got) != 2 * REHASH_FIELDS):
            rep.violate("rehashed %s mixes MULTIs: %d fields, values %s" % (r.a, len(got) // 2, sorted(values)[:5]))
            continue
        v = int(values.pop()) if values else 0
        if v < r.acked:
            rep.lose(r.ack, "rehashed %s holds MULTI %d, %d was acknowledged" % (r.a, v, r.acked))
        if v > r.sent:
            rep.violate("rehashed %s holds MULTI %d, only %d sent" % (r.a, v, r.sent))
        if r.settled is not None and v != r.settled:
            rep.violate("rehashed %s changed from %d to %d with no writes" % (r.a, r.settled, v))
        r.acked = r.sent = r.settled = v
        r.ack = None
        if got:
            existing += 1

    # Every key the server has was written here, and every one was looked at.
    if dbsize != existing:
        rep.violate("DBSIZE right after restart said %d, found %d keys" % (dbsize, existing))
    dbsize2 = conn.call("DBSIZE")
    if dbsize2 != existing:
        rep.violate("DBSIZE after reading every key says %r, found %d keys" % (dbsize2, existing))


def scan_count(conn):
    cursor, keys = "0", set()
    while True:
        cursor, batch = conn.call("SCAN", cursor, "COUNT", 1000)
        keys.update(batch)
        if cursor == "0":
            return len(keys)


# ---------------------------------------------------------------------------
# The driver.


def merge(model, clients):
    for c in clients:
        model.sets.extend(c.sets)
        for it in c.pushes:
            model.pushes.setdefault(it.key, []).append(it)
        model.fields.extend(c.fields)
        model.pairs.extend(c.pairs)
        if c.roll is not None and c.roll.sent:
            model.rolls.append(c.roll)
        if c.rehash is not None and c.rehash.sent:
            model.rehashes.append(c.rehash)
        for key, n in c.incr_sent.items():
            model.counters[key].ceiling += n
        for key, (v, t) in c.incr_acked.items():
            ctr = model.counters[key]
            if v > ctr.floor:
                ctr.floor, ctr.ack = v, t


def summarize_losses(rep, args):
    if not rep.lost:
        return
    ages = [a for a, _ in rep.lost if a is not None]
    old = [(a, t) for a, t in rep.lost if a is None or a > args.loss_window]
    log("  lost %d acknowledged writes; ack-to-kill age max %.3f s, min %.3f s; %d older than %.1f s" % (
        len(rep.lost), max(ages) if ages else float("nan"), min(ages) if ages else float("nan"), len(old),
        args.loss_window))
    shown = old if args.persistence == "everysec" else rep.lost
    for age, text in shown[:args.max_details]:
        log("    lost %s (%s)" % (text, "age ?" if age is None else "acked %.3f s before the kill" % age))
    if len(shown) > args.max_details:
        log("    ... %d more" % (len(shown) - args.max_details))


def start_server(srv, args):
    srv.spawn()
    if srv.wait_ready(args.start_timeout):
        return time.time() - srv.t_spawn
    return None


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cycles", type=int, default=10)
    p.add_argument("--seconds-per-cycle", type=float, default=3.0,
                   help="writes run for a random 20..100%% of this before the SIGKILL")
    p.add_argument("--persistence", choices=["always", "everysec", "no"], default="always")
    p.add_argument("--shards", type=int, default=2)
    p.add_argument("--clients", type=int, default=6)
    p.add_argument("--binary", default=os.path.join(ROOT, os.environ.get("BUILD", "build/release"), "yottastore"))
    p.add_argument("--server", choices=["yotta", "redis"], default="yotta",
                   help="redis: run the same test against redis-server with appendonly (checks the tool)")
    p.add_argument("--keep", action="store_true", help="keep the work dir (data, server.log, acks.log)")
    p.add_argument("--workdir", help="work dir (default: a new temp dir)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--loss-window", type=float, default=2.0,
                   help="everysec: losses of writes acked longer than this before the kill are printed")
    p.add_argument("--early-kill", type=float, default=0.1,
                   help="probability of an extra SIGKILL during a restart, before the check")
    p.add_argument("--start-timeout", type=float, default=30.0)
    p.add_argument("--max-details", type=int, default=20)
    p.add_argument("extra", nargs="*", help="more server arguments (after --)")
    args = p.parse_args(argv)

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    if args.server == "yotta" and not os.access(args.binary, os.X_OK):
        print("crashtest: no server binary at %s" % args.binary, file=sys.stderr)
        return 2
    workdir = args.workdir or tempfile.mkdtemp(prefix="crashtest-")
    os.makedirs(workdir, exist_ok=True)
    srv = ServerProc(args, workdir)
    acklog = open(os.path.join(workdir, "acks.log"), "a")
    log("crashtest: seed %d, %s, persistence %s, shards %d, %d clients, work dir %s" % (
        seed, args.server, args.persistence, args.shards, args.clients, workdir))
    log("server: " + " ".join(srv.cmdline()))

    model = Model()
    total_lost, violations, cycles_done = 0, [], 0
    startup_times, old_losses = [], 0
    max_age = 0.0
    acked_total = 0
    error_samples = []

    t = start_server(srv, args)
    if t is None:
        log("FAIL: the server did not start\n" + srv.log_tail())
        return 2
    startup_times.append(t)
    log("first start: %.3f s" % t)

    try:
        for cycle in range(1, args.cycles + 1):
            stop = threading.Event()
            clients = [Client("%d.%d" % (cycle, i), srv.port, cycle, max(1, args.shards), rng.getrandbits(32),
                              stop) for i in range(args.clients)]
            for c in clients:
                c.start()
            run_for = rng.uniform(0.2, 1.0) * args.seconds_per_cycle
            time.sleep(run_for)
            if srv.proc.poll() is not None:
                violations.append("cycle %d: the server died on its own (exit %s)" % (cycle, srv.proc.returncode))
                log("FAIL: server died on its own\n" + srv.log_tail())
                break
            kill_time = time.time()
            srv.kill9()
            stop.set()
            for c in clients:
                c.join(30)
            hung = [c.cid for c in clients if c.is_alive()]
            if hung:
                violations.append("cycle %d: clients %s still blocked after the kill" % (cycle, hung))
                break
            merge(model, clients)
            ops = sum(c.ops for c in clients)
            acked = sum(len(c.acks) for c in clients)
            acked_total += acked
            for c in clients:
                for when, text in c.acks:
                    acklog.write("%.6f c%d %s\n" % (when, cycle, text))
                error_samples.extend(c.errors)
            acklog.flush()

            # Sometimes kill again while the server is recovering.
            if rng.random() < args.early_kill:
                srv.spawn()
                time.sleep(rng.uniform(0.0, 0.3))
                srv.kill9()
                log("cycle %d: extra SIGKILL %.3f s into a restart" % (cycle, time.time() - srv.t_spawn))
            t = start_server(srv, args)
            if t is None:
                violations.append("cycle %d: the server did not restart" % cycle)
                log("FAIL: the server did not restart\n" + srv.log_tail())
                break
            startup_times.append(t)

            rep = Report(kill_time)
            conn = resp.Conn(srv.port, timeout=60)
            t0 = time.time()
            try:
                verify(conn, model, rep, max(1, args.shards))
                if cycle == args.cycles or cycle % 10 == 0:
                    n = scan_count(conn)
                    dbsize = conn.call("DBSIZE")
                    if n != dbsize:
                        rep.violate("SCAN found %d keys, DBSIZE says %r" % (n, dbsize))
            finally:
                conn.close()
            cycles_done = cycle
            total_lost += len(rep.lost)
            ages = [a for a, _ in rep.lost if a is not None]
            if ages:
                max_age = max(max_age, max(ages))
            old_losses += sum(1 for a, _ in rep.lost if a is None or a > args.loss_window)
            items = (len(model.sets) + sum(map(len, model.pushes.values())) + len(model.fields) + len(model.pairs)
                     + len(model.rolls) + len(model.rehashes) + len(model.counters))
            log("cycle %d: %d ops, %d acked in %.2f s; restart %.3f s; checked %d new acked writes (%d items "
                "in all) in %.2f s; lost %d%s" % (cycle, ops, acked, run_for, t, rep.checked, items,
                                                  time.time() - t0, len(rep.lost),
                               "; %d VIOLATIONS" % len(rep.violations) if rep.violations else ""))
            summarize_losses(rep, args)
            for v in rep.violations[:args.max_details]:
                log("  VIOLATION " + v)
            violations.extend("cycle %d: %s" % (cycle, v) for v in rep.violations)
            if srv.proc.poll() is not None:
                violations.append("cycle %d: the server died during the check" % cycle)
                log("FAIL: server died during the check\n" + srv.log_tail())
                break

        # Last: a clean stop must lose nothing, in every mode.
        if not violations and cycles_done and args.persistence != "no":
            conn = resp.Conn(srv.port, timeout=60)
            conn.call("SET", "crashtest:clean", "1")
            conn.close()
            rc = srv.stop()
            if rc not in (0, None):
                violations.append("clean stop: the server exited with %s" % rc)
            t = start_server(srv, args)
            if t is None:
                violations.append("clean stop: the server did not restart")
            else:
                startup_times.append(t)
                log("clean stop (exit %s) + restart in %.3f s" % (rc, t))
                rep = Report(None)
                conn = resp.Conn(srv.port, timeout=60)
                try:
                    if conn.call("GET", "crashtest:clean") != "1":
                        rep.lose(None, "SET crashtest:clean before a clean stop")
                    conn.call("DEL", "crashtest:clean")
                    verify(conn, model, rep, max(1, args.shards))
                finally:
                    conn.close()
                log("clean stop + restart: lost %d, %d violations" % (len(rep.lost), len(rep.violations)))
                summarize_losses(rep, args)
                for v in rep.violations[:args.max_details]:
                    log("  VIOLATION " + v)
                violations.extend("clean restart: " + v for v in rep.violations)
                if rep.lost:
                    violations.append("clean restart lost %d acknowledged writes" % len(rep.lost))
                total_lost += len(rep.lost)
    finally:
        srv.stop()
        acklog.close()

    if error_samples:
        log("unexpected error replies (%d sampled):" % len(error_samples))
        for e in error_samples[:args.max_details]:
            log("  " + e)
    if startup_times:
        log("restart time: max %.3f s, mean %.3f s over %d starts" % (
            max(startup_times), sum(startup_times) / len(startup_times), len(startup_times)))
    if args.persistence == "everysec":
        log("everysec: %d acknowledged writes lost in total, oldest %.3f s before its kill, %d older than %.1f s" % (
            total_lost, max_age, old_losses, args.loss_window))
    ok = not violations and cycles_done == args.cycles
    if args.persistence != "everysec":
        ok = ok and total_lost == 0
    if violations:
        log("%d violations; first: %s" % (len(violations), violations[0]))
    if ok and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        log("work dir kept: %s" % workdir)
    print("crashtest: %d cycles, %d acknowledged writes checked, %d lost" % (cycles_done, acked_total, total_lost),
          flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
