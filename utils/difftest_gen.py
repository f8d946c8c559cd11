# YottaStore. Licensed under the Apache License 2.0.
# The command generator of utils/difftest.py: a seeded stream of random
# commands per value type over a small key space (hash-tagged and plain names,
# so multi-key commands cross shards), sometimes made invalid on purpose.
import random

ALL_TYPES = ["strings", "keys", "lists", "hashes", "sets", "zsets", "bitmaps", "hll", "geo"]


class Cmd:
    """One generated command. norm: how replies compare ('exact', 'sort',
    'pairs', 'ttl', 'len'); special: a runner method for commands that need
    more than one round trip (random picks, SPOP, SCAN, served blocking)."""

    __slots__ = ("args", "norm", "special", "mutable", "blocking", "extra")

    def __init__(self, args, norm="exact", special=None, mutable=True, blocking=False, extra=None):
        self.args = [a if isinstance(a, bytes) else str(a) for a in args]
        self.norm = norm
        self.special = special
        self.mutable = mutable
        self.blocking = blocking
        self.extra = extra


LONG = "L" * 70  # longer than the 64-byte listpack/value limits: forces big encodings
MEMBERS = ["a", "b", "c", "d", "e", "f", "g", "h", "1", "2", "3", "10", "-5", "100", "007"]
VALUES = ["v", "1", "-3", "3.5", "abc", "", "10", "9223372036854775807", "0", LONG, "x y", "1e3"]
SCORES = ["0", "1", "1.5", "-2", "2", "3", "10", "+inf", "-inf", "0.1", "1e3", "7", "-0.5"]
# Replacement arguments for invalid commands. No small positive integers
# (an EXPIRE of 2 s would expire at different moments on the two servers)
# and no mid-size offsets (SETRANGE 99999999 allocates 100 MB).
JUNK = ["abc", "", "-1", "0", "1.5", "inf", "-inf", "nan", "9223372036854775808",
        "-9223372036854775809", "99999999999", "WITHSCORES", "LIMIT", "COUNT", "BYSCORE",
        "REV", "NX", "XX", "GT", "CH", "MATCH", "LEFT", "BYTE", "BIT", "-2", "STORE"]
# For blocking commands: nothing that could become a 0 (= forever) timeout.
SAFE_JUNK = ["abc", "", "-1", "1.5x", "-0.01", "LEFT", "COUNT"]
FAR_S = 4102444800  # 2100-01-01, a fixed EXPIREAT so both servers agree
LONG_TTL = ["1000000", "2000000", "86400000"]


def home_keys(group):
    p = {"strings": "s", "keys": "k", "lists": "l", "hashes": "h", "sets": "t", "zsets": "z",
         "bitmaps": "b", "hll": "p", "geo": "g"}[group]
    # Plain names spread over the shards; {x} ones share one slot.
    keys = [p + str(i) for i in range(5)] + ["{x}" + p + "0", "{x}" + p + "1"]
    # Lex ranges are only defined when all scores are equal: these two get score 0 only.
    return keys + (["zlex", "{x}zlex"] if group == "zsets" else [])


class Gen:
    def __init__(self, seed, types, mut_rate=0.03, block_rate=1.0, nan_weights=True):
        self.rng = random.Random(seed)
        self.nan_weights = nan_weights  # weights 0 / inf: inf * 0 = NaN cases
        self.types = types
        self.mut_rate = mut_rate
        self.block_rate = block_rate
        self.home = {g: home_keys(g) for g in ALL_TYPES}
        self.all_keys = sorted({k for g in types for k in self.home[g]})
        self.groups = []
        for g in types:
            for w, fn in getattr(self, "g_" + g)():
                self.groups.append((g, w, fn))
        self.weights = []
        per_group = {}
        for g, w, _ in self.groups:
            per_group[g] = per_group.get(g, 0) + w
        for g, w, _ in self.groups:
            self.weights.append(w / per_group[g])
        self.group = None

    # -- small pickers
    def key(self, group=None):
        r = self.rng
        group = group or self.group
        if group in self.home and r.random() < 0.85:
            return r.choice(self.home[group])
        return r.choice(self.all_keys)

    def keys(self, lo=1, hi=4, group=None):
        return [self.key(group) for _ in range(self.rng.randint(lo, hi))]

    def member(self):
        r = self.rng.random()
        if r < 0.92:
            return self.rng.choice(MEMBERS)
        if r < 0.96:
            return LONG + self.rng.choice("ab")
        if r < 0.98:
            return b"\x00\xffbin\r\n"
        return ""

    def members(self, lo=1, hi=4):
        return [self.member() for _ in range(self.rng.randint(lo, hi))]

    def bulk(self, most):
        """Many members at once, past the small-encoding limits (128 entries,
        512 for intsets): integers only half of the time (intset paths)."""
        n = self.rng.randint(most // 3, most)
        base = self.rng.randint(0, 1000)
        if self.rng.random() < 0.5:
            return [str(base + i) for i in range(n)]
        return ["m%d" % (base + i) for i in range(n)]

    def value(self):
        return self.rng.choice(VALUES)

    def int_(self, lo=-5, hi=10):
        return str(self.rng.randint(lo, hi))

    def idx(self):
        return self.rng.choice(["0", "1", "2", "-1", "-2", "3", "5", "-5", "100", "-100", "10"])

    def score(self):
        return self.rng.choice(SCORES)

    def maybe(self, p, *opts):
        return list(opts) if self.rng.random() < p else []

    def timeout(self):
        return self.rng.choice(["0.01", "0.01", "0.02", "0.005"])

    # -- the stream
    def next(self):
        r = self.rng
        g, _, fn = r.choices(self.groups, weights=self.weights)[0]
        self.group = g
        c = fn()
        if c.mutable and r.random() < self.mut_rate:
            self.mutate(c)
        return c

    def mutate(self, c):
        r = self.rng
        junk = SAFE_JUNK if c.blocking else JUNK
        op = r.random()
        n = len(c.args)
        if op < 0.3 and n > 1:
            # Blocking commands too: a key that becomes the timeout is never a float.
            c.args = c.args[:r.randint(1, n - 1)]
        elif op < 0.6:
            c.args.insert(r.randint(1, n), r.choice(junk))
        elif n > 1:
            c.args[r.randint(1, n - 1)] = r.choice(junk)
        c.norm = c.norm if c.norm in ("sort", "pairs", "ttl", "pttl", "len") else "exact"

    # -- strings
    def g_strings(self):
        k, v = self.key, self.value
        r = self.rng

        def set_():
            a = ["SET", k(), v()]
            a += r.choice([[], [], ["EX", r.choice(LONG_TTL)], ["PX", "86400000"], ["KEEPTTL"],
                           ["EXAT", str(FAR_S)]])
            a += self.maybe(0.2, r.choice(["NX", "XX"]))
            a += self.maybe(0.15, "GET")
            return Cmd(a)

        return [
            (8, set_),
            (8, lambda: Cmd(["GET", k()])),
            (2, lambda: Cmd(["GETSET", k(), v()])),
            (1, lambda: Cmd(["GETDEL", k()])),
            (1, lambda: Cmd(["GETEX", k()] + r.choice([[], ["PERSIST"], ["EX", "1000000"]]))),
            (1, lambda: Cmd(["SETNX", k(), v()])),
            (1, lambda: Cmd(["SETEX", k(), r.choice(LONG_TTL), v()])),
            (3, lambda: Cmd(["MSET"] + [x for kk in self.keys(1, 3) for x in (kk, v())])),
            (1, lambda: Cmd(["MSETNX"] + [x for kk in self.keys(1, 3) for x in (kk, v())])),
            (3, lambda: Cmd(["MGET"] + self.keys(1, 4))),
            (3, lambda: Cmd(["INCR", k()])),
            (1, lambda: Cmd(["DECR", k()])),
            (2, lambda: Cmd(["INCRBY", k(), self.int_(-100, 100)])),
            (1, lambda: Cmd(["DECRBY", k(), self.int_(-100, 100)])),
            (2, lambda: Cmd(["INCRBYFLOAT", k(), r.choice(["1.5", "-0.25", "3", "1e2", "0.1"])])),
            (3, lambda: Cmd(["APPEND", k(), v()])),
            (2, lambda: Cmd(["STRLEN", k()])),
            (2, lambda: Cmd(["GETRANGE", k(), self.idx(), self.idx()])),
            (2, lambda: Cmd(["SETRANGE", k(), str(r.randint(0, 40)), v()])),
            (1, lambda: Cmd(["SUBSTR", k(), self.idx(), self.idx()])),
            (1, lambda: Cmd(["LCS", k(), k()] + r.choice([[], ["LEN"], ["IDX", "MINMATCHLEN", "1"]]))),
        ]

    # -- generic keyspace commands, over every key
    def g_keys(self):
        r = self.rng

        def anyk():
            return r.choice(self.all_keys)

        def expire():
            # No GT/LT here: two equal relative TTLs set within one millisecond
            # tie on one server and not on the other (EXPIREAT tests GT/LT).
            a = [r.choice(["EXPIRE", "PEXPIRE"]), anyk(), r.choice(LONG_TTL)]
            return Cmd(a + self.maybe(0.3, r.choice(["NX", "XX"])))

        def expireat():
            if r.random() < 0.5:
                a = ["EXPIREAT", anyk(), str(FAR_S + r.randint(0, 3))]
            else:
                a = ["PEXPIREAT", anyk(), str(FAR_S * 1000 + r.randint(0, 3000))]
            return Cmd(a + self.maybe(0.3, r.choice(["NX", "XX", "GT", "LT"])))

        return [
            (4, lambda: Cmd(["DEL"] + [anyk() for _ in range(r.randint(1, 3))])),
            (1, lambda: Cmd(["UNLINK", anyk()])),
            (3, lambda: Cmd(["EXISTS"] + [anyk() for _ in range(r.randint(1, 4))])),
            (4, lambda: Cmd(["TYPE", anyk()])),
            (2, expire),
            (2, expireat),
            (1, lambda: Cmd(["PERSIST", anyk()])),
            (1, lambda: Cmd([r.choice(["TTL", "EXPIRETIME"]), anyk()], norm="ttl")),
            (1, lambda: Cmd([r.choice(["PTTL", "PEXPIRETIME"]), anyk()], norm="pttl")),
            (3, lambda: Cmd(["RENAME", anyk(), anyk()])),
            (1, lambda: Cmd(["RENAMENX", anyk(), anyk()])),
            (3, lambda: Cmd(["COPY", anyk(), anyk()] + self.maybe(0.5, "REPLACE"))),
            (1, lambda: Cmd(["TOUCH"] + [anyk() for _ in range(r.randint(1, 3))])),
            (1, lambda: Cmd(["KEYS", r.choice(["*", "l*", "{x}*", "?0", "[st]*"])], norm="sort")),
            (1, lambda: Cmd(["DBSIZE"])),
            (2, lambda: Cmd([], special="multi", mutable=False)),
            (1, lambda: Cmd(["RESTORE", anyk(), "0", "(own DUMP of %s)" % anyk(), "REPLACE"],
                            special="dump_roundtrip", mutable=False)),
            (1, lambda: Cmd(["SCAN"] + self.maybe(0.5, "MATCH", r.choice(["*", "z*", "*1"]))
                            + self.maybe(0.5, "TYPE", r.choice(
                                ["string", "list", "hash", "set", "zset", "nosuch"])),
                            special="scan", mutable=False)),
        ]

    # -- lists
    def g_lists(self):
        k, m, r = self.key, self.member, self.rng
        side = lambda: r.choice(["LEFT", "RIGHT"])

        def lpos():
            a = ["LPOS", k(), m()]
            a += self.maybe(0.4, "RANK", r.choice(["1", "2", "-1", "-2", "0"]))
            a += self.maybe(0.4, "COUNT", r.choice(["0", "1", "2", "5"]))
            a += self.maybe(0.2, "MAXLEN", r.choice(["0", "1", "3", "10"]))
            return Cmd(a)

        def lmpop(blocking):
            ks = self.keys(1, 3)
            a = ["LMPOP", str(len(ks))] + ks + [side()]
            a += self.maybe(0.5, "COUNT", r.choice(["1", "2", "5"]))
            if blocking:
                return Cmd(["BLMPOP", self.timeout()] + a[1:], blocking=True)
            return Cmd(a)

        def bpop():
            cmd = r.choice(["BLPOP", "BRPOP"])
            return Cmd([cmd] + self.keys(1, 3) + [self.timeout()], blocking=True)

        return [
            (6, lambda: Cmd([r.choice(["LPUSH", "RPUSH"]), k()] + self.members(1, 4))),
            (0.2, lambda: Cmd(["RPUSH", k()] + self.bulk(300))),
            (1, lambda: Cmd([r.choice(["LPUSHX", "RPUSHX"]), k()] + self.members(1, 2))),
            (4, lambda: Cmd([r.choice(["LPOP", "RPOP"]), k()] + self.maybe(0.4, r.choice(["0", "1", "2", "5"])))),
            (2, lambda: Cmd(["LLEN", k()])),
            (5, lambda: Cmd(["LRANGE", k(), self.idx(), self.idx()])),
            (2, lambda: Cmd(["LINDEX", k(), self.idx()])),
            (2, lambda: Cmd(["LSET", k(), self.idx(), m()])),
            (2, lambda: Cmd(["LINSERT", k(), r.choice(["BEFORE", "AFTER"]), m(), m()])),
            (2, lambda: Cmd(["LREM", k(), r.choice(["0", "1", "-1", "2", "-2"]), m()])),
            (1, lambda: Cmd(["LTRIM", k(), self.idx(), self.idx()])),
            (3, lpos),
            (2, lambda: Cmd(["LMOVE", k(), k(), side(), side()])),
            (1, lambda: Cmd(["RPOPLPUSH", k(), k()])),
            (2, lambda: lmpop(False)),
            (self.block_rate * 1, bpop),
            (self.block_rate * 0.5, lambda: Cmd(["BLMOVE", k(), k(), side(), side(), self.timeout()], blocking=True)),
            (self.block_rate * 0.3, lambda: Cmd(["BRPOPLPUSH", k(), k(), self.timeout()], blocking=True)),
            (self.block_rate * 0.5, lambda: lmpop(True)),
            (self.block_rate * 0.5, lambda: Cmd([], special="served", mutable=False, extra="list")),
        ]

    # -- hashes
    def g_hashes(self):
        k, m, v, r = self.key, self.member, self.value, self.rng
        pairs = lambda lo, hi: [x for f in self.members(lo, hi) for x in (f, v())]

        def rand():
            a = ["HRANDFIELD", k()]
            if r.random() < 0.7:
                a.append(r.choice(["0", "1", "3", "10", "-1", "-5"]))
                a += self.maybe(0.5, "WITHVALUES")
            return Cmd(a, special="rand", mutable=False)

        return [
            (8, lambda: Cmd(["HSET", k()] + pairs(1, 3))),
            (0.2, lambda: Cmd(["HSET", k()] + [x for f in self.bulk(200) for x in (f, f)])),
            (1, lambda: Cmd(["HMSET", k()] + pairs(1, 3))),
            (2, lambda: Cmd(["HSETNX", k(), m(), v()])),
            (5, lambda: Cmd(["HGET", k(), m()])),
            (3, lambda: Cmd(["HMGET", k()] + self.members(1, 4))),
            (3, lambda: Cmd(["HDEL", k()] + self.members(1, 3))),
            (2, lambda: Cmd(["HLEN", k()])),
            (1, lambda: Cmd(["HSTRLEN", k(), m()])),
            (2, lambda: Cmd(["HEXISTS", k(), m()])),
            (3, lambda: Cmd(["HINCRBY", k(), m(), self.int_(-10, 10)])),
            (2, lambda: Cmd(["HINCRBYFLOAT", k(), m(), r.choice(["1.5", "-2", "0.1", "1e2"])])),
            (2, lambda: Cmd(["HKEYS", k()], norm="sort")),
            (2, lambda: Cmd(["HVALS", k()], norm="sort")),
            (3, lambda: Cmd(["HGETALL", k()], norm="pairs")),
            (2, rand),
            (1, lambda: Cmd(["HSCAN", k(), "0"] + self.maybe(0.4, "MATCH", r.choice(["*", "a*", "1*"])),
                            special="scan", mutable=False)),
        ]

    # -- sets
    def g_sets(self):
        k, m, r = self.key, self.member, self.rng

        def rand():
            a = ["SRANDMEMBER", k()] + self.maybe(0.7, r.choice(["0", "1", "3", "20", "-1", "-4"]))
            return Cmd(a, special="rand", mutable=False)

        def spop():
            return Cmd(["SPOP", k()] + self.maybe(0.6, r.choice(["0", "1", "2", "5", "100"])),
                       special="spop", mutable=False)

        def intercard():
            ks = self.keys(1, 3)
            return Cmd(["SINTERCARD", str(len(ks))] + ks + self.maybe(0.4, "LIMIT", r.choice(["0", "1", "2"])))

        return [
            (8, lambda: Cmd(["SADD", k()] + self.members(1, 4))),
            (0.3, lambda: Cmd(["SADD", k()] + self.bulk(600))),
            (3, lambda: Cmd(["SREM", k()] + self.members(1, 3))),
            (2, lambda: Cmd(["SCARD", k()])),
            (2, lambda: Cmd(["SISMEMBER", k(), m()])),
            (2, lambda: Cmd(["SMISMEMBER", k()] + self.members(1, 3))),
            (3, lambda: Cmd(["SMEMBERS", k()], norm="sort")),
            (2, spop),
            (2, rand),
            (2, lambda: Cmd(["SMOVE", k(), k(), m()])),
            (2, lambda: Cmd([r.choice(["SINTER", "SUNION", "SDIFF"])] + self.keys(1, 3), norm="sort")),
            (3, lambda: Cmd([r.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])] + self.keys(2, 4))),
            (1, intercard),
            (1, lambda: Cmd(["SSCAN", k(), "0"] + self.maybe(0.4, "MATCH", r.choice(["*", "a*", "1*"])),
                            special="scan", mutable=False)),
        ]

    # -- sorted sets
    def g_zsets(self):
        k, m, s, r = self.key, self.member, self.score, self.rng

        def zadd():
            a = ["ZADD", k()]
            a += self.maybe(0.15, r.choice(["NX", "XX"]))
            a += self.maybe(0.15, r.choice(["GT", "LT"]))
            a += self.maybe(0.15, "CH")
            if r.random() < 0.1:
                return Cmd(a + ["INCR", s(), m()])
            for _ in range(r.randint(1, 3)):
                a += [s(), m()]
            return Cmd(a)

        def sbound():
            b = r.choice(SCORES + ["-inf", "+inf"])
            return ("(" + b) if r.random() < 0.3 else b

        def lbound():
            return r.choice(["-", "+", "[a", "(b", "[c", "(f", "[1", "(10", "[" + LONG, "a"])

        def zrange():
            mode = r.random()
            a = ["ZRANGE", k()]
            if mode < 0.4:
                a += [self.idx(), self.idx()]
                a += self.maybe(0.3, "REV")
            elif mode < 0.75:
                lo, hi = sbound(), sbound()
                rev = r.random() < 0.3
                a += [hi, lo, "BYSCORE", "REV"] if rev else [lo, hi, "BYSCORE"]
                a += self.maybe(0.4, "LIMIT", r.choice(["0", "1", "2"]), r.choice(["1", "2", "-1", "0"]))
            else:
                lo, hi = lbound(), lbound()
                rev = r.random() < 0.3
                a += [hi, lo, "BYLEX", "REV"] if rev else [lo, hi, "BYLEX"]
                a += self.maybe(0.4, "LIMIT", r.choice(["0", "1", "2"]), r.choice(["1", "2", "-1"]))
                return Cmd(a, special="lex")
            if "BYLEX" not in a:
                a += self.maybe(0.5, "WITHSCORES")
            return Cmd(a)

        def legacy_range():
            c = r.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZREVRANGE"])
            if c == "ZREVRANGE":
                return Cmd([c, k(), self.idx(), self.idx()] + self.maybe(0.5, "WITHSCORES"))
            lex = "LEX" in c
            a = [c, k(), lbound() if lex else sbound(), lbound() if lex else sbound()]
            if not lex:
                a += self.maybe(0.5, "WITHSCORES")
            a += self.maybe(0.4, "LIMIT", r.choice(["0", "1"]), r.choice(["1", "2", "-1"]))
            return Cmd(a, special="lex" if lex else None)

        def weights_agg(n):
            ws = ["1", "2", "0", "-1", "0.5", "inf"] if self.nan_weights else ["1", "2", "-1", "0.5"]
            a = self.maybe(0.4, "WEIGHTS", *[r.choice(ws) for _ in range(n)])
            return a + self.maybe(0.4, "AGGREGATE", r.choice(["SUM", "MIN", "MAX"]))

        def zstore():
            c = r.choice(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"])
            src = self.keys(1, 3, group=r.choice(["zsets", "zsets", "sets"]) if "sets" in self.types else None)
            a = [c, k(), str(len(src))] + src
            if c != "ZDIFFSTORE":
                a += weights_agg(len(src))
            return Cmd(a)

        def zcombine():
            c = r.choice(["ZUNION", "ZINTER", "ZDIFF"])
            src = self.keys(1, 3)
            a = [c, str(len(src))] + src
            if c != "ZDIFF":
                a += weights_agg(len(src))
            return Cmd(a + self.maybe(0.5, "WITHSCORES"))

        def zmpop(blocking):
            ks = self.keys(1, 3)
            a = [str(len(ks))] + ks + [r.choice(["MIN", "MAX"])] + self.maybe(0.5, "COUNT", r.choice(["1", "2", "5"]))
            if blocking:
                return Cmd(["BZMPOP", self.timeout()] + a, blocking=True)
            return Cmd(["ZMPOP"] + a)

        def rangestore():
            a = ["ZRANGESTORE", k(), k()]
            if r.random() < 0.5:
                a += [self.idx(), self.idx()]
            else:
                a += [sbound(), sbound(), "BYSCORE"] + self.maybe(0.3, "LIMIT", "0", r.choice(["1", "2"]))
            return Cmd(a)

        def rand():
            a = ["ZRANDMEMBER", k()]
            if r.random() < 0.7:
                a.append(r.choice(["0", "1", "3", "10", "-1", "-5"]))
                a += self.maybe(0.5, "WITHSCORES")
            return Cmd(a, special="rand", mutable=False)

        return [
            (10, zadd),
            (0.2, lambda: Cmd(["ZADD", k()] + [x for i, m_ in enumerate(self.bulk(200)) for x in (str(i % 7), m_)])),
            (2, lambda: Cmd(["ZINCRBY", k(), r.choice(["1", "-1", "2.5", "+inf"]), m()])),
            (3, lambda: Cmd(["ZREM", k()] + self.members(1, 3))),
            (2, lambda: Cmd(["ZCARD", k()])),
            (3, lambda: Cmd(["ZSCORE", k(), m()])),
            (2, lambda: Cmd(["ZMSCORE", k()] + self.members(1, 3))),
            (2, lambda: Cmd([r.choice(["ZRANK", "ZREVRANK"]), k(), m()])),
            (2, lambda: Cmd(["ZCOUNT", k(), sbound(), sbound()])),
            (1, lambda: Cmd(["ZLEXCOUNT", k(), lbound(), lbound()], special="lex")),
            (3, lambda: Cmd(["ZADD", r.choice(["zlex", "{x}zlex"]), "0", m()] + self.maybe(0.5, "0", m()))),
            (8, zrange),
            (4, legacy_range),
            (1, lambda: Cmd(["ZREMRANGEBYRANK", k(), self.idx(), self.idx()])),
            (1, lambda: Cmd(["ZREMRANGEBYSCORE", k(), sbound(), sbound()])),
            (1, lambda: Cmd(["ZREMRANGEBYLEX", k(), lbound(), lbound()], special="lex")),
            (3, zstore),
            (2, zcombine),
            (1, lambda: Cmd(["ZINTERCARD", "2", k(), k()] + self.maybe(0.3, "LIMIT", r.choice(["0", "1"])))),
            (3, lambda: Cmd([r.choice(["ZPOPMIN", "ZPOPMAX"]), k()] + self.maybe(0.5, r.choice(["0", "1", "2", "5"])))),
            (1, lambda: zmpop(False)),
            (2, rangestore),
            (2, rand),
            (self.block_rate * 1, lambda: Cmd([r.choice(["BZPOPMIN", "BZPOPMAX"])] + self.keys(1, 3) + [self.timeout()],
                                              blocking=True)),
            (self.block_rate * 0.5, lambda: zmpop(True)),
            (self.block_rate * 0.5, lambda: Cmd([], special="served", mutable=False, extra="zset")),
            (1, lambda: Cmd(["ZSCAN", k(), "0"] + self.maybe(0.4, "MATCH", r.choice(["*", "a*", "1*"])),
                            special="scan", mutable=False)),
        ]

    # -- bitmaps (strings underneath)
    def g_bitmaps(self):
        k, r = self.key, self.rng
        off = lambda: str(r.choice([0, 1, 2, 7, 8, 15, 31, 63, 64, 100, 255, r.randint(0, 800)]))

        def bitcount():
            a = ["BITCOUNT", k()]
            if r.random() < 0.6:
                a += [self.idx(), self.idx()] + self.maybe(0.4, r.choice(["BYTE", "BIT"]))
            return Cmd(a)

        def bitpos():
            a = ["BITPOS", k(), r.choice(["0", "1"])]
            if r.random() < 0.6:
                a.append(self.idx())
                if r.random() < 0.6:
                    a.append(self.idx())
                    a += self.maybe(0.4, r.choice(["BYTE", "BIT"]))
            return Cmd(a)

        def bitfield(ro=False):
            a = ["BITFIELD_RO" if ro else "BITFIELD", k()]
            for _ in range(r.randint(1, 3)):
                t = r.choice(["u8", "i8", "u1", "i5", "u16", "i32", "u63", "i64", "u4"])
                o = r.choice([off(), "#" + str(r.randint(0, 10))])
                op = "GET" if ro else r.choice(["GET", "SET", "INCRBY", "OVERFLOW"])
                if op == "GET":
                    a += ["GET", t, o]
                elif op == "SET":
                    a += ["SET", t, o, r.choice(["0", "1", "-1", "100", "255", "-128", "12345"])]
                elif op == "INCRBY":
                    a += ["INCRBY", t, o, r.choice(["1", "-1", "100", "200", "-300"])]
                else:
                    a += ["OVERFLOW", r.choice(["WRAP", "SAT", "FAIL"])]
            return Cmd(a)

        return [
            (8, lambda: Cmd(["SETBIT", k(), off(), r.choice(["0", "1", "1"])])),
            (5, lambda: Cmd(["GETBIT", k(), off()])),
            (4, bitcount),
            (4, bitpos),
            (3, lambda: Cmd(["BITOP", r.choice(["AND", "OR", "XOR"]), k()] + self.keys(1, 3))),
            (1, lambda: Cmd(["BITOP", "NOT", k(), k()])),
            (4, bitfield),
            (1, lambda: bitfield(True)),
            (2, lambda: Cmd(["GET", k()])),
        ]

    # -- HyperLogLog
    def g_hll(self):
        k, r = self.key, self.rng

        def pfadd():
            n = r.choice([0, 1, 2, 5, 20, 200])
            base = r.randint(0, 5000)
            return Cmd(["PFADD", k()] + ["e%d" % (base + i) for i in range(n)])

        return [
            (8, pfadd),
            (5, lambda: Cmd(["PFCOUNT"] + self.keys(1, 3))),
            (3, lambda: Cmd(["PFMERGE", k()] + self.keys(0, 3))),
            (1, lambda: Cmd(["GET", k()])),
        ]

    # -- geo (sorted sets underneath)
    def g_geo(self):
        k, m, r = self.key, self.member, self.rng

        def lon():
            return "%.4f" % (13.0 + r.random())

        def lat():
            return "%.4f" % (38.0 + r.random())

        def geoadd():
            a = ["GEOADD", k()] + self.maybe(0.15, r.choice(["NX", "XX"])) + self.maybe(0.15, "CH")
            for _ in range(r.randint(1, 3)):
                a += [lon(), lat(), m()]
            if r.random() < 0.05:
                a[-3] = r.choice(["200", "-181"])  # out of range
            return Cmd(a)

        def search(store=False):
            a = ["GEOSEARCHSTORE", k(), k()] if store else ["GEOSEARCH", k()]
            a += ["FROMMEMBER", m()] if r.random() < 0.4 else ["FROMLONLAT", lon(), lat()]
            unit = r.choice(["km", "m", "mi", "ft"])
            if r.random() < 0.6:
                a += ["BYRADIUS", r.choice(["10", "50", "100", "0.5"]), unit]
            else:
                a += ["BYBOX", r.choice(["20", "100"]), r.choice(["30", "100"]), unit]
            order = r.choice(["ASC", "DESC", None])
            if order:
                a.append(order)
            count = r.random() < 0.4
            any_ = False
            if count:
                a += ["COUNT", r.choice(["1", "2", "5"])]
                if r.random() < 0.2:
                    a.append("ANY")
                    any_ = True
            if store:
                a += self.maybe(0.5, "STOREDIST")
                return Cmd(a)
            a += self.maybe(0.3, "WITHCOORD") + self.maybe(0.4, "WITHDIST") + self.maybe(0.2, "WITHHASH")
            if any_ and not order:
                return Cmd(a, norm="len")
            return Cmd(a, norm="exact" if (order or count) else "sort")

        def georadius():
            c = r.choice(["GEORADIUS", "GEORADIUSBYMEMBER", "GEORADIUS_RO", "GEORADIUSBYMEMBER_RO"])
            a = [c, k()] + ([m()] if "MEMBER" in c else [lon(), lat()])
            a += [r.choice(["10", "50", "100"]), r.choice(["km", "m", "mi"])]
            order = r.choice(["ASC", "DESC", None])
            a += [order] if order else []
            if r.random() < 0.2:  # the _RO forms reject STORE: error texts compared too
                return Cmd(a + [r.choice(["STORE", "STOREDIST"]), k()])
            a += self.maybe(0.4, "WITHDIST")
            return Cmd(a, norm="exact" if order else "sort")

        return [
            (8, geoadd),
            (3, lambda: Cmd(["GEODIST", k(), m(), m()] + self.maybe(0.5, r.choice(["m", "km", "mi", "ft", "yd"])))),
            (3, lambda: Cmd(["GEOPOS", k()] + self.members(1, 3))),
            (2, lambda: Cmd(["GEOHASH", k()] + self.members(1, 3))),
            (5, search),
            (2, lambda: search(True)),
            (2, georadius),
            (2, lambda: Cmd(["ZRANGE", k(), "0", "-1", "WITHSCORES"])),
        ]
