#!/usr/bin/env bash
# YottaStore. Licensed under the Apache License 2.0.
# Per-request costs of one redis-benchmark run against a running server:
# syscalls (tracepoints), context switches and CPU time of the server (all
# its threads) and of the client. Uses `perf stat` only (software events and
# tracepoints), so it works in VMs without hardware counters and does not
# slow the run the way strace does.
#
#   bash utils/bench_profile.sh PID PORT TEST PIPELINE [N] [VALUE_BYTES]
#   e.g. bash utils/bench_profile.sh $(pidof yottastore) 6379 get 1 200000
# Env: CLIENT_CPU (default 1; "" = unpinned), CLIENTS (default 50),
# CLIENT_PREFIX (words put before the client, e.g. "chrt -f 1"), KEYSPACE (-r, default 1000000).
set -euo pipefail
if [[ $# -lt 4 ]]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
pid=$1 port=$2 test=$3 pipe=$4 n=${5:-200000} size=${6:-64}
clients=${CLIENTS:-50}
command -v perf >/dev/null || { echo "bench_profile.sh: needs perf (apt-get install linux-perf)" >&2; exit 1; }
out=$(mktemp -d /tmp/yotta-profile.XXXXXX)
trap 'rm -rf "$out"' EXIT

ev=task-clock,context-switches,cpu-migrations
for s in read write recvfrom sendto epoll_wait epoll_pwait futex; do ev+=",syscalls:sys_enter_$s"; done
client=(redis-benchmark -p "$port" -c "$clients" -n "$n" -P "$pipe" -d "$size" -r "${KEYSPACE:-1000000}" -t "$test" -q --csv)
if [[ -n ${CLIENT_CPU-1} ]]; then client=(taskset -c "${CLIENT_CPU:-1}" "${client[@]}"); fi
read -r -a prefix <<<"${CLIENT_PREFIX:-}"
client=("${prefix[@]}" "${client[@]}")

perf stat -x, -e "$ev" -p "$pid" -o "$out/server" 2>/dev/null &
spid=$!
sleep 0.3  # perf attaches to every thread before the load starts
perf stat -x, -e "$ev" -o "$out/client" -- "${client[@]}" 2>/dev/null | tail -1 | tr -d '"' >"$out/result"
kill -INT "$spid"
wait "$spid" 2>/dev/null || true

/usr/bin/python3 - "$out" "$n" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])

def load(name):
    d = {}
    for line in open(f"{out}/{name}"):
        c = line.strip().split(",")
        if len(c) > 3 and c[0] and not line.startswith("#"):
            try:
                d[c[2].replace("syscalls:sys_enter_", "")] = float(c[0])
            except ValueError:
                pass  # "<not counted>"
    return d

res = open(f"{out}/result").read().strip().split(",")
print(f"{res[0]}: {float(res[1]):,.0f} ops/s, p50 {res[4]} ms, p99 {res[6]} ms (n={n})")
keys = ["read", "write", "recvfrom", "sendto", "epoll_wait", "epoll_pwait", "futex", "context-switches"]
short = {"context-switches": "ctx-switch", "epoll_pwait": "epoll_pwait"}
print(f"{'per request':12s}" + "".join(f"{short.get(k, k):>12s}" for k in keys) + f"{'cpu us':>9s}")
for name in ("server", "client"):
    d = load(name)
    print(f"{name:12s}" + "".join(f"{d.get(k, 0) / n:12.3f}" for k in keys)
          + f"{d.get('task-clock', 0) * 1e3 / n:9.2f}")
PY
