# YottaStore. Licensed under the Apache License 2.0.
# Writes RESP commands for `redis-cli --pipe` that build the collections the
# memory rows of utils/bench.sh measure:
#   hash   1 key, COUNT fields  "f:%d" -> "v:%d"        (HSET, 100 per call)
#   set    1 key, COUNT members "m:%d"                  (SADD, 100 per call)
#   zset   1 key, COUNT members "m:%d" with score %d    (ZADD, 100 per call)
#   small  COUNT keys "h:%d", 10 fields "f0".."f9" -> 8-byte values each
#
#   /usr/bin/python3 utils/bench_coll_resp.py KIND COUNT | redis-cli -p PORT --pipe
# Prints nothing else; the number of commands is COUNT/100 (small: COUNT).
import sys


def bulk(s):
    return b"$%d\r\n%s\r\n" % (len(s), s)


def command(*parts):
    return b"*%d\r\n" % len(parts) + b"".join(bulk(p) for p in parts)


def big(kind, count, out):
    verb, key = {"hash": (b"HSET", b"bighash"), "set": (b"SADD", b"bigset"), "zset": (b"ZADD", b"bigzset")}[kind]
    for start in range(0, count, 100):
        args = [verb, key]
        for i in range(start, min(count, start + 100)):
            if kind == "hash":
                args += [b"f:%d" % i, b"v:%d" % i]
            elif kind == "set":
                args.append(b"m:%d" % i)
            else:
                args += [b"%d" % i, b"m:%d" % i]
        out.write(command(*args))


def small(count, out):
    for k in range(count):
        args = [b"HSET", b"h:%d" % k]
        for f in range(10):
            args += [b"f%d" % f, b"val%05d" % (k % 100000)]
        out.write(command(*args))


def main():
    kind, count = sys.argv[1], int(sys.argv[2])
    out = sys.stdout.buffer
    if kind == "small":
        small(count, out)
    else:
        big(kind, count, out)
    out.flush()


if __name__ == "__main__":
    main()
