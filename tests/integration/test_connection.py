# YottaStore. Licensed under the Apache License 2.0.
# Connection commands: PING ECHO HELLO AUTH SELECT QUIT RESET and CLIENT *,
# with their error texts. Raw sockets where the exact reply matters; keys are
# unique per test, so no FLUSHALL is needed.
import time

import pytest

from resp_raw import Error, RawClient, Verbatim, encode
from wire import SYNTAX

WRONGPASS = Error("WRONGPASS invalid username-password pair or user is disabled.")
NOAUTH = Error("NOAUTH Authentication required.")
AUTH_NO_PASSWORD = Error("ERR AUTH <password> called without any password configured for the default user. "
                         "Are you sure your configuration is correct?")
BAD_NAME = Error("ERR Client names cannot contain spaces, newlines or special characters.")


@pytest.fixture
def c(raw):
    """This suite's short name for conftest's raw-socket client."""
    return raw


def client_list_ids(c):
    listing = c.call("CLIENT", "LIST").decode()
    return [int(line.split()[0][3:]) for line in listing.splitlines() if line]


def info_fields(text):
    return dict(f.split("=", 1) for f in text.decode().strip().split(" "))


# ---- PING / ECHO ----

def test_ping(c):
    assert c.call("PING") == "PONG"
    assert c.call("PING", "hello world") == b"hello world"
    assert c.call("PING", "") == b""
    assert c.call("PING", "a", "b") == Error("ERR wrong number of arguments for 'ping' command")


def test_echo(c):
    assert c.call("ECHO", "x y") == b"x y"
    assert c.call("ECHO", b"\x00\xff\r\n") == b"\x00\xff\r\n"
    assert c.call("ECHO") == Error("ERR wrong number of arguments for 'echo' command")
    assert c.call("ECHO", "a", "b") == Error("ERR wrong number of arguments for 'echo' command")


# ---- HELLO ----

def hello_dict(rep):
    if isinstance(rep, dict):
        return rep
    return dict(zip(rep[0::2], rep[1::2]))


def test_hello_default_is_resp2(c):
    rep = c.call("HELLO")
    assert isinstance(rep, list) and len(rep) == 14
    d = hello_dict(rep)
    assert d[b"proto"] == 2
    assert d[b"id"] == c.call("CLIENT", "ID")
    assert d[b"server"] == b"redis"
    assert set(d) == {b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"}


def test_hello_3_and_back(c):
    rep = c.call("HELLO", "3")
    assert isinstance(rep, dict) and rep[b"proto"] == 3
    assert c.call("GET", "hello:missing") is None
    c.send(encode("GET", "hello:missing"))
    assert c.read_raw(3) == b"_\r\n"
    # HELLO with no version keeps the current protocol.
    assert hello_dict(c.call("HELLO"))[b"proto"] == 3
    rep = c.call("HELLO", "2")
    assert isinstance(rep, list) and hello_dict(rep)[b"proto"] == 2
    c.send(encode("GET", "hello:missing"))
    assert c.read_raw(5) == b"$-1\r\n"


def test_hello_errors(c):
    assert c.call("HELLO", "4") == Error("NOPROTO unsupported protocol version")
    assert c.call("HELLO", "1") == Error("NOPROTO unsupported protocol version")
    assert c.call("HELLO", "abc") == Error("ERR Protocol version is not an integer or out of range")
    assert c.call("HELLO", "3", "AUTH", "default") == Error("ERR Syntax error in HELLO option 'AUTH'")
    assert c.call("HELLO", "3", "SETNAME") == Error("ERR Syntax error in HELLO option 'SETNAME'")
    assert c.call("HELLO", "3", "foo") == Error("ERR Syntax error in HELLO option 'foo'")
    assert c.call("HELLO", "3", "SETNAME", "a b") == BAD_NAME
    # No failed HELLO switched the protocol.
    c.send(encode("GET", "hello:missing"))
    assert c.read_raw(5) == b"$-1\r\n"


def test_hello_setname_and_auth_without_password(c):
    rep = c.call("HELLO", "3", "SETNAME", "hello-name")
    assert rep[b"proto"] == 3
    assert c.call("CLIENT", "GETNAME") == b"hello-name"
    # The default user has no password: any password is accepted for it.
    rep = c.call("HELLO", "2", "AUTH", "default", "whatever", "SETNAME", "n2")
    assert hello_dict(rep)[b"proto"] == 2
    assert c.call("CLIENT", "GETNAME") == b"n2"
    assert c.call("HELLO", "3", "AUTH", "nosuchuser", "x") == WRONGPASS


# ---- AUTH ----

def test_auth_without_requirepass(c):
    assert c.call("AUTH", "pw") == AUTH_NO_PASSWORD
    assert c.call("AUTH", "default", "anything") == "OK"
    assert c.call("AUTH", "nosuchuser", "pw") == WRONGPASS
    assert c.call("AUTH", "a", "b", "c") == SYNTAX
    assert c.call("AUTH") == Error("ERR wrong number of arguments for 'auth' command")


@pytest.fixture(scope="module")
def pw_server(request):
    from conftest import Server
    s = Server(request.config, ("--requirepass", "pw"))
    yield s
    s.stop()


def test_auth_with_requirepass(pw_server):
    with RawClient(pw_server.port) as c:
        assert c.call("PING") == NOAUTH
        assert c.call("GET", "k") == NOAUTH
        assert c.call("CLIENT", "ID") == NOAUTH
        assert c.call("SELECT", "1") == NOAUTH
        # Unknown commands and wrong arity are reported before NOAUTH.
        assert c.call("NOSUCH") == Error("ERR unknown command 'NOSUCH', with args beginning with: ")
        assert c.call("GET") == Error("ERR wrong number of arguments for 'get' command")
        assert c.call("AUTH", "wrong") == WRONGPASS
        assert c.call("PING") == NOAUTH
        assert c.call("AUTH", "default", "wrong") == WRONGPASS
        assert c.call("AUTH", "pw") == "OK"
        assert c.call("PING") == "PONG"
        assert c.call("SET", "authkey", "v") == "OK"
    with RawClient(pw_server.port) as c:
        assert c.call("AUTH", "default", "pw") == "OK"
        assert c.call("GET", "authkey") == b"v"
        # A failed AUTH does not log an authenticated client out.
        assert c.call("AUTH", "wrong") == WRONGPASS
        assert c.call("PING") == "PONG"


def test_hello_with_requirepass(pw_server):
    with RawClient(pw_server.port) as c:
        rep = c.call("HELLO", "3")
        assert isinstance(rep, Error) and rep.startswith(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO ")
        assert c.call("HELLO", "3", "AUTH", "default", "wrong") == WRONGPASS
        assert c.call("PING") == NOAUTH
        rep = c.call("HELLO", "3", "AUTH", "default", "pw")
        assert rep[b"proto"] == 3
        assert c.call("PING") == "PONG"


def test_reset_and_quit_need_no_auth(pw_server):
    with RawClient(pw_server.port) as c:
        assert c.call("RESET") == "RESET"
        assert c.call("AUTH", "pw") == "OK"
        assert c.call("PING") == "PONG"
        # RESET logs the client out again.
        assert c.call("RESET") == "RESET"
        assert c.call("PING") == NOAUTH
        c.send(encode("QUIT") + encode("PING"))
        assert c.read_all_until_close() == b"+OK\r\n"


# ---- SELECT ----

def test_select_ranges(c):
    for db in ("0", "15", "7"):
        assert c.call("SELECT", db) == "OK"
    assert c.call("SELECT", "16") == Error("ERR DB index is out of range")
    assert c.call("SELECT", "-1") == Error("ERR DB index is out of range")
    assert c.call("SELECT", "abc") == Error("ERR value is not an integer or out of range")
    assert c.call("SELECT", "1.5") == Error("ERR value is not an integer or out of range")
    assert c.call("SELECT", "99999999999999999999") == Error("ERR value is not an integer or out of range")
    assert c.call("SELECT") == Error("ERR wrong number of arguments for 'select' command")
    # A failed SELECT leaves the db as it was.
    assert info_fields(c.call("CLIENT", "INFO"))["db"] == "7"


def test_select_isolates_data(server):
    keys = ["iso:%d" % i for i in range(40)]  # spread over every shard
    with RawClient(server.port) as a, RawClient(server.port) as b:
        assert a.call("SELECT", "3") == "OK"
        assert b.call("SELECT", "4") == "OK"
        for k in keys:
            assert a.call("SET", k, "db3") == "OK"
        for k in keys:
            assert b.call("GET", k) is None
            assert b.call("SET", k, "db4") == "OK"
        assert a.call("MGET", *keys) == [b"db3"] * len(keys)
        assert b.call("MGET", *keys) == [b"db4"] * len(keys)
        assert a.call("INCR", "iso:ctr") == 1
        assert b.call("INCR", "iso:ctr") == 1
        # Switching a connection's db switches what it sees.
        assert a.call("SELECT", "4") == "OK"
        assert a.call("GET", keys[0]) == b"db4"
        assert a.call("SELECT", "5") == "OK"
        assert a.call("GET", keys[0]) is None


def test_select_in_pipeline(server):
    with RawClient(server.port) as c:
        c.send(encode("SELECT", "6") + encode("SET", "pipesel", "six") + encode("SELECT", "7") +
               encode("GET", "pipesel") + encode("SET", "pipesel", "seven") + encode("SELECT", "6") +
               encode("GET", "pipesel"))
        assert [c.read() for _ in range(7)] == ["OK", "OK", "OK", None, "OK", "OK", b"six"]


# ---- QUIT / RESET ----

def test_quit(server):
    with RawClient(server.port) as c:
        c.send(encode("SET", "quitkey", "1") + encode("QUIT") + encode("SET", "quitkey", "2"))
        assert c.read_all_until_close() == b"+OK\r\n+OK\r\n"
    with RawClient(server.port) as c:
        assert c.call("GET", "quitkey") == b"1"
        c.send(b"QUIT\r\n")
        assert c.read_all_until_close() == b"+OK\r\n"


def test_reset(c):
    assert c.call("SELECT", "9") == "OK"
    assert c.call("CLIENT", "SETNAME", "before-reset") == "OK"
    assert isinstance(c.call("HELLO", "3"), dict)
    my_id = c.call("CLIENT", "ID")
    assert c.call("RESET") == "RESET"
    f = info_fields(c.call("CLIENT", "INFO"))
    assert f["db"] == "0" and f["name"] == "" and f["resp"] == "2"
    assert c.call("CLIENT", "ID") == my_id  # same connection
    assert c.call("RESET", "x") == Error("ERR wrong number of arguments for 'reset' command")


def test_reset_turns_replies_back_on(c):
    c.send(encode("CLIENT", "REPLY", "OFF") + encode("PING") + encode("RESET") + encode("PING", "back"))
    assert c.read() == "RESET"
    assert c.read() == b"back"


# ---- CLIENT ID / SETNAME / GETNAME ----

def test_client_id(server):
    with RawClient(server.port) as a, RawClient(server.port) as b:
        ia, ib = a.call("CLIENT", "ID"), b.call("CLIENT", "ID")
        assert isinstance(ia, int) and ib > ia
        assert a.call("CLIENT", "ID") == ia
        assert a.call("CLIENT", "ID", "x") == Error("ERR wrong number of arguments for 'client|id' command")


def test_client_setname_getname(c):
    assert c.call("CLIENT", "GETNAME") is None
    assert c.call("CLIENT", "SETNAME", "my-conn") == "OK"
    assert c.call("CLIENT", "GETNAME") == b"my-conn"
    for bad in ("a b", "a\nb", "tab\there", "\x7f"):
        assert c.call("CLIENT", "SETNAME", bad) == BAD_NAME
    assert c.call("CLIENT", "GETNAME") == b"my-conn"
    assert c.call("CLIENT", "SETNAME", "") == "OK"  # clears it
    assert c.call("CLIENT", "GETNAME") is None
    assert c.call("CLIENT", "SETNAME") == Error("ERR wrong number of arguments for 'client|setname' command")
    assert c.call("CLIENT", "GETNAME", "x") == Error("ERR wrong number of arguments for 'client|getname' command")


# ---- CLIENT LIST / INFO ----

def test_client_list(server):
    with RawClient(server.port) as a, RawClient(server.port) as b:
        assert a.call("CLIENT", "SETNAME", "lister") == "OK"
        ia, ib = a.call("CLIENT", "ID"), b.call("CLIENT", "ID")
        ids = client_list_ids(a)
        assert ia in ids and ib in ids
        listing = a.call("CLIENT", "LIST").decode()
        line = [l for l in listing.splitlines() if l.startswith("id=%d " % ia)][0]
        f = info_fields(line.encode())
        assert f["name"] == "lister"
        assert f["cmd"] == "client|list"
        assert f["addr"].startswith("127.0.0.1:")
        assert listing.endswith("\n")
        only = a.call("CLIENT", "LIST", "ID", ib, 999999999).decode()
        assert [int(l.split()[0][3:]) for l in only.splitlines()] == [ib]
        assert a.call("CLIENT", "LIST", "ID", "abc") == Error("ERR Invalid client ID")
        assert a.call("CLIENT", "LIST", "TYPE", "normal").decode().count("\n") >= 2
        assert a.call("CLIENT", "LIST", "TYPE", "pubsub") == b""
        assert a.call("CLIENT", "LIST", "TYPE", "bogus") == Error("ERR Unknown client type 'bogus'")
        assert a.call("CLIENT", "LIST", "bogus") == SYNTAX


def test_client_info(c):
    rep = c.call("CLIENT", "INFO")
    assert rep.endswith(b"\n") and rep.count(b"\n") == 1
    f = info_fields(rep)
    assert int(f["id"]) == c.call("CLIENT", "ID")
    assert f["cmd"] == "client|info"
    assert f["db"] == "0" and f["resp"] == "2" and f["user"] == "default"
    assert f["laddr"].startswith("127.0.0.1:")
    for field in ("addr", "fd", "name", "age", "idle", "flags", "qbuf", "omem", "tot-mem"):
        assert field in f
    assert c.call("HELLO", "3")[b"proto"] == 3
    rep = c.call("CLIENT", "INFO")
    assert isinstance(rep, Verbatim) and rep.fmt == b"txt"
    assert info_fields(rep)["resp"] == "3"


# ---- CLIENT KILL ----

def test_client_kill_old_form(server):
    with RawClient(server.port) as killer, RawClient(server.port) as victim:
        addr = info_fields(victim.call("CLIENT", "INFO"))["addr"]
        assert killer.call("CLIENT", "KILL", addr) == "OK"
        assert victim.read_all_until_close() == b""
        assert killer.call("CLIENT", "KILL", addr) == Error("ERR No such client")
        assert killer.call("CLIENT", "KILL", "1.2.3.4:5") == Error("ERR No such client")
        assert killer.call("PING") == "PONG"


def test_client_kill_new_form(server):
    with RawClient(server.port) as killer, RawClient(server.port) as v1, RawClient(server.port) as v2:
        id1 = v1.call("CLIENT", "ID")
        addr2 = info_fields(v2.call("CLIENT", "INFO"))["addr"]
        assert killer.call("CLIENT", "KILL", "ID", id1) == 1
        assert v1.read_all_until_close() == b""
        assert killer.call("CLIENT", "KILL", "ID", id1) == 0
        assert killer.call("CLIENT", "KILL", "ADDR", addr2, "TYPE", "normal") == 1
        assert v2.read_all_until_close() == b""
        assert killer.call("CLIENT", "KILL", "ADDR", "1.2.3.4:5") == 0
        assert killer.call("PING") == "PONG"


def test_client_kill_laddr_and_user(request, server):
    with RawClient(server.port) as killer, RawClient(server.port) as v:
        laddr = info_fields(v.call("CLIENT", "INFO"))["laddr"]
        v_id = v.call("CLIENT", "ID")
        # Another client's filter matching nobody kills nobody.
        assert killer.call("CLIENT", "KILL", "ID", v_id, "LADDR", "1.2.3.4:1") == 0
        assert killer.call("CLIENT", "KILL", "ID", v_id, "LADDR", laddr) == 1
        assert v.read_all_until_close() == b""
        assert killer.call("CLIENT", "KILL", "USER", "nosuchuser", "ID", v_id) == Error(
            "ERR No such user 'nosuchuser'")


def test_client_kill_skipme(server):
    with RawClient(server.port) as c:
        my_id = c.call("CLIENT", "ID")
        assert c.call("CLIENT", "KILL", "ID", my_id) == 0  # SKIPME defaults to yes
        assert c.call("CLIENT", "KILL", "ID", my_id, "SKIPME", "yes") == 0
        c.send(encode("CLIENT", "KILL", "ID", my_id, "SKIPME", "no") + encode("PING"))
        assert c.read_all_until_close() == b":1\r\n"


def test_client_kill_errors(c):
    assert c.call("CLIENT", "KILL") == Error("ERR wrong number of arguments for 'client|kill' command")
    assert c.call("CLIENT", "KILL", "ID", "abc") == Error("ERR client-id should be greater than 0")
    assert c.call("CLIENT", "KILL", "ID", "0") == Error("ERR client-id should be greater than 0")
    assert c.call("CLIENT", "KILL", "TYPE", "bogus") == Error("ERR Unknown client type 'bogus'")
    assert c.call("CLIENT", "KILL", "SKIPME", "maybe") == SYNTAX
    assert c.call("CLIENT", "KILL", "BOGUS", "x") == SYNTAX
    assert c.call("CLIENT", "KILL", "ID", "5", "ADDR") == SYNTAX
    assert c.call("CLIENT", "KILL", "TYPE", "pubsub") == 0
    assert c.call("PING") == "PONG"


# ---- CLIENT SETINFO / REPLY / NO-EVICT / NO-TOUCH / HELP ----

def test_client_setinfo(server, c):
    if server.is_redis:
        # CLIENT SETINFO is Redis 7.2; the reference redis-server here is 7.0.
        assert c.call("CLIENT", "SETINFO", "LIB-NAME", "x") == Error(
            "ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.")
        return
    assert c.call("CLIENT", "SETINFO", "LIB-NAME", "yotta-py") == "OK"
    assert c.call("CLIENT", "SETINFO", "lib-ver", "1.2.3") == "OK"
    f = info_fields(c.call("CLIENT", "INFO"))
    assert f["lib-name"] == "yotta-py" and f["lib-ver"] == "1.2.3"
    rep = c.call("CLIENT", "SETINFO", "LIB-NAME", "a b")
    assert isinstance(rep, Error) and rep.endswith("cannot contain spaces, newlines or special characters.")
    assert c.call("CLIENT", "SETINFO", "bogus", "x") == Error("ERR Unrecognized option 'bogus'")
    assert c.call("CLIENT", "SETINFO", "LIB-NAME") == Error(
        "ERR wrong number of arguments for 'client|setinfo' command")


def test_client_reply_off_on(c):
    c.send(encode("CLIENT", "REPLY", "OFF") + encode("SET", "replyoff", "1") + encode("GET", "replyoff") +
           encode("NOSUCH") + encode("CLIENT", "REPLY", "ON") + encode("GET", "replyoff"))
    assert c.read() == "OK"  # only REPLY ON answers
    assert c.read() == b"1"
    assert c.is_open()


def test_client_reply_skip(c):
    c.send(encode("CLIENT", "REPLY", "SKIP") + encode("INCR", "replyskip") + encode("INCR", "replyskip"))
    assert c.read() == 2
    # SKIP then OFF then ON: nothing until ON.
    c.send(encode("CLIENT", "REPLY", "SKIP") + encode("CLIENT", "REPLY", "OFF") + encode("PING") +
           encode("CLIENT", "REPLY", "ON") + encode("PING", "x"))
    assert c.read() == "OK"
    assert c.read() == b"x"


def test_client_reply_skip_remote_keys(c):
    # Skipped replies of commands that run on other shards stay skipped.
    cmds = [encode("CLIENT", "REPLY", "SKIP") + encode("SET", "rs:%d" % i, i) for i in range(20)]
    c.send(b"".join(cmds) + encode("MGET", *["rs:%d" % i for i in range(20)]))
    assert c.read() == [str(i).encode() for i in range(20)]


def test_client_reply_errors(c):
    assert c.call("CLIENT", "REPLY", "MAYBE") == SYNTAX
    assert c.call("CLIENT", "REPLY") == Error("ERR wrong number of arguments for 'client|reply' command")
    assert c.call("CLIENT", "REPLY", "ON") == "OK"


def test_client_no_evict(request, server, c):
    assert c.call("CLIENT", "NO-EVICT", "ON") == "OK"
    assert "e" in info_fields(c.call("CLIENT", "INFO"))["flags"]
    assert c.call("CLIENT", "NO-EVICT", "off") == "OK"
    assert "e" not in info_fields(c.call("CLIENT", "INFO"))["flags"]
    assert c.call("CLIENT", "NO-EVICT", "maybe") == SYNTAX
    assert c.call("CLIENT", "NO-EVICT") == Error("ERR wrong number of arguments for 'client|no-evict' command")


def test_client_no_touch(request, server, c):
    if server.is_redis:
        # CLIENT NO-TOUCH is Redis 7.2; the reference redis-server here is 7.0.
        assert c.call("CLIENT", "NO-TOUCH", "ON") == Error("ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP.")
        return
    assert c.call("CLIENT", "NO-TOUCH", "ON") == "OK"
    assert "T" in info_fields(c.call("CLIENT", "INFO"))["flags"]
    assert c.call("CLIENT", "NO-TOUCH", "OFF") == "OK"
    assert "T" not in info_fields(c.call("CLIENT", "INFO"))["flags"]
    assert c.call("CLIENT", "NO-TOUCH", "maybe") == SYNTAX


def test_client_help(request, server, c):
    lines = c.call("CLIENT", "HELP")
    assert lines[0] == "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert lines[-2:] == ["HELP", "    Prints this help."]
    for sub in ("GETNAME", "ID", "INFO", "SETNAME <name>", "REPLY (ON|OFF|SKIP)", "KILL <ip:port>"):
        assert sub in lines
    assert c.call("CLIENT", "HELP", "x") == Error("ERR wrong number of arguments for 'client|help' command")


def test_client_getredir(c):
    assert c.call("CLIENT", "GETREDIR") == -1


def test_client_unknown_subcommand(c):
    assert c.call("CLIENT", "BOGUS") == Error("ERR unknown subcommand 'BOGUS'. Try CLIENT HELP.")
    assert c.call("CLIENT") == Error("ERR wrong number of arguments for 'client' command")
    assert c.is_open()


def test_connection_survives_killed_peer_in_pipeline(server):
    # A client that pipelines and dies does not disturb a second one.
    with RawClient(server.port) as keep:
        for _ in range(5):
            d = RawClient(server.port)
            d.send(encode("INCR", "peerdie") * 100)
            d.close()
        time.sleep(0.1)
        n = keep.call("INCR", "peerdie")
        assert isinstance(n, int) and 1 <= n <= 501
