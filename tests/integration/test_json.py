# YottaStore. Licensed under the Apache License 2.0.
# JSON type (RedisJSON 2.x) over TCP with redis-py's r.json() and raw
# commands: every command, legacy and $ paths, RESP2 and RESP3, errors.
# There is no RedisJSON here to diff against: expectations are pinned from
# RedisJSON's documentation (https://redis.io/docs/latest/commands/?group=json)
# and source (https://github.com/RedisJSON/RedisJSON, redis_json/src/commands.rs
# and error.rs), cited next to the non-obvious ones. Yotta-only: the local
# reference redis-server has no JSON module.
import pytest
import redis
from redis.commands.json.path import Path

pytestmark = pytest.mark.usefixtures("server")


@pytest.fixture(autouse=True)
def _yotta_only(server):
    if server.is_redis:
        pytest.skip("redis-server has no RedisJSON module; JSON tests are yotta-only")


def cmd(r, *args):
    return r.execute_command(*args)


_raw = {}


def err(r, *args):
    """The exact error text (redis-py strips "ERR "), via a raw socket."""
    from resp_raw import Error, RawClient
    port = r.connection_pool.connection_kwargs["port"]
    if port not in _raw:
        _raw[port] = RawClient(port)
    reply = _raw[port].call(*args)
    assert isinstance(reply, Error), reply
    return str(reply)


DOC = '{"a":1,"b":{"a":2,"c":"x"},"arr":[1,2,3],"s":"hello","t":true,"n":null,"f":1.5}'


def test_set_get_roundtrip(r):
    assert cmd(r, "JSON.SET", "d", "$", DOC) == "OK"
    assert cmd(r, "JSON.GET", "d") == DOC
    assert cmd(r, "JSON.GET", "d", "$") == "[" + DOC + "]"
    assert cmd(r, "JSON.GET", "d", ".b") == '{"a":2,"c":"x"}'
    assert cmd(r, "JSON.GET", "d", "b.c") == '"x"'
    assert cmd(r, "JSON.GET", "d", "$.b.c") == '["x"]'
    assert cmd(r, "JSON.GET", "d", '["arr"][0]') == "1"
    assert cmd(r, "JSON.GET", "d", ".arr[-1]") == "3"
    assert cmd(r, "JSON.GET", "d", "$..a") == "[1,2]"
    assert cmd(r, "JSON.GET", "d", "$.nope") == "[]"
    assert cmd(r, "TYPE", "d") == "ReJSON-RL"
    assert cmd(r, "JSON.GET", "missing") is None
    # redis-py json() client
    assert r.json().get("d", Path(".b.a")) == 2
    assert r.json().get("d", "$.arr[*]") == [1, 2, 3]


def test_numbers_roundtrip_as_serde_prints(r):
    # serde_json/ryu: floats keep ".0", shortest round-trip, exponent form
    # outside 1e-5..1e16; integers beyond 64 bits become doubles.
    cases = {
        "1.0": "1.0", "1e300": "1e300", "1E2": "100.0", "0.1": "0.1", "-0": "-0.0",
        "123456789012345678": "123456789012345678", "18446744073709551615": "18446744073709551615",
        "-9223372036854775808": "-9223372036854775808", "99999999999999999999": "1e20",
        "1.5e-7": "1.5e-7", "0.00001": "0.00001", "1e16": "1e16", "1e15": "1000000000000000.0",
        '"\\u00e9\\ud83d\\ude00\\n\\u0001"': '"\u00e9\U0001F600\\n\\u0001"',
    }
    for text, want in cases.items():
        assert cmd(r, "JSON.SET", "n", "$", text) == "OK"
        assert cmd(r, "JSON.GET", "n") == want, text


def test_set_options_and_errors(r):
    assert cmd(r, "JSON.SET", "d", ".", DOC) == "OK"
    assert cmd(r, "JSON.SET", "d", "$.a", "10", "NX") is None
    assert cmd(r, "JSON.SET", "d", "$.z", "10", "XX") is None
    assert cmd(r, "JSON.SET", "d", "$.z", "10", "NX") == "OK"
    assert cmd(r, "JSON.SET", "d", "$.a", "11", "XX") == "OK"
    assert cmd(r, "JSON.GET", "d", "$.a", "$.z") in ('{"$.a":[11],"$.z":[10]}', '{"$.z":[10],"$.a":[11]}')
    assert cmd(r, "JSON.SET", "d", "$", "1", "NX") is None
    assert cmd(r, "JSON.SET", "nokey", "$", "1", "XX") is None
    assert err(r, "JSON.SET", "d", "$", "1", "NX", "XX") == "ERR syntax error"
    assert err(r, "JSON.SET", "d", "$", "1", "BAD") == "ERR syntax error"
    # RedisJSON's JSON.SET on a missing key at a non-root path.
    assert err(r, "JSON.SET", "nokey", "$.a", "1") == "ERR new objects must be created at the root"
    # serde_json's messages are replied verbatim (error.rs: From<Error>).
    assert err(r, "JSON.SET", "d", "$", "x") == "expected value at line 1 column 1"
    assert err(r, "JSON.SET", "d", "$", "{") == "EOF while parsing an object at line 1 column 1"
    assert err(r, "JSON.SET", "d", "$", "[1,]") == "trailing comma at line 1 column 4"
    assert err(r, "JSON.SET", "d", "$", "1 2") == "trailing characters at line 1 column 3"
    assert err(r, "JSON.SET", "d", "$", '{"a" 1}') == "expected `:` at line 1 column 6"
    assert err(r, "JSON.SET", "d", "$", "1e400").startswith("number out of range")
    # serde's recursion limit of 128 nested containers.
    deep = "[" * 128 + "]" * 128
    assert err(r, "JSON.SET", "d", "$", deep) == "recursion limit exceeded at line 1 column 128"
    ok = "[" * 127 + "]" * 127
    assert cmd(r, "JSON.SET", "deep", "$", ok) == "OK"
    assert cmd(r, "JSON.GET", "deep") == ok
    # A failed SET changed nothing.
    assert cmd(r, "JSON.GET", "d", "$.a") == "[11]"
    # Parent missing: nothing to add to -> nil.
    assert cmd(r, "JSON.SET", "d", "$.q.w", "1") is None
    # Non-static path that matches nothing.
    assert err(r, "JSON.SET", "d", "$..nope", "1").lower().startswith("err")
    assert err(r, "JSON.SET", "d", "$.arr[9]", "1") == "ERR array index out of range"
    # Multiple matches are all replaced.
    assert cmd(r, "JSON.SET", "d", "$..a", '"v"') == "OK"
    assert cmd(r, "JSON.GET", "d", "$..a") == '["v","v"]'


def test_wrong_type_and_arity(r):
    r.set("str", "x")
    # redis-module-rs verify_type: a key of another type.
    assert err(r, "JSON.GET", "str") == "Existing key has wrong Redis type"
    assert err(r, "JSON.SET", "str", "$", "1") == "Existing key has wrong Redis type"
    assert err(r, "JSON.ARRAPPEND", "str", "$", "1") == "Existing key has wrong Redis type"
    assert r.get("str") == "x"
    assert err(r, "JSON.SET", "k", "$").startswith("ERR wrong number of arguments")
    assert err(r, "JSON.GET").startswith("ERR wrong number of arguments")
    assert err(r, "JSON.NUMINCRBY", "k", "$").startswith("ERR wrong number of arguments")
    cmd(r, "JSON.SET", "d", "$", DOC)
    assert err(r, "JSON.GET", "d", "$[").startswith("Error occurred on position")


def test_get_formatting(r):
    cmd(r, "JSON.SET", "d", "$", '{"a":[1,{"b":2}],"e":{},"l":[]}')
    got = cmd(r, "JSON.GET", "d", "INDENT", "\t", "NEWLINE", "\n", "SPACE", " ", ".")
    assert got == '{\n\t"a": [\n\t\t1,\n\t\t{\n\t\t\t"b": 2\n\t\t}\n\t],\n\t"e": {},\n\t"l": []\n}'
    assert cmd(r, "JSON.GET", "d", "SPACE", " ", "$.a") == '[[1,{"b": 2}]]'


def test_legacy_missing_path_errors(r):
    cmd(r, "JSON.SET", "d", "$", DOC)
    # err_msg_json_path_doesnt_exist_with_param(fixed path), commands.rs
    assert err(r, "JSON.GET", "d", ".x") == "ERR Path '$.x' does not exist"
    assert err(r, "JSON.GET", "d", "x") == "ERR Path '$.x' does not exist"
    assert err(r, "JSON.NUMINCRBY", "d", ".s", "1") == \
        "ERR Path '$.s' does not exist or does not contains a number"
    assert err(r, "JSON.ARRAPPEND", "d", ".a", "1") == "ERR Path '.a' does not exist or not an array"
    assert err(r, "JSON.STRLEN", "d", ".a") == "WRONGTYPE wrong type of path value - expected string but found integer"
    assert err(r, "JSON.TOGGLE", "d", ".a") == "ERR Path '$.a' does not exist or not a bool"


def test_mget_mset_across_keys(r):
    keys = [f"k{i}" for i in range(12)]  # no hash tags: several shards
    args = []
    for i, k in enumerate(keys):
        args += [k, "$", '{"v":%d,"o":{"v":%d}}' % (i, i * 10)]
    assert cmd(r, "JSON.MSET", *args) == "OK"
    r.set("plain", "x")
    assert cmd(r, "JSON.MGET", *keys, "nokey", "plain", "$..v") == \
        ["[%d,%d]" % (i, i * 10) for i in range(12)] + [None, None]
    assert cmd(r, "JSON.MGET", *keys[:3], ".v") == ["0", "1", "2"]
    assert cmd(r, "JSON.MGET", keys[0], ".nope") == [None]
    # Atomic: a bad triple anywhere changes nothing.
    assert err(r, "JSON.MSET", "k0", "$", "5", "k1", "$", "bad") == "expected value at line 1 column 1"
    assert cmd(r, "JSON.GET", "k0", "$.v") == "[0]"
    assert err(r, "JSON.MSET", "k0", "$", "5", "newkey", "$.a", "1") == \
        "ERR new objects must be created at the root"
    assert cmd(r, "JSON.GET", "k0", "$.v") == "[0]"
    assert err(r, "JSON.MSET", "k0", "$").startswith("ERR wrong number of arguments")
    # Each triple is checked against the keyspace as it was: a key created
    # by an earlier triple still needs a root path (json_mset).
    assert err(r, "JSON.MSET", "fresh", "$", "{}", "fresh", "$.a", "1") == \
        "ERR new objects must be created at the root"
    assert r.exists("fresh") == 0
    assert cmd(r, "JSON.MSET", "k0", "$.v", "7", "k5", "$.o.w", "true") == "OK"
    assert cmd(r, "JSON.GET", "k0", "$.v") == "[7]"
    assert cmd(r, "JSON.GET", "k5", "$.o") == '[{"v":50,"w":true}]'
    assert r.json().mget(keys[:2], "$.v") == [[7], [1]]


def test_merge(r):
    cmd(r, "JSON.SET", "d", "$", '{"a":{"b":1,"c":2},"x":[1]}')
    # RFC 7386: null deletes, objects merge, others replace.
    assert cmd(r, "JSON.MERGE", "d", "$", '{"a":{"b":null,"d":3},"x":{"y":1}}') == "OK"
    assert cmd(r, "JSON.GET", "d") == '{"a":{"c":2,"d":3},"x":{"y":1}}'
    assert cmd(r, "JSON.MERGE", "d", "$.a.c", "5") == "OK"
    assert cmd(r, "JSON.MERGE", "d", "$.new", '{"k":1}') == "OK"
    assert cmd(r, "JSON.GET", "d") == '{"a":{"c":5,"d":3},"x":{"y":1},"new":{"k":1}}'
    # A new key takes the value as given: nothing to merge with, nulls stay
    # (RedisJSON 2.6 commands.rs json_merge: set_value on a missing key).
    assert cmd(r, "JSON.MERGE", "m", "$", '{"a":1,"b":null}') == "OK"
    assert cmd(r, "JSON.GET", "m") == '{"a":1,"b":null}'
    assert cmd(r, "JSON.MERGE", "m", "$.x.y", "1") is None  # parent missing
    assert cmd(r, "JSON.MERGE", "m", "$", '{"b":null}') == "OK"
    assert cmd(r, "JSON.GET", "m") == '{"a":1}'
    assert err(r, "JSON.MERGE", "m2", "$.a", "1") == "ERR new objects must be created at the root"


def test_del_forget_type(r):
    cmd(r, "JSON.SET", "d", "$", '{"a":1,"b":{"a":{"a":3}},"arr":[1,2,3,4]}')
    assert cmd(r, "JSON.TYPE", "d") == "object"
    assert cmd(r, "JSON.TYPE", "d", "$..a") == ["integer", "object", "integer"]
    assert cmd(r, "JSON.TYPE", "d", ".nope") is None
    assert cmd(r, "JSON.TYPE", "nokey") is None
    # Nested matches: only the outer one counts.
    assert cmd(r, "JSON.DEL", "d", "$..a") == 2
    assert cmd(r, "JSON.GET", "d") == '{"b":{},"arr":[1,2,3,4]}'
    assert cmd(r, "JSON.DEL", "d", "$.arr[0,2]") == 2
    assert cmd(r, "JSON.GET", "d", "$.arr") == "[[2,4]]"
    assert cmd(r, "JSON.FORGET", "d", ".arr") == 1
    assert cmd(r, "JSON.DEL", "d", "$.nope") == 0
    assert cmd(r, "JSON.DEL", "nokey") == 0
    assert cmd(r, "JSON.DEL", "d") == 1
    assert r.exists("d") == 0


def test_strings(r):
    cmd(r, "JSON.SET", "d", "$", '{"a":"foo","b":{"a":"x"},"n":1}')
    assert cmd(r, "JSON.STRLEN", "d", ".a") == 3
    assert cmd(r, "JSON.STRLEN", "d", "$..a") == [3, 1]
    assert cmd(r, "JSON.STRLEN", "d", "$.*") == [3, None, None]
    assert cmd(r, "JSON.STRAPPEND", "d", "$..a", '"yz"') == [5, 3]
    assert cmd(r, "JSON.STRAPPEND", "d", ".a", '"!"') == 6
    assert cmd(r, "JSON.GET", "d", "$..a") == '["fooyz!","xyz"]'
    assert cmd(r, "JSON.STRAPPEND", "d", "$.n", '"q"') == [None]
    assert err(r, "JSON.STRAPPEND", "d", ".n", '"q"') == "ERR Path '$.n' does not exist or not a string"
    assert err(r, "JSON.STRAPPEND", "d", ".a", "1").startswith("WRONGTYPE wrong type of path value")
    assert err(r, "JSON.STRAPPEND", "nokey", ".a", '"q"') == \
        "ERR could not perform this operation on a key that doesn't exist"
    assert cmd(r, "JSON.STRLEN", "nokey") is None
    assert err(r, "JSON.STRLEN", "nokey", "$") == \
        "ERR could not perform this operation on a key that doesn't exist"
    # The value is read only where there is a string to append to.
    assert cmd(r, "JSON.STRAPPEND", "d", "$.n", "notjson") == [None]
    # serde reads "n" as the start of null: "expected ident".
    assert err(r, "JSON.STRAPPEND", "d", "$.a", "notjson") == "ERR expected ident at line 1 column 2"


def test_numbers(r):
    cmd(r, "JSON.SET", "d", "$", '{"a":1,"b":{"a":2.5},"s":"x"}')
    assert cmd(r, "JSON.NUMINCRBY", "d", ".a", "2") == "3"
    assert cmd(r, "JSON.NUMINCRBY", "d", "$..a", "1") == "[4,3.5]"
    assert cmd(r, "JSON.NUMINCRBY", "d", "$.*", "1") == "[5,null,null]"
    assert cmd(r, "JSON.NUMMULTBY", "d", "$.a", "2") == "[10]"
    assert cmd(r, "JSON.NUMMULTBY", "d", ".a", "0.5") == "5.0"
    assert cmd(r, "JSON.NUMINCRBY", "d", ".b.a", "0.5") == "4.0"
    # int64 overflow continues as a double.
    cmd(r, "JSON.SET", "d", "$.a", "9223372036854775807")
    assert cmd(r, "JSON.NUMINCRBY", "d", ".a", "1") == "9.223372036854776e18"
    # serde errors raised in the command itself get redis-module-rs's "ERR ".
    assert err(r, "JSON.NUMINCRBY", "d", ".a", "x") == "ERR expected value at line 1 column 1"
    assert err(r, "JSON.NUMINCRBY", "d", ".a", '"1"') == "ERR bad input"
    assert err(r, "JSON.NUMINCRBY", "nokey", ".a", "1") == \
        "ERR could not perform this operation on a key that doesn't exist"
    assert r.json().numincrby("d", "$.b.a", 1) == [5.0]


def test_toggle_clear(r):
    cmd(r, "JSON.SET", "d", "$", '{"t":true,"o":{"t":false},"arr":[1],"obj":{"a":1},"i":5,"f":1.5,"s":"x"}')
    assert cmd(r, "JSON.TOGGLE", "d", ".t") == "false"
    assert cmd(r, "JSON.TOGGLE", "d", "$..t") == [1, 1]
    assert cmd(r, "JSON.TOGGLE", "d", "$.s") == [None]
    assert err(r, "JSON.TOGGLE", "d").startswith("ERR wrong number of arguments")
    # Docs example: JSON.CLEAR doc $.* counts containers and numbers.
    assert cmd(r, "JSON.CLEAR", "d", "$.*") == 5
    assert cmd(r, "JSON.GET", "d") == '{"t":true,"o":{},"arr":[],"obj":{},"i":0,"f":0,"s":"x"}'
    # Already-empty containers and zeros do not count (json_clear).
    assert cmd(r, "JSON.CLEAR", "d", "$.*") == 0
    assert cmd(r, "JSON.CLEAR", "d") == 1
    assert cmd(r, "JSON.GET", "d") == "{}"
    assert cmd(r, "JSON.CLEAR", "d") == 0
    assert err(r, "JSON.CLEAR", "nokey") == "ERR could not perform this operation on a key that doesn't exist"


def test_arrays(r):
    cmd(r, "JSON.SET", "d", "$", '{"a":[1,2,3],"b":{"a":[]},"c":5}')
    assert cmd(r, "JSON.ARRAPPEND", "d", "$..a", "4", '"x"') == [5, 2]
    assert cmd(r, "JSON.ARRAPPEND", "d", ".a", "5") == 6
    assert cmd(r, "JSON.ARRAPPEND", "d", "$.c", "1") == [None]
    assert cmd(r, "JSON.ARRLEN", "d", "$..a") == [6, 2]
    assert cmd(r, "JSON.ARRLEN", "d", ".a") == 6
    assert cmd(r, "JSON.ARRINDEX", "d", "$.a", "3") == [2]
    assert cmd(r, "JSON.ARRINDEX", "d", ".a", "3") == 2
    assert cmd(r, "JSON.ARRINDEX", "d", ".a", '"x"') == 4
    assert cmd(r, "JSON.ARRINDEX", "d", ".a", "3", "3") == -1
    assert cmd(r, "JSON.ARRINDEX", "d", ".a", "5", "-3", "-1") == -1
    assert cmd(r, "JSON.ARRINDEX", "d", ".a", "5", "-3", "0") == 5
    assert err(r, "JSON.ARRINDEX", "d", ".a", "1", "x") == "Couldn't parse as integer"
    assert cmd(r, "JSON.ARRINSERT", "d", "$.a", "0", "0") == [7]
    assert cmd(r, "JSON.ARRINSERT", "d", ".a", "-1", '"y"', '"z"') == 9
    assert cmd(r, "JSON.GET", "d", ".a") == '[0,1,2,3,4,"x","y","z",5]'
    assert err(r, "JSON.ARRINSERT", "d", ".a", "20", "1") == "ERR index out of bounds"
    assert cmd(r, "JSON.ARRPOP", "d", ".a") == "5"
    assert cmd(r, "JSON.ARRPOP", "d", "$.a", "0") == ["0"]
    assert cmd(r, "JSON.ARRPOP", "d", "$..a", "100") == ['"z"', '"x"']
    assert cmd(r, "JSON.ARRPOP", "d", "$.c") == [None]
    assert cmd(r, "JSON.ARRTRIM", "d", "$.a", "1", "2") == [2]
    assert cmd(r, "JSON.GET", "d", ".a") == "[2,3]"
    assert cmd(r, "JSON.ARRTRIM", "d", ".a", "5", "10") == 0
    assert cmd(r, "JSON.ARRPOP", "d", ".a") is None
    # json_arr_len names the path as written.
    assert err(r, "JSON.ARRLEN", "d", ".c") == "ERR Path '.c' does not exist or not an array"
    assert err(r, "JSON.ARRLEN", "d", ".zz") == "ERR Path '.zz' does not exist"
    assert cmd(r, "JSON.ARRLEN", "nokey") is None
    assert err(r, "JSON.ARRLEN", "nokey", "$") == \
        "ERR could not perform this operation on a key that doesn't exist"
    assert err(r, "JSON.ARRINDEX", "nokey", ".a", "1") == "ERR Path '.a' does not exist"
    assert err(r, "JSON.ARRINDEX", "d", ".a", "x") == "ERR expected value at line 1 column 1"
    assert err(r, "JSON.ARRINSERT", "d", ".c", "0", "1") == "ERR Path '$.c' does not exist or not an array"
    assert err(r, "JSON.ARRINSERT", "d", ".a", "x", "1") == "Couldn't parse as integer"
    assert err(r, "JSON.ARRTRIM", "d", ".c", "0", "1") == "ERR Path '$.c' does not exist or not an array"
    # No path: the root's last element.
    cmd(r, "JSON.SET", "ra", "$", "[1,2,3]")
    assert cmd(r, "JSON.ARRPOP", "ra") == "3"
    assert cmd(r, "JSON.ARRPOP", "ra", ".", "notanumber") == "2"
    assert err(r, "JSON.ARRPOP", "nokey") == "ERR could not perform this operation on a key that doesn't exist"


def test_objects_resp_debug(r):
    cmd(r, "JSON.SET", "d", "$", '{"a":{"x":1,"y":[true,null,"s"]},"b":1}')
    assert cmd(r, "JSON.OBJKEYS", "d") == ["a", "b"]
    assert cmd(r, "JSON.OBJKEYS", "d", "$..a") == [["x", "y"]]
    assert cmd(r, "JSON.OBJKEYS", "d", "$.*") == [["x", "y"], None]
    assert cmd(r, "JSON.OBJLEN", "d", ".a") == 2
    assert cmd(r, "JSON.OBJLEN", "d", "$.*") == [2, None]
    assert cmd(r, "JSON.OBJKEYS", "nokey") is None
    assert err(r, "JSON.OBJKEYS", "nokey", "$") == \
        "ERR could not perform this operation on a key that doesn't exist"
    assert err(r, "JSON.OBJLEN", "nokey", "$") == "ERR Path '$' does not exist or not an object"
    assert cmd(r, "JSON.OBJLEN", "nokey") is None
    assert cmd(r, "JSON.OBJLEN", "d", ".nope") is None
    assert err(r, "JSON.OBJKEYS", "d", ".b") == "ERR Path '$.b' does not exist or not an object"
    assert err(r, "JSON.OBJLEN", "d", ".b") == \
        "WRONGTYPE wrong type of path value - expected object but found integer"
    # JSON.RESP mapping (docs: arrays start with "[", objects with "{").
    assert cmd(r, "JSON.RESP", "d", ".a") == ["{", "x", 1, "y", ["[", "true", None, "s"]]
    assert cmd(r, "JSON.RESP", "d", "$.b") == [1]
    # Doubles are RedisValue::Float: Redis's %.17g text in RESP2.
    cmd(r, "JSON.SET", "d", "$.f", "0.1")
    assert cmd(r, "JSON.RESP", "d", ".f") == "0.10000000000000001"
    assert err(r, "JSON.RESP", "d", ".nope") == "ERR Path '$.nope' does not exist"
    assert cmd(r, "JSON.DEBUG", "MEMORY", "d") > 0
    assert len(cmd(r, "JSON.DEBUG", "MEMORY", "d", "$..a")) == 1
    assert cmd(r, "JSON.DEBUG", "MEMORY", "nokey") == 0
    assert len(cmd(r, "JSON.DEBUG", "HELP")) == 2


def test_jsonpath_features(r):
    store = ('{"store":{"book":[{"t":"a","price":8,"tag":"x"},{"t":"b","price":12,"tag":"x"},'
             '{"t":"c","price":5,"tag":"y"},{"t":"d","price":9.5,"tag":"x","isbn":"1-2"}],'
             '"bike":{"price":20}}}')
    cmd(r, "JSON.SET", "s", "$", store)
    assert cmd(r, "JSON.GET", "s", '$.store.book[?(@.price < 10 && @.tag == "x")].t') == '["a","d"]'
    assert cmd(r, "JSON.GET", "s", "$.store.book[?(@.price > 10 || @.tag == 'y')].t") == '["b","c"]'
    assert cmd(r, "JSON.GET", "s", "$.store.book[?(@.isbn)].t") == '["d"]'
    assert cmd(r, "JSON.GET", "s", "$.store.book[?(!(@.price < 10))].t") == '["b"]'
    assert cmd(r, "JSON.GET", "s", '$.store.book[?(@.t =~ "^[ab]$")].t') == '["a","b"]'
    assert cmd(r, "JSON.GET", "s", "$..price") == "[8,12,5,9.5,20]"
    assert cmd(r, "JSON.GET", "s", "$.store.book[*].t") == '["a","b","c","d"]'
    assert cmd(r, "JSON.GET", "s", "$.store.bike.*") == "[20]"
    assert cmd(r, "JSON.GET", "s", "$.store.book[1:3].t") == '["b","c"]'
    assert cmd(r, "JSON.GET", "s", "$.store.book[0:4:2].t") == '["a","c"]'
    assert cmd(r, "JSON.GET", "s", "$.store.book[-1:].t") == '["d"]'
    assert cmd(r, "JSON.GET", "s", "$.store.book[0,2].t") == '["a","c"]'
    assert cmd(r, "JSON.GET", "s", "$.store['bike','nope'].price") == "[20]"
    assert cmd(r, "JSON.GET", "s", '$["store"]["bike"]') == '[{"price":20}]'
    assert cmd(r, "JSON.GET", "s", "..price") == "8"  # legacy: first match
    assert cmd(r, "JSON.NUMINCRBY", "s", "$.store.book[?(@.price >= 9)].price", "1") == "[13,10.5]"


def test_resp3_shapes(server):
    from resp_raw import RawClient
    with RawClient(server.port) as c:
        c.call("HELLO", "3")
        assert c.call("JSON.SET", "d", "$", '{"a":[1,2],"n":1,"f":1.5}') == "OK"
        # RESP3: the default path is $ (redis.io JSON RESP3 migration guide,
        # https://redis.io/docs/latest/develop/data-types/json/resp3/).
        # No path is the legacy root in RESP3 too (RedisJSON 2.6 json_get
        # pushes Path::new(JSON_ROOT_PATH_LEGACY); the redis.io RESP3 guide's
        # "$" default is not what the code does).
        assert c.call("JSON.GET", "d") == b'{"a":[1,2],"n":1,"f":1.5}'
        assert c.call("JSON.GET", "d", "$") == b'[{"a":[1,2],"n":1,"f":1.5}]'
        assert c.call("JSON.GET", "d", ".n") == b"1"
        # JSON.TYPE wraps its reply in one more array in RESP3 (json_type).
        assert c.call("JSON.TYPE", "d", "$.a") == [[b"array"]]
        assert c.call("JSON.TYPE", "d") == [b"object"]
        assert c.call("JSON.TYPE", "nokey") == [None]
        # NUMINCRBY replies an array of numbers in RESP3, for legacy paths
        # too (json_num_op: integers stay integers, others are doubles).
        assert c.call("JSON.NUMINCRBY", "d", "$.*", "1") == [None, 2, 2.5]
        assert c.call("JSON.NUMINCRBY", "d", ".n", "1") == [3]
        assert c.call("JSON.NUMINCRBY", "d", ".a", "1") == [None]
        assert c.call("JSON.ARRLEN", "d", "$.a") == [2]
        assert c.call("JSON.OBJLEN", "d") == 3
        assert c.call("JSON.STRLEN", "d", "$.a") == [None]


def test_keyspace_integration(r):
    cmd(r, "JSON.SET", "d", "$", DOC)
    assert r.object("encoding", "d") == "raw"
    assert r.copy("d", "d2") == 1
    cmd(r, "JSON.SET", "d2", "$.a", "99")
    assert cmd(r, "JSON.GET", "d", "$.a") == "[1]"
    assert cmd(r, "JSON.GET", "d2", "$.a") == "[99]"
    assert r.rename("d2", "d3") is True
    assert cmd(r, "JSON.GET", "d3", "$.a") == "[99]"
    dumped = r.dump("d")
    r.delete("d")
    assert r.restore("d", 0, dumped) == "OK"
    assert cmd(r, "JSON.GET", "d") == DOC
    assert r.type("d") == "ReJSON-RL"
    assert r.expire("d", 100) is True
    cmd(r, "JSON.SET", "d", "$.a", "2")
    assert 0 < r.ttl("d") <= 100
    r.pexpire("d", 1)
    import time
    time.sleep(0.05)
    assert cmd(r, "JSON.GET", "d") is None


def test_restore_rejects_corrupt_payload(rb):
    rb.execute_command("JSON.SET", "d", "$", DOC)
    dumped = rb.dump("d")
    for cut in range(1, len(dumped)):
        with pytest.raises(redis.ResponseError):
            rb.restore("x", 0, dumped[:cut])
    bad = bytearray(dumped)
    bad[3] ^= 0x55
    with pytest.raises(redis.ResponseError):
        rb.restore("x", 0, bytes(bad))
    assert rb.exists("x") == 0


def test_depth_and_regex_limits(r):
    # A write may not nest a document deeper than 1000 levels (our limit:
    # every walk recurses; RedisJSON has none beyond the parser's 128).
    cmd(r, "JSON.SET", "deep", "$", "[" * 100 + "]" * 100)
    path = "$" + "[0]" * 99
    level = 100
    while level + 100 <= 1000:
        assert cmd(r, "JSON.ARRAPPEND", "deep", path, "[" * 100 + "]" * 100) == [1], level
        path += "[0]" + "[0]" * 99
        level += 100
    assert err(r, "JSON.ARRAPPEND", "deep", path, "[" * 100 + "]" * 100) == \
        "ERR nesting depth exceeds the limit (1000)"
    # DUMP/RESTORE of a document deeper than a parse allows works.
    whole = cmd(r, "JSON.GET", "deep")
    dumped = r.dump("deep")
    assert r.restore("deep2", 0, dumped) == "OK"
    assert cmd(r, "JSON.GET", "deep2") == whole
    # Regex subjects over 1024 bytes match nothing (libstdc++'s regex
    # recurses per character; RedisJSON's Rust regex has no such limit).
    cmd(r, "JSON.SET", "re", "$", '{"s":["' + "a" * 5000 + '","aa","abc"]}')
    assert cmd(r, "JSON.GET", "re", '$.s[?(@ =~ "^a+$")]') == '["aa"]'
    assert cmd(r, "JSON.GET", "re", '$.s[?(@ =~ "b")]') == '["abc"]'
    assert cmd(r, "JSON.GET", "re", '$.s[?(@ =~ "(")]') == "[]"  # bad pattern: no match


def test_nested_matches_edit_safely(r):
    # $..* matches arrays and their own elements (pre-order: a node's
    # children, then each child's subtree). Every edit must land on the
    # values the path matched, none on memory an earlier edit moved.
    cmd(r, "JSON.SET", "n", "$", '{"x":[[1],[2,3]],"y":[[]]}')
    # order: x, y, x[0], x[1], 1, 2, 3, y[0]
    assert cmd(r, "JSON.ARRAPPEND", "n", "$..*", "0") == [3, 2, 2, 3, None, None, None, 1]
    assert cmd(r, "JSON.GET", "n") == '{"x":[[1,0],[2,3,0],0],"y":[[0],0]}'
    assert cmd(r, "JSON.ARRINSERT", "n", "$..*", "0", '"s"') == \
        [4, 3, 3, 4, None, None, None, None, None, None, 2, None, None]
    assert cmd(r, "JSON.GET", "n") == '{"x":["s",["s",1,0],["s",2,3,0],0],"y":["s",["s",0],0]}'
    popped = cmd(r, "JSON.ARRPOP", "n", "$..*", "0")
    assert [p for p in popped if p is not None] == ['"s"'] * 5 and len(popped) == 18
    assert cmd(r, "JSON.GET", "n") == '{"x":[[1,0],[2,3,0],0],"y":[[0],0]}'
    assert cmd(r, "JSON.ARRTRIM", "n", "$..*", "0", "0") == \
        [1, 1, 1, 1, None, None, None, None, None, None, 1, None, None]
    assert cmd(r, "JSON.GET", "n") == '{"x":[[1]],"y":[[0]]}'
    assert cmd(r, "JSON.DEL", "n", "$..*") == 2
    assert cmd(r, "JSON.GET", "n") == "{}"


def test_transactions_and_watch(r, server):
    # JSON writes inside MULTI across shards, and WATCH sees JSON writes.
    p = r.pipeline(transaction=True)
    p.execute_command("JSON.SET", "tx:a", "$", '{"n":1}')
    p.execute_command("JSON.SET", "tx:b", "$", "[1]")
    p.execute_command("JSON.NUMINCRBY", "tx:a", "$.n", "1")
    p.execute_command("JSON.ARRAPPEND", "tx:b", "$", "2")
    assert p.execute() == ["OK", "OK", "[2]", [2]]
    other = server.client(decode_responses=True)
    with r.pipeline(transaction=True) as w:
        w.watch("tx:a")
        other.execute_command("JSON.NUMINCRBY", "tx:a", "$.n", "1")
        w.multi()
        w.execute_command("JSON.SET", "tx:a", "$.n", "100")
        with pytest.raises(redis.WatchError):
            w.execute()
    assert cmd(r, "JSON.GET", "tx:a", "$.n") == "[3]"
    other.close()


def test_text_and_tree_modes(r, rb):
    # Documents up to 32 KB of text are kept as their text, bigger ones as a
    # tree; both must read, edit, copy, dump and count memory alike.
    small = '{"a":{"b":[1,2.5,"x"]},"s":"q\\"\\\\\\u0001","k\\"q":1,"n":null}'
    cmd(r, "JSON.SET", "m", "$", small)
    assert cmd(r, "JSON.GET", "m") == small
    assert cmd(r, "JSON.GET", "m", "$") == "[" + small + "]"
    assert cmd(r, "JSON.GET", "m", '$["k\\"q"]') == "[1]"  # escaped key
    assert cmd(r, "JSON.GET", "m", "$.a.b[-1]") == '["x"]'
    assert cmd(r, "JSON.GET", "m", ".a.b[1]") == "2.5"
    assert cmd(r, "JSON.GET", "m", "$.a.b[3]") == "[]"
    assert cmd(r, "JSON.GET", "m", "$.a.b.c") == "[]"
    assert cmd(r, "JSON.GET", "m", "$.a[0]") == "[]"
    assert err(r, "JSON.GET", "m", ".a.z") == "ERR Path '$.a.z' does not exist"
    assert cmd(r, "JSON.MGET", "m", "nokey", ".a.b") == ['[1,2.5,"x"]', None]
    assert cmd(r, "JSON.MGET", "m", ".zz") == [None]
    base = r.memory_usage("m")
    # Grow past the threshold with span edits: the document becomes a tree.
    big = '"' + "y" * 20000 + '"'
    assert cmd(r, "JSON.ARRAPPEND", "m", "$.a.b", big, big) == [5]
    grown = r.memory_usage("m")
    assert grown > base + 40000
    assert cmd(r, "JSON.NUMINCRBY", "m", "$.a.b[1]", "1") == "[3.5]"
    assert cmd(r, "JSON.ARRLEN", "m", "$.a.b") == [5]
    assert cmd(r, "JSON.GET", "m", "$.a.b[0:2]") == "[1,3.5]"
    # Shrinking edits keep the tree; a root SET goes back to text.
    assert cmd(r, "JSON.ARRTRIM", "m", "$.a.b", "0", "2") == [3]
    assert cmd(r, "JSON.GET", "m", "$.a.b") == '[[1,3.5,"x"]]'
    cmd(r, "JSON.SET", "m", "$", small)
    assert r.memory_usage("m") == base
    # COPY, DUMP/RESTORE in both modes.
    cmd(r, "JSON.SET", "t", "$", '{"pad":' + big + ',"v":[1]}')
    for key in ("m", "t"):
        assert r.copy(key, key + "c") == 1
        assert cmd(r, "JSON.GET", key + "c") == cmd(r, "JSON.GET", key)
        assert cmd(r, "JSON.ARRAPPEND", key + "c", "$..b", "7") is not None
        assert rb.restore(key + "r", 0, rb.dump(key)) == b"OK"
        assert cmd(r, "JSON.GET", key + "r") == cmd(r, "JSON.GET", key)
        assert cmd(r, "JSON.DEBUG", "MEMORY", key + "r") == cmd(r, "JSON.DEBUG", "MEMORY", key)
    assert cmd(r, "JSON.GET", "m", "$.a.b") == '[[1,2.5,"x"]]'  # copy is separate
    # A failed edit changes nothing.
    assert err(r, "JSON.NUMINCRBY", "m", "$.a.b[0]", "x") .startswith("ERR expected value")
    assert err(r, "JSON.ARRINSERT", "m", "$.a.b", "9", "1") == "ERR index out of bounds"
    assert cmd(r, "JSON.GET", "m") == small
    assert r.memory_usage("m") == base


def test_memory_counter_balances(r):
    # The shard's byte counter (INFO's yotta_shard_N_used_memory, the sum of
    # every object's size) returns to where it was once the documents are
    # gone, whatever mode they lived in and however they were edited.
    def counted():
        info = r.info("memory")
        return sum(v for k, v in info.items() if k.startswith("yotta_shard_"))
    # One hash tag: one shard, whose key table the warm-up below sizes.
    keys = ["{mc}%d%s" % (i, s) for i in range(20) for s in ("", "c", "r")]
    # The key table grows with the keys and keeps its size: grow it first.
    r.mset({k: "v" for k in keys})
    r.delete(*keys)
    before = counted()
    big = '"' + "z" * 40000 + '"'
    for i in range(20):
        k = "{mc}%d" % i
        cmd(r, "JSON.SET", k, "$", '{"a":[1,2],"s":"x","n":1}' if i % 2 else '{"p":' + big + '}')
        cmd(r, "JSON.ARRAPPEND", k, "$..a", '"' + "q" * (i * 2000) + '"')
        cmd(r, "JSON.NUMINCRBY", k, "$.n", "2")
        cmd(r, "JSON.SET", k, "$.new", '{"x":[1,2,3]}')
        cmd(r, "JSON.MERGE", k, "$", '{"s":null,"m":1}')
        cmd(r, "JSON.DEL", k, "$.new.x[0]")
        r.copy(k, k + "c")
        r.restore(k + "r", 0, r.dump(k))
    assert counted() > before
    r.delete(*keys)
    assert counted() == before
