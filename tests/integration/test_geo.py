# YottaStore. Licensed under the Apache License 2.0.
# GEO commands: GEOADD GEOPOS GEODIST GEOHASH GEOSEARCH GEOSEARCHSTORE
# GEORADIUS[BYMEMBER][_RO]. Every expected reply (scores, coordinate texts,
# 4-decimal distances, result order, error texts) was read from redis-server
# and this file passes with --target redis. Replies are read with the raw
# client so that number texts are compared byte for byte.
import pytest

from resp_raw import Error, RawClient

SICILY = [13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania",
          12.758489, 38.788135, "edge1", 17.241510, 38.222216, "edge2"]
PALERMO_POS = ["13.36138933897018433", "38.11555639549629859"]
CATANIA_POS = ["15.08726745843887329", "37.50266842333162032"]
PALERMO_SCORE = 3479099956230698
CATANIA_SCORE = 3479447370796909


def dec(v):
    """Bulk strings as text, recursively; errors and numbers unchanged."""
    if isinstance(v, Error):
        return v
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, list):
        return [dec(x) for x in v]
    return v


@pytest.fixture
def q(r, raw):
    """q(*args): a command's reply via the raw client, texts decoded."""
    return lambda *args: dec(raw.call(*args))


@pytest.fixture
def sicily(q):
    assert q("GEOADD", "Sicily", *SICILY) == 4
    return q


def err(q, *args):
    reply = q(*args)
    assert isinstance(reply, Error), reply
    return str(reply)


# ---------------------------------------------------------------------------
# GEOADD


def test_geoadd_stores_geohash_scores_in_a_zset(r, sicily):
    assert r.type("Sicily") == "zset"
    assert r.zcard("Sicily") == 4
    assert r.zscore("Sicily", "Palermo") == PALERMO_SCORE
    assert r.zscore("Sicily", "Catania") == CATANIA_SCORE
    assert sicily("GEOADD", "Sicily", 13.361389, 38.115556, "Palermo") == 0
    # The edges of the score space (the upper ones carry past 52 bits, as in Redis).
    assert sicily("GEOADD", "e", 0, 0, "z", -180, -85.05112878, "sw", 180, 85.05112878, "ne") == 3
    assert r.zrange("e", 0, -1, withscores=True) == [("sw", 0.0), ("z", 3377699720527872.0),
                                                    ("ne", 13510798882111488.0)]


def test_geoadd_nx_xx_ch(r, q):
    assert q("GEOADD", "k", 1, 1, "a") == 1
    assert q("GEOADD", "k", "NX", 2, 2, "a", 3, 3, "b") == 1
    assert q("GEOPOS", "k", "a")[0][0].startswith("0.99999")  # NX kept the old position
    assert q("GEOADD", "k", "XX", 2, 2, "a", 4, 4, "c") == 0
    assert r.zscore("k", "c") is None
    assert q("GEOADD", "k", "xx", "ch", 5, 5, "a") == 1
    assert q("GEOADD", "k", "CH", 5, 5, "a", 6, 6, "b", 7, 7, "d") == 2
    assert q("GEOADD", "k", "CH", 7, 7, "d") == 0
    assert q("GEOADD", "missing", "XX", 1, 1, "a") == 0
    assert r.exists("missing") == 0


def test_geoadd_errors(r, q):
    r.set("str", "x")
    assert err(q, "GEOADD", "k", 200, 100, "x") == "ERR invalid longitude,latitude pair 200.000000,100.000000"
    assert err(q, "GEOADD", "k", 1, 85.06, "x") == "ERR invalid longitude,latitude pair 1.000000,85.060000"
    assert err(q, "GEOADD", "k", "-180.5", 0, "x") == "ERR invalid longitude,latitude pair -180.500000,0.000000"
    assert err(q, "GEOADD", "k", "abc", 1, "x") == "ERR value is not a valid float"
    assert err(q, "GEOADD", "k", 1, "nan", "x") == "ERR value is not a valid float"
    assert err(q, "GEOADD", "k", 1, 1, "a", 2) == "ERR syntax error"
    assert err(q, "GEOADD", "k", "NX", "XX", 1, 1, "a") == "ERR syntax error"
    assert err(q, "GEOADD", "k", "CH", "CH", "CH") == "ERR syntax error"
    assert err(q, "GEOADD", "k", "GT", 1, 1, "a") == "ERR syntax error"
    assert err(q, "GEOADD", "k", 1, 1) == "ERR wrong number of arguments for 'geoadd' command"
    # A bad pair anywhere adds nothing.
    assert err(q, "GEOADD", "k", 1, 1, "a", 1, 91, "b") == "ERR invalid longitude,latitude pair 1.000000,91.000000"
    assert r.exists("k") == 0
    assert err(q, "GEOADD", "str", 1, 1, "a").startswith("WRONGTYPE")
    # Coordinates are checked before the type.
    assert err(q, "GEOADD", "str", 1, 100, "a").startswith("ERR invalid longitude")
    assert r.get("str") == "x"


# ---------------------------------------------------------------------------
# GEOPOS GEOHASH GEODIST


def test_geopos(r, sicily):
    assert sicily("GEOPOS", "Sicily", "Palermo", "nope", "Catania") == [PALERMO_POS, None, CATANIA_POS]
    assert sicily("GEOPOS", "Sicily") == []
    assert sicily("GEOPOS", "nokey", "a", "b") == [None, None]
    sicily("GEOADD", "e", 0, 0, "z", 180, 85.05112878, "ne")
    assert sicily("GEOPOS", "e", "z", "ne") == [["0.00000268220901489", "0.00000126736058093"],
                                                ["180", "85.0511287799999991"]]
    # Members added with ZADD decode like Redis does (clamped to the valid ranges).
    r.zadd("e", {"neg": -1, "big": 1e15, "huge": 1e20})
    assert sicily("GEOPOS", "e", "neg", "big", "huge") == [
        ["180", "85.0511287799999991"], ["-31.01234167814254761", "-32.19914967503108016"],
        ["-179.99999731779098511", "-85.05112751263942528"]]
    r.set("str", "x")
    assert err(sicily, "GEOPOS", "str", "a").startswith("WRONGTYPE")
    assert err(sicily, "GEOPOS") == "ERR wrong number of arguments for 'geopos' command"


def test_geohash(r, sicily):
    assert sicily("GEOHASH", "Sicily", "Palermo", "Catania", "nope") == ["sqc8b49rny0", "sqdtr74hyu0", None]
    assert sicily("GEOHASH", "nokey", "a") == [None]
    assert sicily("GEOHASH", "Sicily") == []
    sicily("GEOADD", "e", -73.7858139, 40.6428986, "jfk", 180, 85.05112878, "ne", -180, -85.05112878, "sw")
    assert sicily("GEOHASH", "e", "jfk", "ne", "sw") == ["dr5x0yyf1c0", "bp05b5048p0", "00bh0hbj200"]
    r.set("str", "x")
    assert err(sicily, "GEOHASH", "str", "a").startswith("WRONGTYPE")


def test_geodist(r, sicily):
    assert sicily("GEODIST", "Sicily", "Palermo", "Catania") == "166274.1516"
    assert sicily("GEODIST", "Sicily", "Palermo", "Catania", "km") == "166.2742"
    assert sicily("GEODIST", "Sicily", "Palermo", "Catania", "KM") == "166.2742"
    assert sicily("GEODIST", "Sicily", "Palermo", "Catania", "mi") == "103.3182"
    assert sicily("GEODIST", "Sicily", "Palermo", "Catania", "Ft") == "545518.8700"
    assert sicily("GEODIST", "Sicily", "Palermo", "Palermo") == "0.0000"
    assert sicily("GEODIST", "Sicily", "Palermo", "nope") is None
    assert sicily("GEODIST", "Sicily", "nope", "Palermo") is None
    assert sicily("GEODIST", "nokey", "a", "b") is None
    unit_err = "ERR unsupported unit provided. please use M, KM, FT, MI"
    assert err(sicily, "GEODIST", "Sicily", "Palermo", "Catania", "yd") == unit_err
    # The unit and the argument count are checked before the key.
    assert err(sicily, "GEODIST", "nokey", "a", "b", "yd") == unit_err
    assert err(sicily, "GEODIST", "Sicily", "Palermo", "Catania", "km", "x") == "ERR syntax error"
    assert err(sicily, "GEODIST", "Sicily", "Palermo") == "ERR wrong number of arguments for 'geodist' command"
    r.set("str", "x")
    assert err(sicily, "GEODIST", "str", "a", "b").startswith("WRONGTYPE")


# ---------------------------------------------------------------------------
# Searches


def test_georadius_shapes_and_order(sicily):
    q = sicily
    # Without sorting: cell by cell, by score within a cell.
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "km") == ["Palermo", "Catania"]
    assert q("GEORADIUS", "Sicily", 15, 37, 1000, "km") == ["Palermo", "edge1", "Catania", "edge2"]
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "WITHDIST") == [["Palermo", "190.4424"],
                                                                        ["Catania", "56.4413"]]
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "WITHDIST", "DESC") == [["Palermo", "190.4424"],
                                                                                ["Catania", "56.4413"]]
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "WITHCOORD", "WITHHASH", "ASC", "COUNT", 2) == [
        ["Catania", CATANIA_SCORE, CATANIA_POS], ["Palermo", PALERMO_SCORE, PALERMO_POS]]
    # The reply order of the extras is always dist, hash, coord.
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "WITHCOORD", "WITHHASH", "WITHDIST", "ASC") == [
        ["Catania", "56.4413", CATANIA_SCORE, CATANIA_POS], ["Palermo", "190.4424", PALERMO_SCORE, PALERMO_POS]]
    # COUNT alone sorts ascending; COUNT ANY takes the first found.
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "COUNT", 1) == ["Catania"]
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "COUNT", 3) == ["Catania", "Palermo"]
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "COUNT", 1, "ANY") == ["Palermo"]
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "COUNT", 1, "ANY", "ASC") == ["Palermo"]
    assert q("GEORADIUS", "Sicily", 15, 37, 200, "ft") == []
    assert q("GEORADIUS", "nokey", 15, 37, 200, "km") == []


def test_georadiusbymember(sicily):
    q = sicily
    assert q("GEORADIUSBYMEMBER", "Sicily", "Palermo", 200, "km", "WITHDIST") == [
        ["Palermo", "0.0000"], ["edge1", "91.4007"], ["Catania", "166.2742"]]
    assert q("GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", 200, "mi", "WITHDIST") == [
        ["Palermo", "0.0000"], ["edge1", "56.7939"], ["Catania", "103.3182"]]
    assert q("GEORADIUSBYMEMBER", "Sicily", "Palermo", 100, "km", "DESC") == ["edge1", "Palermo"]
    assert err(q, "GEORADIUSBYMEMBER", "Sicily", "nope", 200, "km") == "ERR could not decode requested zset member"
    # A missing key: only the options are checked, the radius is not.
    assert q("GEORADIUSBYMEMBER", "nokey", "nope", 200, "km") == []
    assert q("GEORADIUSBYMEMBER", "nokey", "nope", "x", "yards") == []
    assert err(q, "GEORADIUSBYMEMBER", "nokey", "nope", 1, "m", "bogus") == "ERR syntax error"


def test_geosearch(sicily):
    q = sicily
    assert q("GEOSEARCH", "Sicily", "FROMLONLAT", 15, 37, "BYBOX", 400, 400, "km", "ASC", "WITHCOORD",
             "WITHDIST") == [
        ["Catania", "56.4413", CATANIA_POS], ["Palermo", "190.4424", PALERMO_POS],
        ["edge2", "239.7513", ["17.24151045083999634", "38.22221492716011682"]],
        ["edge1", "279.7405", ["12.7584877610206604", "38.78813451624225195"]]]
    assert q("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", 100, "km") == ["Palermo", "edge1"]
    assert q("GEOSEARCH", "Sicily", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km", "ASC") == ["Catania", "Palermo"]
    assert q("GEOSEARCH", "Sicily", "FROMLONLAT", 15, 37, "BYBOX", 200, 200, "km") == ["Catania"]
    assert q("GEOSEARCH", "Sicily", "FROMLONLAT", 15, 37, "BYRADIUS", 10000, "km") == [
        "Palermo", "edge1", "Catania", "edge2"]
    assert q("GEOSEARCH", "Sicily", "FROMLONLAT", 15, 37, "BYRADIUS", 0, "km") == []
    assert q("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", 0, "km") == ["Palermo"]
    assert q("GEOSEARCH", "Sicily", "frommember", "Palermo", "byradius", 1, "KM", "withhash") == [
        ["Palermo", PALERMO_SCORE]]
    # A repeated FROMLONLAT or BYRADIUS replaces the earlier one.
    assert q("GEOSEARCH", "Sicily", "FROMLONLAT", 1, 1, "BYRADIUS", 1, "km", "FROMLONLAT", 15, 37,
             "BYRADIUS", 200, "km", "ASC") == ["Catania", "Palermo"]
    assert q("GEOSEARCH", "nokey", "FROMMEMBER", "a", "BYRADIUS", 1, "km") == []


def test_search_near_the_pole_finds_points_in_the_bounding_box(q):
    # Redis's bounding-box check of the search cells (redis#10018).
    q("GEOADD", "k1", "-0.15307903289794921875", 85, "n1", "0.3515625", "85.00019260486917005437", "n2")
    assert q("GEODIST", "k1", "n1", "n2") == "4891.9380"
    assert q("GEORADIUSBYMEMBER", "k1", "n1", "4891.94", "m") == ["n1", "n2"]


def test_search_errors(r, sicily):
    q = sicily
    unit_err = "ERR unsupported unit provided. please use M, KM, FT, MI"
    cases = [
        (("GEOSEARCH", "Sicily", "FROMLONLAT", 1, 1, "BYRADIUS", 1, "km", "COUNT", 0), "ERR COUNT must be > 0"),
        (("GEOSEARCH", "Sicily", "FROMLONLAT", 1, 1, "BYRADIUS", 1, "km", "COUNT", -1), "ERR COUNT must be > 0"),
        (("GEOSEARCH", "Sicily", "FROMLONLAT", 1, 1, "BYRADIUS", 1, "km", "COUNT", "x"),
         "ERR value is not an integer or out of range"),
        (("GEOSEARCH", "Sicily", "FROMLONLAT", 1, 1, "BYRADIUS", 1, "km", "ANY"),
         "ERR the ANY argument requires COUNT argument"),
        (("GEOSEARCH", "Sicily", "FROMLONLAT", 1, 1, "WITHDIST", "WITHCOORD"),
         "ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH"),
        (("geosearch", "Sicily", "BYRADIUS", 1, "km", "WITHDIST", "WITHCOORD"),
         "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", 1, "km"),
         "ERR could not decode requested zset member"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", 1, 1, "BYRADIUS", 1, "km"),
         "ERR syntax error"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", 1, "km", "BYBOX", 1, 1, "km"),
         "ERR syntax error"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", -1, "km"), "ERR radius cannot be negative"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "x", "km"), "ERR need numeric radius"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "x", 1, "km"), "ERR need numeric width"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", 1, "x", "km"), "ERR need numeric height"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", -1, 1, "km"),
         "ERR height or width cannot be negative"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", 1, 1, "yd"), unit_err),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", 1, "km", "STORE", "x"), "ERR syntax error"),
        (("GEOSEARCH", "Sicily", "FROMLONLAT", 1, 91, "BYRADIUS", 1, "km"),
         "ERR invalid longitude,latitude pair 1.000000,91.000000"),
        (("GEOSEARCH", "Sicily", "FROMLONLAT", 1, "BYRADIUS", 1, "km"), "ERR value is not a valid float"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", 1, "km", "COUNT"), "ERR syntax error"),
        (("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo"), "ERR wrong number of arguments for 'geosearch' command"),
        (("GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", 1, "km", "WITHDIST"),
         "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
        (("GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", 1, "km", "STOREDIST", "x"),
         "ERR syntax error"),
        (("GEORADIUS", "Sicily", 15, 37, 200, "km", "STORE", "x", "WITHDIST"),
         "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
        (("GEORADIUS_RO", "Sicily", 15, 37, 200, "km", "STORE", "x"), "ERR syntax error"),
        (("GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", 200, "km", "STOREDIST", "x"), "ERR syntax error"),
        (("GEORADIUS", "Sicily", 15, 37, 200, "km", "STORE"), "ERR syntax error"),
        (("GEORADIUS", "Sicily", 15, 37, 200, "yards"), unit_err),
        (("GEORADIUS", "Sicily", 15, 37, -1, "km"), "ERR radius cannot be negative"),
        (("GEORADIUS", "Sicily", 181, 37, 1, "km"), "ERR invalid longitude,latitude pair 181.000000,37.000000"),
        (("GEORADIUS", "Sicily", 15, 37, 200, "km", "FROMLONLAT", 1, 1), "ERR syntax error"),
        (("GEORADIUS", "Sicily", 15, 37, 200), "ERR wrong number of arguments for 'georadius' command"),
        (("GEORADIUSBYMEMBER", "Sicily", "Palermo", 200), "ERR wrong number of arguments for 'georadiusbymember' command"),
        # Coordinates are checked even when the key is missing.
        (("GEORADIUS", "nokey", 15, 100, 1, "km"), "ERR invalid longitude,latitude pair 15.000000,100.000000"),
    ]
    for args, want in cases:
        assert err(q, *args) == want, args
    r.set("str", "x")
    for args in [("GEOSEARCH", "str", "FROMLONLAT", 1, 1, "bogus", "x"), ("GEORADIUS", "str", 1, 1, "bogus", "x"),
                 ("GEORADIUSBYMEMBER", "str", "a", 1, "km"), ("GEOSEARCHSTORE", "d", "str", "FROMLONLAT", 1, 1,
                                                              "BYRADIUS", 1, "km")]:
        assert err(q, *args).startswith("WRONGTYPE"), args  # the type is checked first
    assert r.exists("d", "x") == 0


# ---------------------------------------------------------------------------
# STORE / STOREDIST / GEOSEARCHSTORE (keys chosen to land on different shards)

DESTS = ["dst", "out", "result:1", "zz", "geo:copy", "x9", "target", "b"]


def test_georadius_store_and_storedist(r, sicily):
    q = sicily
    for d in DESTS:
        assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "STORE", d) == 2
        assert r.zrange(d, 0, -1, withscores=True) == [("Palermo", PALERMO_SCORE), ("Catania", CATANIA_SCORE)]
        assert q("GEORADIUS", "Sicily", 15, 37, 200, "km", "STOREDIST", d, "COUNT", 2, "DESC") == 2
        assert q("ZRANGE", d, 0, -1, "WITHSCORES") == ["Catania", "56.441257870158204",
                                                        "Palermo", "190.44242984775784"]
        # The last of STORE / STOREDIST wins.
        assert q("GEORADIUSBYMEMBER", "Sicily", "Palermo", 100, "km", "STOREDIST", "ignored", "STORE", d) == 2
        assert r.exists("ignored") == 0
        assert r.zrange(d, 0, -1) == ["Palermo", "edge1"]
        # The result is a geo set again.
        assert q("GEOPOS", d, "Palermo") == [PALERMO_POS]


def test_store_replaces_any_value_and_drops_ttl(r, sicily):
    q = sicily
    for d in DESTS:
        r.set(d, "string", ex=100)
        assert q("GEOSEARCHSTORE", d, "Sicily", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km") == 2
        assert r.type(d) == "zset"
        assert r.ttl(d) == -1


def test_store_of_nothing_deletes_the_destination(r, sicily):
    q = sicily
    for d in DESTS:
        r.set(d, "x")
        assert q("GEORADIUS", "Sicily", 15, 37, 1, "m", "STORE", d) == 0
        assert r.exists(d) == 0
        r.set(d, "x")
        assert q("GEOSEARCHSTORE", d, "Sicily", "FROMLONLAT", 15, 37, "BYBOX", 1, 1, "km") == 0
        assert r.exists(d) == 0
        # A missing source deletes it too.
        r.set(d, "x")
        assert q("GEORADIUSBYMEMBER", "nokey", "m", 1, "km", "STORE", d) == 0
        assert r.exists(d) == 0
        r.set(d, "x")
        assert q("GEOSEARCHSTORE", d, "nokey", "FROMMEMBER", "m", "BYRADIUS", 1, "km") == 0
        assert r.exists(d) == 0


def test_geosearchstore(r, sicily):
    q = sicily
    for d in DESTS:
        assert q("GEOSEARCHSTORE", d, "Sicily", "FROMLONLAT", 15, 37, "BYBOX", 400, 400, "km", "ASC", "COUNT", 3,
                 "STOREDIST") == 3
        assert q("ZRANGE", d, 0, -1, "WITHSCORES") == ["Catania", "56.441257870158204", "Palermo",
                                                        "190.44242984775784", "edge2", "239.75129519286855"]
        assert q("GEOSEARCHSTORE", d, "Sicily", "FROMMEMBER", "Catania", "BYRADIUS", 200, "km") == 2
        assert r.zrange(d, 0, -1, withscores=True) == [("Palermo", PALERMO_SCORE), ("Catania", CATANIA_SCORE)]
    # Source and destination may be the same key.
    assert q("GEOSEARCHSTORE", "Sicily", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", 100, "km") == 2
    assert r.zrange("Sicily", 0, -1) == ["Palermo", "edge1"]


def test_command_getkeys_finds_the_store_key(q):
    assert q("COMMAND", "GETKEYS", "GEORADIUS", "src", 1, 1, 1, "km", "STORE", "dst") == ["src", "dst"]
    assert q("COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "src", "m", 1, "km", "STOREDIST", "dst") == ["src", "dst"]
    assert q("COMMAND", "GETKEYS", "GEORADIUS", "src", 1, 1, 1, "km") == ["src"]
    assert q("COMMAND", "GETKEYS", "GEOSEARCHSTORE", "dst", "src", "FROMLONLAT", 1, 1, "BYRADIUS", 1,
             "km") == ["dst", "src"]


# ---------------------------------------------------------------------------
# RESP3 wire shapes: coordinates are doubles, distances stay bulk strings.


def test_resp3_shapes(server, r):
    with RawClient(server.port) as c:
        c.call("HELLO", 3)
        c.call("GEOADD", "Sicily", *SICILY)

        def wire(*args, expect):
            c.send_cmd(*args)
            assert c.read_raw(len(expect)) == expect

        wire("GEOPOS", "Sicily", "Palermo", "nope",
             expect=b"*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n")
        wire("GEODIST", "Sicily", "Palermo", "Catania", expect=b"$11\r\n166274.1516\r\n")
        wire("GEODIST", "Sicily", "Palermo", "nope", expect=b"_\r\n")
        wire("GEOHASH", "Sicily", "Palermo", "nope", expect=b"*2\r\n$11\r\nsqc8b49rny0\r\n_\r\n")
        wire("GEOSEARCH", "Sicily", "FROMMEMBER", "Catania", "BYRADIUS", 1, "km", "WITHDIST", "WITHHASH",
             "WITHCOORD",
             expect=b"*1\r\n*4\r\n$7\r\nCatania\r\n$6\r\n0.0000\r\n:3479447370796909\r\n"
                    b"*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n")
        wire("GEOSEARCH", "Sicily", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", expect=b"*0\r\n")
    # RESP2: the same texts as bulk strings, nulls as $-1 / *-1.
    with RawClient(server.port) as c:
        c.send_cmd("GEOPOS", "Sicily", "Palermo", "nope")
        assert c.read_raw(67) == b"*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n"
        c.send_cmd("GEOHASH", "Sicily", "nope")
        assert c.read_raw(9) == b"*1\r\n$-1\r\n"


# ---------------------------------------------------------------------------
# Many points: order, COUNT, ANY and box limits on a larger set (hashes of
# the exact replies, captured from redis-server).


def grid(q, key, n, lon0, lat0, step):
    args = []
    for i in range(n):
        for j in range(n):
            args += ["%.6f" % (lon0 + i * step), "%.6f" % (lat0 + j * step), "p%d_%d" % (i, j)]
    assert q("GEOADD", key, *args) == n * n


def test_large_set_search(r, q):
    grid(q, "grid", 30, 2.0, 48.0, 0.01)
    assert r.zcard("grid") == 900
    center = ("GEOSEARCH", "grid", "FROMLONLAT", 2.15, 48.15)
    assert q(*center, "BYRADIUS", 2, "km", "ASC", "COUNT", 5, "WITHDIST") == [
        ["p15_15", "0.0002"], ["p16_15", "0.7422"], ["p14_15", "0.7422"], ["p15_14", "1.1122"],
        ["p15_16", "1.1122"]]
    inside = ["p13_14", "p13_15", "p14_14", "p15_14", "p14_15", "p15_15", "p13_16", "p14_16", "p15_16",
              "p16_14", "p17_14", "p16_15", "p17_15", "p16_16", "p17_16"]
    assert q(*center, "BYRADIUS", 2, "km") == inside
    assert q(*center, "BYBOX", 3, 2, "km", "DESC") == ["p13_15", "p17_15", "p14_15", "p16_15", "p15_15"]
    assert q(*center, "BYRADIUS", 2, "km", "COUNT", 7, "ANY") == inside[:7]
    assert q(*center, "BYRADIUS", 2, "km", "COUNT", 7, "ANY", "DESC") == [
        "p13_14", "p13_16", "p13_15", "p14_14", "p15_14", "p14_15", "p15_15"]
    assert q("GEORADIUSBYMEMBER", "grid", "p0_0", 5, "km", "COUNT", 4, "WITHDIST") == [
        ["p0_0", "0.0000"], ["p1_0", "0.7442"], ["p0_1", "1.1122"], ["p1_1", "1.3382"]]
    assert q("GEORADIUS", "grid", 2.3, 48.3, 10, "km", "DESC", "COUNT", 3) == ["p20_24", "p24_22", "p18_26"]
    assert q("GEORADIUS", "grid", 2.3, 48.3, 50, "km", "STORE", "copy") == 900
    assert r.zrange("copy", 0, -1, withscores=True) == r.zrange("grid", 0, -1, withscores=True)


def test_equal_distances_keep_redis_order(q):
    # 60 members on 6 spots: COUNT must pick the same tied members as Redis
    # (its partial quicksort), a full sort keeps the scan order (stable).
    spots = [(10.0, 45.0), (10.5, 45.0), (10.0, 45.5), (9.5, 45.0), (10.0, 44.5), (10.5, 45.5)]
    args = []
    for i in range(60):
        args += [spots[i % 6][0], spots[i % 6][1], "t%02d" % i]
    assert q("GEOADD", "ties", *args) == 60
    center = ("GEOSEARCH", "ties", "FROMLONLAT", 10.1, 45.1, "BYRADIUS", 200, "km")
    assert q(*center, "COUNT", 5) == ["t00", "t48", "t42", "t36", "t30"]
    assert q(*center, "COUNT", 12, "DESC") == ["t58", "t04", "t10", "t16", "t22", "t28", "t34", "t40", "t46",
                                               "t52", "t05", "t53"]
    assert q(*center, "ASC", "COUNT", 25) == [
        "t00", "t48", "t42", "t36", "t30", "t24", "t18", "t12", "t06", "t54", "t01", "t07", "t13", "t19", "t25",
        "t31", "t37", "t43", "t49", "t55", "t56", "t08", "t14", "t20", "t26"]
    by_spot = lambda k: ["t%02d" % i for i in range(k, 60, 6)]
    assert q(*center, "DESC") == by_spot(4) + by_spot(5) + by_spot(3) + by_spot(2) + by_spot(1) + by_spot(0)


def test_store_inside_multi_and_watch(r, server):
    with RawClient(server.port) as c:
        assert c.call("MULTI") == "OK"
        c.call("GEOADD", "src", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania")
        c.call("GEOSEARCHSTORE", "dest", "src", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km")
        c.call("GEORADIUS_RO", "src", 15, 37, 100, "km")
        assert dec(c.call("EXEC")) == [2, 2, ["Catania"]]
        assert r.zrange("dest", 0, -1) == ["Palermo", "Catania"]
        # A STORE into a watched key fails the watcher's EXEC.
        assert c.call("WATCH", "watched") == "OK"
        with RawClient(server.port) as other:
            assert other.call("GEORADIUS", "src", 15, 37, 200, "km", "STORE", "watched") == 2
        assert c.call("MULTI") == "OK"
        c.call("GET", "x")
        assert c.call("EXEC") is None
