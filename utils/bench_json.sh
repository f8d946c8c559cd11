#!/usr/bin/env bash
# YottaStore. Licensed under the Apache License 2.0.
# JSON benchmark: YottaStore's JSON commands on a ~1 KB nested document
# against redis-server SET/GET of the same bytes (there is no RedisJSON
# here), with redis-benchmark; and memory per document for BENCH_DOCS
# documents against the compact text size. Prints a Markdown report.
#
#   BUILD=build/release bash utils/bench_json.sh
#
# Both servers run pinned to BENCH_SERVER_CPU (default 0), every client
# (loader, redis-benchmark) to BENCH_CLIENT_CPU (default 1). Each row is the
# median of BENCH_ROUNDS (default 3) runs per server, the servers
# alternating which goes first. Reads are compared with redis GET, writes
# with redis SET of the same document.
# Overrides: YOTTA (binary), BENCH_N (requests per run, default 100000),
# BENCH_PIPE (pipelining, default 16), BENCH_DOCS (documents, default
# 100000), BENCH_SHARDS (YottaStore shards, default 1), BENCH_JSON_OUT (a
# file that also receives the report; utils/bench.sh uses it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build/release}
YOTTA=${YOTTA:-$ROOT/$BUILD/yottastore}
N=${BENCH_N:-100000}
PIPE=${BENCH_PIPE:-16}
DOCS=${BENCH_DOCS:-100000}
SHARDS=${BENCH_SHARDS:-1}
ROUNDS=${BENCH_ROUNDS:-3}
SCPU=${BENCH_SERVER_CPU:-0}
CCPU=${BENCH_CLIENT_CPU:-1}
PY=/usr/bin/python3
CLIENT=(taskset -c "$CCPU")
TMP=$(mktemp -d /tmp/yotta-bench-json.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

[[ -x $YOTTA ]] || { echo "bench_json.sh: $YOTTA not built" >&2; exit 1; }
log() { echo "[bench_json $(date +%T)] $*" >&2; }
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_up() {
  for _ in $(seq 200); do
    [[ $(redis-cli -p "$1" ping 2>/dev/null) == PONG ]] && return 0
    sleep 0.05
  done
  echo "bench_json.sh: server on port $1 did not start" >&2
  exit 1
}

start_yotta() {
  taskset -c "$SCPU" "$YOTTA" --port "$1" --bind 127.0.0.1 --dir "$TMP" --persistence no \
    --shards "$SHARDS" >"$TMP/yotta.log" 2>&1 &
  PIDS+=($!)
  wait_up "$1"
}

start_redis() {
  taskset -c "$SCPU" redis-server --port "$1" --bind 127.0.0.1 --dir "$TMP" --save '' \
    --appendonly no >"$TMP/redis.log" 2>&1 &
  PIDS+=($!)
  wait_up "$1"
}

# A ~1 KB nested document with a.b, a number n and an array arr.
DOC=$($PY -c '
import json
doc = {"a": {"b": {"c": "x" * 40, "d": [1, 2, 3]}, "e": True}, "n": 0, "arr": [],
       "items": [{"id": i, "name": "item%d" % i, "price": i * 1.25, "tags": ["t1", "t2"]} for i in range(16)]}
print(json.dumps(doc, separators=(",", ":")))')
DOC_LEN=${#DOC}

used() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1=="used_memory"{print $2}'; }

# Loads doc:000000000000 ... (redis-benchmark's __rand_int__ spelling), so
# every benchmarked key exists: redis-benchmark stops at an error reply.
load() {
  "${CLIENT[@]}" $PY -c '
import sys, redis
port, cmd, n, doc = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
r = redis.Redis(port=port)
p = r.pipeline(transaction=False)
for i in range(n):
    if cmd == "json":
        p.execute_command("JSON.SET", "doc:%012d" % i, "$", doc)
    else:
        p.execute_command("SET", "doc:%012d" % i, doc)
    if i % 1000 == 999:
        p.execute()
p.execute()' "$1" "$2" "$DOCS" "$DOC"
}

# rps NAME PORT CMD...: one redis-benchmark run, its requests/second
# appended to $TMP/NAME.
rps() {
  local name=$1 port=$2
  shift 2
  "${CLIENT[@]}" redis-benchmark -p "$port" -c 50 -n "$N" -P "$PIPE" -r "$DOCS" -q "$@" 2>/dev/null |
    tr '\r' '\n' | grep -oE '[0-9.]+ requests per second' | tail -1 | awk '{print $1}' >>"$TMP/$name"
}

yotta_round() {
  rps y_set "$YP" JSON.SET 'doc:__rand_int__' '$' "$DOC"
  rps y_get "$YP" JSON.GET 'doc:__rand_int__'
  rps y_getab "$YP" JSON.GET 'doc:__rand_int__' '$.a.b'
  rps y_getleg "$YP" JSON.GET 'doc:__rand_int__' '.a.b.c'
  rps y_incr "$YP" JSON.NUMINCRBY 'doc:__rand_int__' '$.n' 1
  rps y_app "$YP" JSON.ARRAPPEND 'doc:__rand_int__' '$.arr' 1
}

redis_round() {
  rps r_set "$RP" SET 'doc:__rand_int__' "$DOC"
  rps r_get "$RP" GET 'doc:__rand_int__'
}

median() { sort -n "$TMP/$1" | awk '{v[NR]=$1} END {print (NR ? v[int((NR+1)/2)] : 0)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 ? "%.2f" : "-"), (b > 0 ? a / b : 0)}'; }
row() {  # row LABEL YOTTA_FILE REDIS_FILE REDIS_LABEL
  local y r
  y=$(median "$2")
  r=$(median "$3")
  echo "| $1 | $y | $4 $r | $(ratio "$y" "$r") |"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
YP=$(free_port)
start_yotta "$YP"
RP=$(free_port)
start_redis "$RP"
log "loading $DOCS documents into each server"
y0=$(used "$YP"); load "$YP" json; y1=$(used "$YP")
r0=$(used "$RP"); load "$RP" str; r1=$(used "$RP")
for round in $(seq "$ROUNDS"); do
  log "round $round"
  if ((round % 2)); then yotta_round; redis_round; else redis_round; yotta_round; fi
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

report() {
  echo "## JSON ($(date -u +%F), document $DOC_LEN bytes, $N requests per run, -P $PIPE, 50 clients, YottaStore --shards $SHARDS)"
  echo
  echo "Servers pinned to CPU $SCPU, clients to CPU $CCPU; median of $ROUNDS runs per row, servers"
  echo "alternating. Load average (1/5/15 min) at start: $LOAD_START; at end: $LOAD_END."
  echo
  echo "| operation | YottaStore req/s | redis-server req/s (same bytes) | ratio |"
  echo "|---|---|---|---|"
  row "JSON.SET doc \$ <doc>" y_set r_set "SET"
  row "JSON.GET doc (whole)" y_get r_get "GET"
  row "JSON.GET doc \$.a.b" y_getab r_get "GET"
  row "JSON.GET doc .a.b.c" y_getleg r_get "GET"
  row "JSON.NUMINCRBY doc \$.n 1" y_incr r_set "SET"
  row "JSON.ARRAPPEND doc \$.arr 1" y_app r_set "SET"
  echo
  local yb=$(((y1 - y0) / DOCS)) rb=$(((r1 - r0) / DOCS))
  echo "| memory, $DOCS documents (used_memory delta) | bytes per document | vs compact text |"
  echo "|---|---|---|"
  echo "| compact JSON text | $DOC_LEN | 1.00 |"
  echo "| YottaStore JSON | $yb | $(ratio "$yb" "$DOC_LEN") |"
  echo "| redis-server string of the text | $rb | $(ratio "$rb" "$DOC_LEN") |"
}

if [[ -n ${BENCH_JSON_OUT:-} ]]; then
  report | tee "$BENCH_JSON_OUT"
else
  report
fi
