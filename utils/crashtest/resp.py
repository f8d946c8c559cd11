# YottaStore. Licensed under the Apache License 2.0.
# A minimal blocking RESP2 client for the crash test. No retries, no hidden
# reconnects: a command is either answered on this connection or the caller
# sees an exception, so "acknowledged" means exactly "a reply was read".
import socket


class Error(str):
    """An error reply, text without the leading '-'."""


class Closed(ConnectionError):
    """The server closed the connection."""


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


# Redis Cluster's key -> slot rule (CRC16/XMODEM of the hash tag), which
# YottaStore also uses to pick a shard: shard = slot % shards.
def _crc16_table():
    t = []
    for i in range(256):
        crc = i << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        t.append(crc & 0xFFFF)
    return t


_CRC16 = _crc16_table()


def hash_tag(key):
    open_ = key.find("{")
    if open_ < 0:
        return key
    close = key.find("}", open_ + 1)
    if close < 0 or close == open_ + 1:
        return key
    return key[open_ + 1:close]


def key_slot(key):
    crc = 0
    for b in hash_tag(key).encode():
        crc = ((crc << 8) & 0xFFFF) ^ _CRC16[((crc >> 8) ^ b) & 0xFF]
    return crc & 16383


def shard_of(key, shards):
    return 0 if shards <= 1 else key_slot(key) % shards


class Conn:
    def __init__(self, port, timeout=10.0, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def call(self, *args):
        self.sock.sendall(encode(*args))
        return self.read()

    def pipeline(self, cmds):
        """Sends every command in one write, then reads one reply each."""
        self.sock.sendall(b"".join(encode(*c) for c in cmds))
        return [self.read() for _ in cmds]

    def _fill(self):
        d = self.sock.recv(1 << 20)
        if not d:
            raise Closed("server closed the connection")
        self.buf += d

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return Error(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data.decode("utf-8", "surrogateescape")
        if t == b"*":
            n = int(rest)
            if n < 0:
                return None
            return [self.read() for _ in range(n)]
        raise ValueError("unexpected RESP type byte in %r" % line)
