#!/usr/bin/env bash
# YottaStore. Licensed under the Apache License 2.0.
# `make bench`: YottaStore against Debian's redis-server in one run, on the
# same core, with the same client. Prints a Markdown report (commands first).
#
#   BUILD=build/release bash utils/bench.sh     full run, about 8-10 minutes
#   BENCH_QUICK=1 bash utils/bench.sh           about 1 minute, 1 round
#
# Sections:
#   throughput  SET/GET/INCR/MSET, -P 1 and 16, 64 B and 1 KB, 50 clients,
#               -r 1000000; both servers pinned to BENCH_SERVER_CPU, the
#               client to BENCH_CLIENT_CPU; each row is the median of
#               BENCH_ROUNDS runs per server, servers alternating.
#   memory      1M distinct keys, 64 B values, loaded with redis-cli --pipe;
#               bytes per key from used_memory and from RSS over the empty
#               server's baseline.
#   collections LPUSH LPOP LRANGE_100 SADD HSET SPOP ZADD and ZRANGEBYSCORE
#               (-P 1 and 16, pinned as throughput), then bytes per element
#               of a 1M-field hash, 1M-member set and zset, and 100k hashes
#               of 10 fields (used_memory before and after loading).
#   scaling     YottaStore --shards 2 against --shards 1, nothing pinned by
#               taskset: what the cross-shard hop costs.
#   json        utils/bench_json.sh: JSON.SET/GET (whole, $.a.b), NUMINCRBY and
#               ARRAPPEND on a 1 KB document against SET/GET of the same bytes,
#               and bytes per document for 100k documents (pinned as main).
#   storage     utils/bench_storage.sh (~12 min):
#               SET/GET/HSET/LPUSH under persistence everysec/always vs AOF,
#               restart time, larger than RAM (zipfian/uniform GETs), HSET
#               into a 1M-field hash; its report follows the main one.
# Overrides: BENCH_ROUNDS, BENCH_N_P1, BENCH_N_P16, BENCH_SERVER_CPU,
# BENCH_CLIENT_CPU, BENCH_PRIO, BENCH_OUT (raw results directory, kept).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build/release}
YOTTA=${YOTTA:-$ROOT/$BUILD/yottastore}
PY=/usr/bin/python3
QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then
  ROUNDS=${BENCH_ROUNDS:-1}; N_P1=${BENCH_N_P1:-50000}; N_P16=${BENCH_N_P16:-300000}
else
  ROUNDS=${BENCH_ROUNDS:-3}; N_P1=${BENCH_N_P1:-250000}; N_P16=${BENCH_N_P16:-1500000}
fi
SCPU=${BENCH_SERVER_CPU:-0}
CCPU=${BENCH_CLIENT_CPU:-1}
KEYS=1000000
# BENCH_PRIO: none (default) | nice (nice -n -20) | rt (SCHED_FIFO, root only).
# On a shared machine other processes add noise to every row; nice or rt
# makes the servers and the client win the CPU when they want it. Under rt
# the servers get a higher priority than the client. The unpinned scaling
# runs share 2 cores among 3 busy threads, which FIFO would turn into
# starvation, so they use nice even under rt (SPRIO).
case ${BENCH_PRIO:-none} in
  none) PRIO=() CPRIO=() SPRIO=() ;;
  nice) PRIO=(nice -n -20) CPRIO=(nice -n -20) SPRIO=(nice -n -20) ;;
  rt) PRIO=(chrt -f 2) CPRIO=(chrt -f 1) SPRIO=(nice -n -20) ;;
  *) echo "bench.sh: BENCH_PRIO must be none, nice or rt" >&2; exit 2 ;;
esac
CLIENT=("${CPRIO[@]}" taskset -c "$CCPU")
# BENCH_SECTIONS: which parts to run (default all): "main" is throughput
# and memory, "coll" the collection rows, "scaling" the --shards 2 comparison.
SECTIONS=${BENCH_SECTIONS:-main coll scaling json storage}
OUT=${BENCH_OUT:-$(mktemp -d /tmp/yotta-bench.XXXXXX)}
mkdir -p "$OUT"
RAW=$OUT/results.tsv    # one line per measurement, read by bench_report.py
CMDS=$OUT/commands.txt  # every command run, ports replaced by $PORT
: >"$RAW"
: >"$CMDS"

for tool in redis-server redis-cli redis-benchmark taskset; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool not found (run deps/install.sh)" >&2; exit 1; }
done
[[ -x $YOTTA ]] || { echo "bench.sh: $YOTTA not built (make BUILD=$BUILD)" >&2; exit 1; }

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # so the EXIT trap stops the servers

log() { echo "[bench $(date +%T)] $*" >&2; }
# note_cmd CMD...: records CMD, the value after -p/--port shown as $PORT.
note_cmd() {
  local a prev="" out=()
  for a in "$@"; do
    if [[ $prev == -p || $prev == --port ]]; then
      # shellcheck disable=SC2016  # a literal $PORT, on purpose
      out+=('$PORT')
    elif [[ -z $a ]]; then
      out+=('""')
    else
      out+=("$a")
    fi
    prev=$a
  done
  echo "${out[*]}" >>"$CMDS"
}

free_port() {
  $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server NAME PORT CMD... : runs CMD (its own process, exec'd so $! is
# the server), waits for PONG, sets SERVER_PID.
start_server() {
  local name=$1 port=$2
  shift 2
  local dir=$OUT/$name
  mkdir -p "$dir"
  (cd "$dir" && exec "$@" >"$dir/server.log" 2>&1) &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  note_cmd "$@"
  for _ in $(seq 200); do
    if [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]]; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "bench.sh: $name did not start; log:" >&2
  cat "$dir/server.log" >&2
  exit 1
}

stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

start_yotta() {  # start_yotta NAME PORT SHARDS [taskset prefix...]
  local name=$1 port=$2 shards=$3
  shift 3
  start_server "$name" "$port" "$@" "$YOTTA" --port "$port" --bind 127.0.0.1 --shards "$shards" \
    --persistence no --dir "$OUT/$name"
}

start_redis() {  # start_redis NAME PORT [taskset prefix...]
  local name=$1 port=$2
  shift 2
  start_server "$name" "$port" "$@" redis-server --port "$port" --bind 127.0.0.1 --save "" \
    --appendonly no --dir "$OUT/$name" --logfile ""
}

rss_bytes() { awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$1/status"; }

# used_memory from INFO memory, or "na" when the server has no INFO yet.
used_memory() {
  local v
  v=$(redis-cli -p "$1" info memory 2>/dev/null | tr -d '\r' | awk -F: '$1 == "used_memory" {print $2}')
  echo "${v:-na}"
}

# load_keys PORT VALUE_BYTES [taskset prefix...]: SET key:%012d for 1M keys.
load_keys() {
  local port=$1 size=$2
  shift 2
  local res
  note_cmd "$PY" utils/bench_resp.py "$KEYS" "$size" "|" "$@" redis-cli -p "$port" --pipe
  res=$($PY "$ROOT/utils/bench_resp.py" "$KEYS" "$size" | "$@" redis-cli -p "$port" --pipe 2>&1 | tail -1)
  if [[ $res != "errors: 0, replies: $KEYS" ]]; then
    echo "bench.sh: loading port $port failed: $res" >&2
    exit 1
  fi
}

# run_bench SECTION SERVER PORT P SIZE N TESTS ROUND [taskset prefix...]
# Appends: section server P size round test rps p50_ms p99_ms
run_bench() {
  local section=$1 server=$2 port=$3 pipe=$4 size=$5 n=$6 tests=$7 round=$8
  shift 8
  local args=(-p "$port" -c 50 -n "$n" -P "$pipe" -d "$size" -r "$KEYS" -t "$tests" -q --csv --precision 3)
  note_cmd "$@" redis-benchmark "${args[@]}"
  "$@" redis-benchmark "${args[@]}" 2>/dev/null | tr -d '"' |
    awk -F, -v pre="$section\t$server\t$pipe\t$size\t$round" \
      '$1 != "test" && NF >= 8 {print pre "\t" $1 "\t" $2 "\t" $5 "\t" $7}' >>"$RAW"
}

# bench_pair ... TESTS ...: run_bench for TESTS, then for MSET with N/5
# (10 keys per call: 1/5 of the calls is still twice the keys written).
bench_pair() {
  local args=("$@")
  run_bench "${args[@]}"
  args[5]=$((args[5] / 5))
  args[6]=mset
  run_bench "${args[@]}"
}

# One round of a row set: both servers, the first one alternating by round.
alternate() {  # alternate ROUND FN_A FN_B
  if (($1 % 2)); then "$2"; "$3"; else "$3"; "$2"; fi
}

echo "load	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW"
echo "prio	${BENCH_PRIO:-none}" >>"$RAW"
log "results in $OUT (quick=$QUICK rounds=$ROUNDS n_p1=$N_P1 n_p16=$N_P16)"

# --- throughput and memory: both servers pinned to the same core ---------
# measure_memory: 1M keys x 64 B into each server, bytes over the baseline.
measure_memory() {
  local s port pid base_rss base_used
  log "memory: loading $KEYS keys x 64 B into each server"
  for s in yotta redis; do
    if [[ $s == yotta ]]; then port=$YPORT pid=$YPID; else port=$RPORT pid=$RPID; fi
    base_rss=$(rss_bytes "$pid")
    base_used=$(used_memory "$port")
    load_keys "$port" 64 "${CLIENT[@]}"
    sleep 0.5  # let the loop settle before sampling
    echo "mem	$s	$base_rss	$(rss_bytes "$pid")	$base_used	$(used_memory "$port")	$KEYS" >>"$RAW"
  done
}

# measure_throughput: every row, servers alternating within each round.
measure_throughput() {
  local size pipe n round
  for size in 64 1024; do
    if [[ $size != 64 ]]; then
      # GET rows should read values of the row's size: rewrite every key.
      log "loading $KEYS keys x $size B into each server"
      load_keys "$YPORT" "$size" "${CLIENT[@]}"
      load_keys "$RPORT" "$size" "${CLIENT[@]}"
    fi
    for pipe in 1 16; do
      n=$N_P1
      [[ $pipe == 16 ]] && n=$N_P16
      for round in $(seq "$ROUNDS"); do
        log "throughput -d $size -P $pipe round $round"
        by() { bench_pair main yotta "$YPORT" "$pipe" "$size" "$n" set,get,incr "$round" "${CLIENT[@]}"; }
        br() { bench_pair main redis "$RPORT" "$pipe" "$size" "$n" set,get,incr "$round" "${CLIENT[@]}"; }
        alternate "$round" by br
      done
    done
  done
}

run_main() {
  YPORT=$(free_port)
  start_yotta yotta "$YPORT" 1 "${PRIO[@]}" taskset -c "$SCPU"
  YPID=$SERVER_PID
  RPORT=$(free_port)
  start_redis redis "$RPORT" "${PRIO[@]}" taskset -c "$SCPU"
  RPID=$SERVER_PID
  measure_memory
  measure_throughput
  stop_server "$YPID"
  stop_server "$RPID"
}

# --- collections: both servers pinned, as main ------------------------------
COLL_TESTS=lpush,lpop,lrange_100,sadd,hset,spop,zadd

# run_custom SECTION SERVER PORT P N ROUND NAME [taskset prefix...] -- CMD...:
# one redis-benchmark run of a custom command, recorded under NAME.
run_custom() {
  local section=$1 server=$2 port=$3 pipe=$4 n=$5 round=$6 name=$7
  shift 7
  local pre=()
  while [[ $1 != -- ]]; do pre+=("$1"); shift; done
  shift
  local args=(-p "$port" -c 50 -n "$n" -P "$pipe" -r "$KEYS" -q --csv --precision 3)
  note_cmd "${pre[@]}" redis-benchmark "${args[@]}" "$@"
  "${pre[@]}" redis-benchmark "${args[@]}" "$@" 2>/dev/null | tr -d '"' |
    awk -F, -v pre="$section\t$server\t$pipe\t0\t$round" -v name="$name" \
      '$1 != "test" && NF >= 8 {print pre "\t" name "\t" $2 "\t" $5 "\t" $7}' >>"$RAW"
}

coll_round() {  # coll_round SERVER PORT P N ROUND
  local server=$1 port=$2 pipe=$3 n=$4 round=$5
  run_bench coll "$server" "$port" "$pipe" 16 "$n" "$COLL_TESTS" "$round" "${CLIENT[@]}"
  run_custom coll "$server" "$port" "$pipe" "$n" "$round" "ZRANGEBYSCORE (LIMIT 10)" "${CLIENT[@]}" -- \
    ZRANGEBYSCORE myzset __rand_int__ +inf LIMIT 0 10
}

# load_coll PORT KIND COUNT: builds one memory-row collection.
load_coll() {
  local port=$1 kind=$2 count=$3 res
  note_cmd "$PY" utils/bench_coll_resp.py "$kind" "$count" "|" redis-cli -p "$port" --pipe
  res=$($PY "$ROOT/utils/bench_coll_resp.py" "$kind" "$count" | "${CLIENT[@]}" redis-cli -p "$port" --pipe 2>&1 | tail -1)
  if [[ $res != "errors: 0, replies: "* ]]; then
    echo "bench.sh: loading $kind into port $port failed: $res" >&2
    exit 1
  fi
}

measure_coll_memory() {
  local kind count s port before
  for kind in hash set zset small; do
    count=1000000
    [[ $kind == small ]] && count=100000
    for s in yotta redis; do
      if [[ $s == yotta ]]; then port=$YPORT; else port=$RPORT; fi
      redis-cli -p "$port" flushall >/dev/null
      sleep 0.5
      before=$(used_memory "$port")
      log "memory: $kind x $count into $s"
      load_coll "$port" "$kind" "$count"
      sleep 0.5
      echo "cmem	$kind	$s	$before	$(used_memory "$port")	$count" >>"$RAW"
    done
  done
}

run_coll() {
  YPORT=$(free_port)
  start_yotta yotta-coll "$YPORT" 1 "${PRIO[@]}" taskset -c "$SCPU"
  YPID=$SERVER_PID
  RPORT=$(free_port)
  start_redis redis-coll "$RPORT" "${PRIO[@]}" taskset -c "$SCPU"
  RPID=$SERVER_PID
  local pipe n round
  for pipe in 1 16; do
    n=$((N_P1 / 2))
    [[ $pipe == 16 ]] && n=$((N_P16 / 2))
    for round in $(seq "$ROUNDS"); do
      log "collections -P $pipe round $round"
      cy() { coll_round yotta "$YPORT" "$pipe" "$n" "$round"; }
      cr() { coll_round redis "$RPORT" "$pipe" "$n" "$round"; }
      alternate "$round" cy cr
    done
  done
  measure_coll_memory
  stop_server "$YPID"
  stop_server "$RPID"
}

# --- scaling: --shards 2 vs --shards 1, no taskset -------------------------
run_scaling() {
  S1PORT=$(free_port)
  start_yotta yotta-s1 "$S1PORT" 1 "${SPRIO[@]}"
  S1PID=$SERVER_PID
  S2PORT=$(free_port)
  start_yotta yotta-s2 "$S2PORT" 2 "${SPRIO[@]}"
  S2PID=$SERVER_PID
  log "scaling: loading $KEYS keys x 64 B into both"
  load_keys "$S1PORT" 64 "${SPRIO[@]}"
  load_keys "$S2PORT" 64 "${SPRIO[@]}"
  local pipe n round
  for pipe in 16 1; do
    # Unpinned, and the cross-shard MSET is slow: half the calls keep this short.
    n=$((N_P1 / 2))
    [[ $pipe == 16 ]] && n=$((N_P16 / 2))
    for round in $(seq "$ROUNDS"); do
      log "scaling -P $pipe round $round"
      b1() { bench_pair scale shards1 "$S1PORT" "$pipe" 64 "$n" set,get "$round" "${SPRIO[@]}"; }
      b2() { bench_pair scale shards2 "$S2PORT" "$pipe" 64 "$n" set,get "$round" "${SPRIO[@]}"; }
      alternate "$round" b1 b2
    done
  done
  stop_server "$S1PID"
  stop_server "$S2PID"
}

# --- json: utils/bench_json.sh (its own servers and medians) --------------
run_json() {
  local n=100000
  [[ $QUICK == 1 ]] && n=50000
  log "json: utils/bench_json.sh"
  note_cmd env BENCH_N=$n BENCH_ROUNDS="$ROUNDS" BENCH_SERVER_CPU="$SCPU" BENCH_CLIENT_CPU="$CCPU" \
    bash utils/bench_json.sh
  YOTTA=$YOTTA BENCH_N=$n BENCH_ROUNDS=$ROUNDS BENCH_SERVER_CPU=$SCPU BENCH_CLIENT_CPU=$CCPU \
    BENCH_JSON_OUT=$OUT/json.md bash "$ROOT/utils/bench_json.sh" >/dev/null
}

if [[ " $SECTIONS " == *" main "* ]]; then run_main; fi
if [[ " $SECTIONS " == *" coll "* ]]; then run_coll; fi
if [[ " $SECTIONS " == *" scaling "* ]]; then run_scaling; fi
if [[ " $SECTIONS " == *" json "* ]]; then run_json; fi

echo "load_end	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW"
$PY "$ROOT/utils/bench_report.py" "$OUT" "$YOTTA" "$QUICK"
if [[ " $SECTIONS " == *" storage "* ]]; then YOTTA=$YOTTA BENCH_QUICK=$QUICK BENCH_ROUNDS=$ROUNDS BENCH_SERVER_CPU=$SCPU BENCH_CLIENT_CPU=$CCPU BENCH_OUT=$OUT/storage bash "$ROOT/utils/bench_storage.sh"; fi
