#!/usr/bin/env bash
# YottaStore. Licensed under the Apache License 2.0.
# JSON benchmark: YottaStore's JSON commands on a 1 KB nested document
# against redis-server SET/GET of the same bytes (there is no RedisJSON
# here), with redis-benchmark; and memory per document for BENCH_DOCS
# documents against the compact text size. Prints a Markdown report.
#
#   BUILD=build/release bash utils/bench_json.sh
# Overrides: BENCH_N (requests per row, default 200000), BENCH_PIPE
# (pipelining, default 16), BENCH_DOCS (documents, default 100000),
# BENCH_SHARDS (YottaStore shards, default 1).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build/release}
YOTTA=${YOTTA:-$ROOT/$BUILD/yottastore}
N=${BENCH_N:-200000}
PIPE=${BENCH_PIPE:-16}
DOCS=${BENCH_DOCS:-100000}
SHARDS=${BENCH_SHARDS:-1}
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/yotta-bench-json.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_up() {
  for _ in $(seq 200); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server on port $1 did not start" >&2
  exit 1
}

start_yotta() {
  "$YOTTA" --port "$1" --bind 127.0.0.1 --dir "$TMP" --save '' --shards "$SHARDS" >"$TMP/yotta.log" 2>&1 &
  PIDS+=($!)
  wait_up "$1"
}

start_redis() {
  redis-server --port "$1" --bind 127.0.0.1 --dir "$TMP" --save '' --appendonly no >"$TMP/redis.log" 2>&1 &
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
  $PY -c '
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

# requests/second of one redis-benchmark row
rps() {
  local port=$1
  shift
  redis-benchmark -p "$port" -c 50 -n "$N" -P "$PIPE" -r "$DOCS" -q "$@" 2>/dev/null |
    grep -oE '[0-9.]+ requests per second' | tail -1 | awk '{print $1}'
}

YP=$(free_port)
start_yotta "$YP"
RP=$(free_port)
start_redis "$RP"
y0=$(used "$YP"); load "$YP" json; y1=$(used "$YP")
r0=$(used "$RP"); load "$RP" str; r1=$(used "$RP")

echo "# JSON benchmark ($(date -u +%F), document $DOC_LEN bytes, $N requests per row, -P $PIPE, 50 clients, YottaStore --shards $SHARDS)"
echo
echo "| operation | YottaStore req/s | redis-server req/s (SET/GET of the same bytes) |"
echo "|---|---|---|"
echo "| JSON.SET \$ vs SET | $(rps "$YP" JSON.SET 'doc:__rand_int__' '$' "$DOC") | $(rps "$RP" SET 'doc:__rand_int__' "$DOC") |"
echo "| JSON.GET (whole) vs GET | $(rps "$YP" JSON.GET 'doc:__rand_int__') | $(rps "$RP" GET 'doc:__rand_int__') |"
echo "| JSON.GET \$.a.b | $(rps "$YP" JSON.GET 'doc:__rand_int__' '$.a.b') | - |"
echo "| JSON.NUMINCRBY \$.n 1 | $(rps "$YP" JSON.NUMINCRBY 'doc:__rand_int__' '$.n' 1) | - |"
echo "| JSON.ARRAPPEND \$.arr 1 | $(rps "$YP" JSON.ARRAPPEND 'doc:__rand_int__' '$.arr' 1) | - |"
echo
echo "| memory, $DOCS documents | bytes per document |"
echo "|---|---|"
echo "| compact JSON text | $DOC_LEN |"
echo "| YottaStore JSON (used_memory delta) | $(( (y1 - y0) / DOCS )) |"
echo "| redis-server string of the text (used_memory delta) | $(( (r1 - r0) / DOCS )) |"
