# YottaStore. Licensed under the Apache License 2.0.
# A raw-socket RESP2/RESP3 client for tests that must see the wire: exact
# error texts, reply encodings, partial writes and connection closes, which
# redis-py hides or normalises.
import socket
import time


class Error(str):
    """An error reply ("-..." or "!..."), text without the leading '-'."""


class Verbatim(bytes):
    """A RESP3 verbatim string; .fmt holds its 3-letter format."""

    fmt = b""


class Push(list):
    """A RESP3 push message (">")."""


class Closed(Exception):
    """The server closed the connection."""


def encode(*args):
    """Encodes one command as a RESP multibulk."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class RawClient:
    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def send_cmd(self, *args):
        self.send(encode(*args))

    def call(self, *args):
        self.send_cmd(*args)
        return self.read()

    def _fill(self):
        d = self.sock.recv(1 << 20)
        if not d:
            raise Closed()
        self.buf += d

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def read_bytes(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_raw(self, n):
        """Exactly n bytes of wire data (for encoding checks)."""
        return self.read_bytes(n)

    def read(self):
        """Reads one reply and decodes it (bulk strings stay bytes)."""
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return Error(rest.decode())
        if t in (b":", b"("):
            return int(rest)
        if t == b",":
            return float(rest.decode())
        if t == b"#":
            return rest == b"t"
        if t == b"_":
            return None
        if t in (b"$", b"!", b"="):
            n = int(rest)
            if n < 0:
                return None
            data = self.read_bytes(n + 2)[:-2]
            if t == b"!":
                return Error(data.decode())
            if t == b"=":
                v = Verbatim(data[4:])
                v.fmt = data[:3]
                return v
            return data
        if t in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return None
            items = [self.read() for _ in range(n)]
            return Push(items) if t == b">" else items
        if t in (b"%", b"|"):
            n = int(rest)
            return {_hashable(self.read()): self.read() for _ in range(n)}
        raise AssertionError("unexpected RESP type byte in %r" % line)

    def read_all_until_close(self, timeout=5):
        """Everything the server sends until it closes; AssertionError if it stays open."""
        deadline = time.time() + timeout
        data = self.buf
        self.buf = b""
        while time.time() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                d = self.sock.recv(1 << 20)
            except socket.timeout:
                break
            except ConnectionResetError:
                return data
            if not d:
                return data
            data += d
        raise AssertionError("server kept the connection open; got %r" % data[:200])

    def is_open(self, wait=0.3):
        """True if the server has not closed the connection within `wait` s."""
        self.sock.settimeout(wait)
        try:
            d = self.sock.recv(1 << 16, socket.MSG_PEEK)
            return bool(d)
        except socket.timeout:
            return True
        except ConnectionResetError:
            return False
        finally:
            self.sock.settimeout(10)


def _hashable(v):
    return tuple(v) if isinstance(v, list) else v
