# YottaStore. Licensed under the Apache License 2.0.
# The bounded differential test: a fixed-seed random command stream over every
# value type (utils/difftest.py) sent to the yottastore under test and to a
# redis-server started here, every reply and the final dataset compared.
# The long version is run by hand: utils/difftest.py --steps 300000 --shards 4.
import io
import os
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "utils"))
import difftest  # noqa: E402


@pytest.fixture(scope="module")
def reference(request):
    """The redis-server every reply is compared with (yotta-vs-redis only).
    Started on a free port; ready once it logged so (a refused bind exits)."""
    if request.config.getoption("--target") == "redis":
        pytest.skip("compares yottastore with redis-server; nothing to compare against itself")
    ref = difftest.start_redis()
    yield ref.port
    alive = ref.alive()
    ref.stop()  # SIGTERM to its PID
    assert alive, "the reference redis-server died"


# True would accept a "-0" score where Redis says "0": Redis's answer after
# Z*STORE depends on when its destination left the listpack encoding.
LENIENT_NEGZERO = False


def run(server, reference, **kw):
    out = io.StringIO()
    divs = difftest.run_difftest(yotta_port=server.port, redis_port=reference, out=out,
                                 lenient_negzero=LENIENT_NEGZERO, **kw)
    assert not divs, "yottastore and redis-server diverged (shards=%d):\n%s" % (server.shards, out.getvalue())


# One group of types per test so a divergence points at its family; each
# stream still reaches the other groups' keys now and then (WRONGTYPE paths).
GROUPS = {
    "strings_keys": ["strings", "keys"],
    "bitmaps_hll": ["bitmaps", "hll", "strings"],
    "lists": ["lists", "keys"],
    "hashes": ["hashes", "keys"],
    "sets": ["sets", "keys"],
    "zsets": ["zsets", "sets", "keys"],
    "geo": ["geo", "zsets"],
}


@pytest.mark.parametrize("group", list(GROUPS))
def test_type_group(server, reference, group):
    run(server, reference, seed=11, steps=2500, types=GROUPS[group], check_every=500)


def test_all_types_resp2(server, reference):
    run(server, reference, seed=1, steps=20000, types=difftest.ALL_TYPES, check_every=2000)


def test_all_types_resp3_pipelined(server, reference):
    # RESP3 frames (maps, sets, doubles, nulls) and replies read back in batches.
    run(server, reference, seed=2, steps=6000, types=difftest.ALL_TYPES, protocol=3, pipeline=16,
        check_every=1000)


def test_invalid_arguments(server, reference):
    # One command in four made invalid (dropped, inserted or replaced args):
    # the error texts must match Redis's exactly.
    run(server, reference, seed=3, steps=4000, types=difftest.ALL_TYPES, mut_rate=0.25, check_every=1000)


def test_blocking_heavy(server, reference):
    # Blocking pops with 5-20 ms timeouts and a second client served by pushes.
    run(server, reference, seed=4, steps=600, types=["lists", "zsets"], block_rate=10.0, check_every=200)
