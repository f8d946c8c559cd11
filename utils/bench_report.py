# YottaStore. Licensed under the Apache License 2.0.
# Turns utils/bench.sh's raw results (OUT/results.tsv, OUT/commands.txt) into
# the Markdown report: commands, throughput, memory, scaling. Medians per row.
#
#   /usr/bin/python3 utils/bench_report.py OUT_DIR YOTTA_BINARY QUICK
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict

TEST_ORDER = ["SET", "GET", "INCR", "MSET (10 keys)"]


def read_results(out_dir):
    runs = defaultdict(list)  # (section, server, P, size, test) -> [(rps, p50, p99)]
    mem = {}
    cmem = {}  # (kind, server) -> (before, after, elements)
    info = {}
    with open(os.path.join(out_dir, "results.tsv")) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] in ("load", "load_end", "prio"):
                info[cols[0]] = cols[1]
            elif cols[0] == "mem":
                mem[cols[1]] = cols[2:]
            elif cols[0] == "cmem":
                cmem[(cols[1], cols[2])] = cols[3:]
            elif len(cols) == 9:
                section, server, pipe, size, _round, test, rps, p50, p99 = cols
                runs[(section, server, int(pipe), int(size), test)].append((float(rps), float(p50), float(p99)))
    return runs, mem, cmem, info


def median_row(samples):
    """Median of each column separately; None when the row has no runs."""
    if not samples:
        return None
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))


def fmt_ops(v):
    return f"{v:,.0f}" if v is not None else "n/a"


def cells(m):
    if m is None:
        return ["n/a", "n/a", "n/a"]
    return [fmt_ops(m[0]), f"{m[1]:.3f}", f"{m[2]:.3f}"]


def ratio(a, b):
    if a is None or b is None or b[0] == 0:
        return "n/a"
    return f"{a[0] / b[0]:.2f}"


def tests_in(runs, section):
    seen = {k[4] for k in runs if k[0] == section}
    return [t for t in TEST_ORDER if t in seen] + sorted(seen - set(TEST_ORDER))


def size_name(size):
    return f"{size // 1024} KB" if size >= 1024 and size % 1024 == 0 else f"{size} B"


def throughput_table(runs, rounds):
    if not any(k[0] == "main" for k in runs):
        return
    print(f"### Throughput, one core each (median of {rounds}; 50 clients, -r 1000000)\n")
    print("| Command | Value | Pipeline | YottaStore ops/s | p50 ms | p99 ms "
          "| redis ops/s | p50 ms | p99 ms | Yotta/Redis |")
    print("|---|---|---|--:|--:|--:|--:|--:|--:|--:|")
    sizes = sorted({k[3] for k in runs if k[0] == "main"})
    pipes = sorted({k[2] for k in runs if k[0] == "main"})
    for size in sizes:
        for pipe in pipes:
            for test in tests_in(runs, "main"):
                y = median_row(runs.get(("main", "yotta", pipe, size, test), []))
                r = median_row(runs.get(("main", "redis", pipe, size, test), []))
                if y is None and r is None:
                    continue
                print(f"| {test} | {size_name(size)} | {pipe} | " + " | ".join(cells(y)) + " | "
                      + " | ".join(cells(r)) + f" | {ratio(y, r)} |")
    print()


def per_key(after, before, keys):
    try:
        return (int(after) - int(before)) / keys
    except ValueError:
        return None


def memory_table(mem):
    if not mem:
        return
    print("### Memory: 1,000,000 keys, 16-byte names, 64-byte values\n")
    print("| Server | used_memory B/key | RSS B/key | RSS empty | RSS loaded |")
    print("|---|--:|--:|--:|--:|")
    got = {}
    for server in ("yotta", "redis"):
        if server not in mem:
            continue
        base_rss, rss, base_used, used, keys = mem[server]
        keys = int(keys)
        u = per_key(used, base_used, keys)
        r = per_key(rss, base_rss, keys)
        got[server] = (u, r)
        name = "YottaStore" if server == "yotta" else "redis-server"
        print(f"| {name} | {f'{u:.1f}' if u is not None else 'n/a (no INFO memory)'} | {r:.1f} | "
              f"{int(base_rss) / 2**20:.1f} MiB | {int(rss) / 2**20:.1f} MiB |")
    if "yotta" in got and "redis" in got:
        (yu, yr), (ru, rr) = got["yotta"], got["redis"]
        uratio = f"{yu / ru:.2f}" if yu is not None and ru else "n/a"
        print(f"| **Yotta/Redis** | {uratio} | {yr / rr:.2f} | | |")
        if yu is None:
            print("\nYottaStore has no `INFO memory` yet: its figure is RSS only. "
                  "RSS includes allocator slack (jemalloc in both).")
    print()


def coll_table(runs, rounds):
    if not any(k[0] == "coll" for k in runs):
        return
    print(f"### Collections, one core each (median of {rounds}; 50 clients, -r 1000000)\n")
    print("| Command | Pipeline | YottaStore ops/s | p50 ms | p99 ms | redis ops/s | p50 ms | p99 ms | Yotta/Redis |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    for pipe in sorted({k[2] for k in runs if k[0] == "coll"}):
        for test in tests_in(runs, "coll"):
            y = median_row(runs.get(("coll", "yotta", pipe, 16, test), []) or runs.get(("coll", "yotta", pipe, 0, test), []))
            r = median_row(runs.get(("coll", "redis", pipe, 16, test), []) or runs.get(("coll", "redis", pipe, 0, test), []))
            if y is None and r is None:
                continue
            print(f"| {test} | {pipe} | " + " | ".join(cells(y)) + " | " + " | ".join(cells(r)) + f" | {ratio(y, r)} |")
    print()


COLL_KINDS = [("hash", "1M-field hash (f:N -> v:N)", "field"), ("set", "1M-member set (m:N)", "member"),
              ("zset", "1M-member zset (m:N, score N)", "member"), ("small", "100k hashes of 10 fields", "hash")]


def coll_memory_table(cmem):
    if not cmem:
        return
    print("### Collection memory (used_memory delta per element)\n")
    print("| Data | YottaStore B/elem | redis B/elem | Yotta/Redis |")
    print("|---|--:|--:|--:|")
    for kind, label, unit in COLL_KINDS:
        y, r = cmem.get((kind, "yotta")), cmem.get((kind, "redis"))
        yv = per_key(y[1], y[0], int(y[2])) if y else None
        rv = per_key(r[1], r[0], int(r[2])) if r else None
        fy = f"{yv:.1f}" if yv is not None else "n/a"
        fr = f"{rv:.1f}" if rv is not None else "n/a"
        rat = f"{yv / rv:.2f}" if yv is not None and rv else "n/a"
        print(f"| {label} (per {unit}) | {fy} | {fr} | {rat} |")
    print()


def scaling_table(runs, rounds, prio):
    if not any(k[0] == "scale" for k in runs):
        return
    how = "no taskset" + (", nice -n -20" if prio != "none" else "")
    print(f"### Scaling: YottaStore --shards 2 vs --shards 1 ({how}; median of {rounds})\n")
    print("| Command | Pipeline | shards 1 ops/s | p50 ms | p99 ms | shards 2 ops/s | p50 ms | p99 ms | 2/1 |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    pipes = sorted({k[2] for k in runs if k[0] == "scale"}, reverse=True)
    for pipe in pipes:
        for test in tests_in(runs, "scale"):
            a = median_row(runs.get(("scale", "shards1", pipe, 64, test), []))
            b = median_row(runs.get(("scale", "shards2", pipe, 64, test), []))
            if a is None and b is None:
                continue
            print(f"| {test} | {pipe} | " + " | ".join(cells(a)) + " | " + " | ".join(cells(b))
                  + f" | {ratio(b, a)} |")
    print()


def header(out_dir, yotta, quick, info, rounds):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    rv = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip()
    yv = subprocess.run([yotta, "--version"], capture_output=True, text=True).stdout.strip()
    print("## YottaStore vs redis-server\n")
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {cpu}, {os.cpu_count()} CPUs, Linux {platform.release()}, "
          f"load average {info.get('load', '?')} at start, {info.get('load_end', '?')} at end "
          f"(other processes share these CPUs; BENCH_PRIO={info.get('prio', 'none')}). {yv}; {rv}. "
          f"{'BENCH_QUICK=1 (indicative only)' if quick == '1' else 'Full run'}, {rounds} round(s) per row.\n")
    print("Commands (`$PORT` is a free loopback port, `$OUT` the results directory; "
          "servers run with taskset as shown):\n")
    print("```")
    seen = set()
    with open(os.path.join(out_dir, "commands.txt")) as f:
        for line in f:
            line = line.rstrip("\n").replace(out_dir, "$OUT")
            if line not in seen:
                seen.add(line)
                print(line)
    print("```\n")


def json_table(out_dir):
    """utils/bench_json.sh's report (its own medians and ratios), as written."""
    path = os.path.join(out_dir, "json.md")
    if os.path.exists(path):
        with open(path) as f:
            print("#" + f.read().rstrip("\n") + "\n")


def main():
    out_dir, yotta, quick = sys.argv[1], sys.argv[2], sys.argv[3]
    runs, mem, cmem, info = read_results(out_dir)
    rounds = max((len(v) for v in runs.values()), default=0)
    header(out_dir, yotta, quick, info, rounds)
    throughput_table(runs, rounds)
    memory_table(mem)
    coll_table(runs, rounds)
    coll_memory_table(cmem)
    scaling_table(runs, rounds, info.get("prio", "none"))
    json_table(out_dir)
    print(f"Raw results: {out_dir}/results.tsv")


if __name__ == "__main__":
    main()
