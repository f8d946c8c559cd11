# YottaStore. Licensed under the Apache License 2.0.
# Property test for the JSON type: random documents and random edits are
# applied to YottaStore and to a Python model (json module); after every
# step the whole document (JSON.GET) must equal the model, integers and
# floats kept apart. Seeded; JSON_PROP_STEPS / JSON_PROP_SEED override.
# Yotta-only (the reference redis-server has no JSON module).
import json
import os
import random

import pytest

STEPS = int(os.environ.get("JSON_PROP_STEPS", "3000"))
SEED = int(os.environ.get("JSON_PROP_SEED", "20261121"))
KEYS = ["a", "b", "c", "d", "x y", "é", "k.1"]


@pytest.fixture(autouse=True)
def _yotta_only(server):
    if server.is_redis:
        pytest.skip("redis-server has no RedisJSON module; JSON tests are yotta-only")


def canon(v):
    """Structure with ints and floats told apart (1 != 1.0 here)."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return ("i", v)
    if isinstance(v, float):
        return ("f", v)
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return [canon(x) for x in v]
    return [(k, canon(x)) for k, x in v.items()]


def rand_scalar(rng):
    c = rng.randrange(7)
    if c == 0:
        return rng.randrange(-1000, 1000)
    if c == 1:
        return rng.choice([0.5, -2.25, 1.0, 1e300, 3.14159, 1e-7, 12345.678])
    if c == 2:
        return "".join(rng.choice('ab\u00e9"\\\n\u263a\U0001F600 ') for _ in range(rng.randrange(0, 20)))
    if c == 3:
        return rng.choice([True, False])
    if c == 4:
        return None
    return rng.randrange(0, 10)


def rand_value(rng, depth=0):
    c = rng.randrange(10)
    if depth < 4 and c < 2:
        return [rand_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
    if depth < 4 and c < 4:
        return {rng.choice(KEYS): rand_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))}
    return rand_scalar(rng)


def nodes(v, path=()):
    """Every (path, value) in the document, the root first."""
    yield path, v
    if isinstance(v, list):
        for i, x in enumerate(v):
            yield from nodes(x, path + (i,))
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from nodes(x, path + (k,))


def render(path, rng):
    """The path in legacy or JSONPath syntax, chosen at random."""
    legacy = rng.random() < 0.5
    out = "" if legacy else "$"
    for p in path:
        if isinstance(p, int):
            if rng.random() < 0.3:
                # negative index form, resolved against the model later
                out += "[%d]" % p
            else:
                out += "[%d]" % p
        elif p.isalnum() and p.isascii() and rng.random() < 0.7:
            out += "." + p
        else:
            out += '["%s"]' % p
    if legacy and out == "":
        out = "."
    return out, legacy


def get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def dumps(v):
    return json.dumps(v, ensure_ascii=rng_ascii[0])


rng_ascii = [False]


# pad 0: the document stays small (kept as its text; edits splice or
# rewrite it); pad 40000: a 40 KB string keeps it past the 32 KB text
# threshold (kept as a tree, edited in place).
@pytest.mark.parametrize("pad", [0, 40000])
def test_random_edits_match_model(r, pad):
    rng = random.Random(SEED)
    model = {"root": rand_value(rng)}
    if not isinstance(model["root"], (dict, list)):
        model["root"] = {"a": model["root"]}
    assert r.execute_command("JSON.SET", "p", "$", json.dumps(model["root"])) == "OK"
    model["root"] = {"a": model["root"], "b": [1, 2.5, "s", True]}
    if pad:
        model["root"]["pad"] = "x" * pad
    assert r.execute_command("JSON.SET", "p", "$", json.dumps(model["root"])) == "OK"
    done = {}
    gaps = {}
    for step in range(STEPS):
        rng_ascii[0] = rng.random() < 0.3
        doc = model["root"]
        all_nodes = list(nodes(doc))
        path, target = rng.choice(all_nodes)
        text, legacy = render(path, rng)
        op = rng.choice(applicable(path, target))
        ctx = (step, op, text)
        if op == 0 and path:  # replace a value
            v = rand_value(rng)
            assert r.execute_command("JSON.SET", "p", text, dumps(v)) == "OK", ctx
            get(doc, path[:-1])[path[-1]] = v
        elif op == 1 and isinstance(target, dict):  # add a member
            k = rng.choice(KEYS)
            v = rand_value(rng)
            sub = text + ('["%s"]' % k if not legacy or text != "." else '["%s"]' % k)
            if legacy and text == ".":
                sub = '["%s"]' % k
            assert r.execute_command("JSON.SET", "p", sub, dumps(v)) == "OK", ctx
            target[k] = v
        elif op == 2 and path:  # delete
            assert r.execute_command("JSON.DEL", "p", text) == 1, ctx
            parent = get(doc, path[:-1])
            del parent[path[-1]]
        elif op == 3 and isinstance(target, int) and not isinstance(target, bool):
            by = rng.randrange(-50, 50)
            r.execute_command("JSON.NUMINCRBY", "p", text, str(by))
            if path:
                get(doc, path[:-1])[path[-1]] = target + by
            else:
                model["root"] = target + by
        elif op == 4 and isinstance(target, float):
            r.execute_command("JSON.NUMMULTBY", "p", text, "2")
            get(doc, path[:-1])[path[-1]] = target * 2
        elif op == 5 and isinstance(target, str):
            s = rand_scalar(rng) if False else "z\u00e9"
            r.execute_command("JSON.STRAPPEND", "p", text, json.dumps(s))
            get(doc, path[:-1])[path[-1]] = target + s
        elif op == 6 and not isinstance(target, list):
            pass  # root scalar: nothing applies
        elif op == 6 and isinstance(target, list):
            vals = [rand_value(rng) for _ in range(rng.randrange(1, 3))]
            r.execute_command("JSON.ARRAPPEND", "p", text, *[dumps(v) for v in vals])
            target.extend(vals)
        elif op == 7 and isinstance(target, list):
            idx = rng.randrange(-len(target), len(target) + 1) if target else 0
            v = rand_value(rng)
            r.execute_command("JSON.ARRINSERT", "p", text, str(idx), dumps(v))
            at = idx + len(target) if idx < 0 else idx
            target.insert(at, v)
        elif op == 8 and isinstance(target, list):
            idx = rng.randrange(-5, 5)
            got = r.execute_command("JSON.ARRPOP", "p", text, str(idx))
            if not target:
                want = None
            else:
                n = len(target)
                at = max(0, n + idx) if idx < 0 else min(idx, n - 1)
                want = target.pop(at)
            if legacy:
                assert (json.loads(got) if got is not None else None) == want, ctx
            else:
                assert [json.loads(got[0]) if got[0] is not None else None] == [want], ctx
        elif op == 9 and isinstance(target, list):
            start, stop = rng.randrange(-4, 4), rng.randrange(-4, 4)
            r.execute_command("JSON.ARRTRIM", "p", text, str(start), str(stop))
            n = len(target)
            s = max(0, n + start) if start < 0 else start
            e = n + stop if stop < 0 else min(stop, n - 1)
            target[:] = [] if n == 0 or s >= n or s > e else target[s:e + 1]
        elif op == 10 and isinstance(target, bool):
            r.execute_command("JSON.TOGGLE", "p", text)
            get(doc, path[:-1])[path[-1]] = not target
        elif op == 11 and isinstance(target, dict):
            patch = {rng.choice(KEYS): rng.choice([None, rand_value(rng)]) for _ in range(2)}
            assert r.execute_command("JSON.MERGE", "p", text, dumps(patch)) == "OK", ctx
            merge(target, patch)
        done[op] = done.get(op, 0) + 1
        got = json.loads(r.execute_command("JSON.GET", "p"))
        assert canon(got) == canon(model["root"]), ctx
        if step % 50 == 0:
            # recursive descent agrees with a walk of the model
            want = list(descend_a(model["root"]))
            assert canon(json.loads(r.execute_command("JSON.GET", "p", "$..a"))) == canon(want), ctx
            # The O(1) byte count kept by edits equals a fresh recount:
            # MEMORY USAGE (kept count + entry) minus JSON.DEBUG MEMORY
            # (recounted now) stays constant.
            gap = r.memory_usage("p") - r.execute_command("JSON.DEBUG", "MEMORY", "p")
            assert gaps.setdefault("gap", gap) == gap, ctx
    # every kind of edit ran many times
    assert len(done) == 12 and min(done.values()) > STEPS // 100, done


def applicable(path, t):
    """The edits that apply to this node (every step edits something)."""
    ops = [0, 2] if path else []
    if isinstance(t, dict):
        ops += [1, 11]
    elif isinstance(t, list):
        ops += [6, 7, 8, 9]
    elif isinstance(t, bool):
        ops += [10] if path else []
    elif isinstance(t, int):
        ops += [3]
    elif isinstance(t, float):
        ops += [4] if path else []
    elif isinstance(t, str):
        ops += [5] if path else []
    return ops or [6]


def descend_a(v):
    """$..a in RedisJSON's order: a node's own "a" member, then each child's
    subtree in document order."""
    if isinstance(v, dict):
        if "a" in v:
            yield v["a"]
        for x in v.values():
            yield from descend_a(x)
    elif isinstance(v, list):
        for x in v:
            yield from descend_a(x)


def merge(target, patch):
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        elif isinstance(v, dict):
            if not isinstance(target.get(k), dict):
                target[k] = {}
            merge(target[k], v)
        else:
            target[k] = v
