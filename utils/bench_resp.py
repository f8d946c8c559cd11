# YottaStore. Licensed under the Apache License 2.0.
# Writes RESP "SET key:%012d <value>" commands for `redis-cli --pipe`.
# Key names match redis-benchmark's -r keys ("key:" + 12 digits), so a later
# GET benchmark over -r N hits the keys loaded here.
#
#   /usr/bin/python3 utils/bench_resp.py COUNT VALUE_BYTES | redis-cli -p PORT --pipe
import sys


def main():
    count = int(sys.argv[1])
    size = int(sys.argv[2])
    value = b"x" * size
    # Every key is 16 bytes, so the per-command framing is constant.
    head = b"*3\r\n$3\r\nSET\r\n$16\r\nkey:"
    tail = b"\r\n$%d\r\n%s\r\n" % (size, value)
    out = sys.stdout.buffer
    batch = 10000
    for start in range(0, count, batch):
        end = min(count, start + batch)
        out.write(b"".join(head + b"%012d" % i + tail for i in range(start, end)))
    out.flush()


if __name__ == "__main__":
    main()
