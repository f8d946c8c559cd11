# YottaStore. Licensed under the Apache License 2.0.
# Shared by the collection tests: Redis's common error replies, and the exact
# reply bytes of commands on one RESP3 connection (to check frame types).
import socket

from resp_raw import Error

WRONGTYPE = Error("WRONGTYPE Operation against a key holding the wrong kind of value")
SYNTAX = Error("ERR syntax error")
NOT_INT = Error("ERR value is not an integer or out of range")
NOT_FLOAT = Error("ERR value is not a valid float")


def wrong_args(cmd):
    return Error("ERR wrong number of arguments for '%s' command" % cmd)


def wire(port, *cmds):
    """Exact reply bytes of each command on one RESP3 connection."""
    s = socket.create_connection(("127.0.0.1", port))
    out = []
    try:
        f = s.makefile("rb")
        for args in [("HELLO", "3")] + list(cmds):
            s.sendall(b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in args]))
            out.append(read_frame(f))
    finally:
        s.close()
    return out[1:]


def read_frame(f):
    line = f.readline()
    t = line[:1]
    if t in b"$!=":
        n = int(line[1:])
        return line + (f.read(n + 2) if n >= 0 else b"")
    if t in b"*~>%|":
        n = int(line[1:])
        n = n * 2 if t in b"%|" else n
        return line + b"".join(read_frame(f) for _ in range(max(n, 0)))
    return line
