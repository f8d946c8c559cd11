#!/usr/bin/env bash
# YottaStore. Licensed under the Apache License 2.0.
# Storage benchmark (issue 4): YottaStore with RocksDB persistence against
# redis-server with AOF/RDB, in one run, pinned as utils/bench.sh pins
# (servers on BENCH_SERVER_CPU, every client on BENCH_CLIENT_CPU), each row
# the median of BENCH_ROUNDS runs per server, the servers alternating which
# goes first. Prints a Markdown report (also written to $OUT/storage.md).
#
#   BUILD=build/release bash utils/bench_storage.sh     about 12 minutes
#   BENCH_QUICK=1 bash utils/bench_storage.sh           about 2 minutes
#   BENCH_SECTIONS=storage bash utils/bench.sh          the same, from bench.sh
#
# Rows:
#   durable     SET GET HSET LPUSH (redis-benchmark, -P 1 and 16, 50 clients,
#               64 B, -r 1000000, 1M keys preloaded): --persistence everysec
#               against appendonly yes + appendfsync everysec, and always
#               against appendfsync always.
#   restart     N keys of 1 KB (BENCH_RESTART_KEYS, default "100000 1000000";
#               10000000 by hand), stopped with SIGTERM, then the time from
#               exec to the first +PONG and to "Ready to accept connections";
#               redis-server from its AOF (everysec) and from an RDB (SAVE).
#   ltr         larger than RAM: --maxmemory 256mb allkeys-lru --tiering yes
#               --persistence everysec, BENCH_LTR_KEYS (default 1M; the
#               issue's 4M by hand) x 1 KB, then GETs
#               for BENCH_LTR_SECONDS with zipfian (0.99) and uniform keys:
#               ops/s, p50, p99, in-memory hit ratio (1 - storage_reads/GETs);
#               redis-server under the same maxmemory and policy: the share
#               of GETs it still answers (the rest it evicted).
#   bighash     HSET of an existing field in a 1M-field hash against a
#               10-field hash, persistence everysec / AOF everysec.
# Zipfian keys, fixed-time runs, loading every key once and restart timing
# use utils/loadgen.cc (built here with g++ -O2 into $OUT).
# Overrides: YOTTA, BENCH_ROUNDS, BENCH_QUICK, BENCH_N_P1, BENCH_N_P16,
# BENCH_ALWAYS_DIV (requests divided by this under always, default 4),
# BENCH_LPUSH_DIV (LPUSH requests divided by this, default 10: YottaStore
# rewrites the whole list per write, so long lists make the run crawl),
# BENCH_RESTART_KEYS, BENCH_LTR_KEYS, BENCH_LTR_MAXMEMORY, BENCH_LTR_SECONDS,
# BENCH_BIGHASH_FIELDS, BENCH_SERVER_CPU, BENCH_CLIENT_CPU, BENCH_PRIO, BENCH_OUT (raw
# results, server logs and commands; data directories are removed),
# BENCH_STORAGE_ROWS (default "durable restart ltr bighash").
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build/release}
YOTTA=${YOTTA:-$ROOT/$BUILD/yottastore}
PY=/usr/bin/python3
QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then
  ROUNDS=${BENCH_ROUNDS:-1}
  N_P1=${BENCH_N_P1:-20000}
  N_P16=${BENCH_N_P16:-100000}
  RESTART_KEYS=${BENCH_RESTART_KEYS:-10000 100000}
  LTR_KEYS=${BENCH_LTR_KEYS:-300000}
  LTR_MAXMEMORY=${BENCH_LTR_MAXMEMORY:-32mb}
  LTR_SECONDS=${BENCH_LTR_SECONDS:-3}
  BIG_FIELDS=${BENCH_BIGHASH_FIELDS:-200000}
  PRELOAD=100000
else
  ROUNDS=${BENCH_ROUNDS:-3}
  N_P1=${BENCH_N_P1:-100000}
  N_P16=${BENCH_N_P16:-300000}
  RESTART_KEYS=${BENCH_RESTART_KEYS:-100000 1000000}
  # The issue's figure is 4M keys (4 GB); at the load rate YottaStore has now
  # (one RocksDB lookup per new key, falling to ~1k SET/s past 2M keys) that
  # alone takes over half an hour: run BENCH_LTR_KEYS=4000000 by hand.
  LTR_KEYS=${BENCH_LTR_KEYS:-1000000}
  LTR_MAXMEMORY=${BENCH_LTR_MAXMEMORY:-256mb}
  LTR_SECONDS=${BENCH_LTR_SECONDS:-10}
  BIG_FIELDS=${BENCH_BIGHASH_FIELDS:-1000000}
  PRELOAD=1000000
fi
ALWAYS_DIV=${BENCH_ALWAYS_DIV:-4}
LPUSH_DIV=${BENCH_LPUSH_DIV:-10}
SCPU=${BENCH_SERVER_CPU:-0}
CCPU=${BENCH_CLIENT_CPU:-1}
ROWS=${BENCH_STORAGE_ROWS:-durable restart ltr bighash}
KEYS=1000000  # redis-benchmark -r
# BENCH_PRIO as utils/bench.sh: none (default) or nice (nice -n -20 for
# servers and clients). rt is treated as nice here: a server's RocksDB
# threads share its pinned core, and SCHED_FIFO would let the shard thread
# starve its own commit thread.
case ${BENCH_PRIO:-none} in
  none) PRIO=() ;;
  nice | rt) PRIO=(nice -n -20) ;;
  *) echo "bench_storage.sh: BENCH_PRIO must be none, nice or rt" >&2; exit 2 ;;
esac
CLIENT=("${PRIO[@]}" taskset -c "$CCPU")
SERVER=("${PRIO[@]}" taskset -c "$SCPU")
OUT=${BENCH_OUT:-$(mktemp -d /tmp/yotta-bench-storage.XXXXXX)}
mkdir -p "$OUT"
RAW=$OUT/results.tsv    # one line per measurement, read by the report below
CMDS=$OUT/commands.txt  # every command run, ports replaced by $PORT
: >"$RAW"
: >"$CMDS"

for tool in redis-server redis-cli redis-benchmark taskset g++; do
  command -v "$tool" >/dev/null || { echo "bench_storage.sh: $tool not found" >&2; exit 1; }
done
[[ -x $YOTTA ]] || { echo "bench_storage.sh: $YOTTA not built (make BUILD=$BUILD)" >&2; exit 1; }

LOADGEN=$OUT/loadgen
g++ -O2 -std=c++20 -o "$LOADGEN" "$ROOT/utils/loadgen.cc"

PIDS=()
DATA_DIRS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for p in "${DATA_DIRS[@]}"; do rm -rf "$p"; done
}
trap cleanup EXIT
trap 'exit 143' TERM INT

log() { echo "[bench_storage $(date +%T)] $*" >&2; }
note_cmd() {  # as utils/bench.sh: records the command, ports shown as $PORT
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

# Server command lines. Each takes NAME PORT and extra flags; the data of
# NAME lives in $OUT/NAME (YottaStore's in $OUT/NAME/yottastore).
yotta_cmd() {  # yotta_cmd NAME PORT FLAGS...
  local name=$1 port=$2
  shift 2
  CMD=("${SERVER[@]}" "$YOTTA" --port "$port" --bind 127.0.0.1 --shards 1 --dir "$OUT/$name" "$@")
}
redis_cmd() {  # redis_cmd NAME PORT FLAGS...
  local name=$1 port=$2
  shift 2
  CMD=("${SERVER[@]}" redis-server --port "$port" --bind 127.0.0.1 --save "" --dir "$OUT/$name"
    --logfile "" "$@")
}

# launch NAME: starts CMD (exec'd, so $! is the server), logging to
# $OUT/NAME/server.log; sets SERVER_PID and START_NS (just before the exec).
launch() {
  local name=$1 dir=$OUT/$1
  mkdir -p "$dir"
  # One log per start, so the "Ready" line found is this start's; the
  # earlier ones are kept in server.old.log.
  if [[ -f $dir/server.log ]]; then cat "$dir/server.log" >>"$dir/server.old.log"; fi
  : >"$dir/server.log"
  DATA_DIRS+=("$dir/yottastore" "$dir/appendonlydir" "$dir/dump.rdb")
  START_NS=$(date +%s%N)
  (exec "${CMD[@]}" >"$dir/server.log" 2>&1) &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

# start NAME PORT: launch, then wait for +PONG (servers loading data answer
# -LOADING, which does not count). Sets SERVER_PID, PING_MS, READY_MS.
start() {
  local name=$1 port=$2 res
  launch "$name"
  note_cmd "${CMD[@]}"
  res=$("$LOADGEN" ping -p "$port" --since "$START_NS" --log "$OUT/$name/server.log" \
    --pattern "Ready to accept connections" --timeout 900) || true
  if [[ $res != ping_ms=[0-9]* ]]; then
    echo "bench_storage.sh: $name did not start ($res); log:" >&2
    tail -20 "$OUT/$name/server.log" >&2
    exit 1
  fi
  PING_MS=$(sed -E 's/.*ping_ms=([^ ]+).*/\1/' <<<"$res")
  READY_MS=$(sed -E 's/.*log_ms=([^ ]+).*/\1/' <<<"$res")
}

# stop PID: SIGTERM and wait; sets STOP_MS.
stop() {
  local t0
  t0=$(date +%s%N)
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  STOP_MS=$((($(date +%s%N) - t0) / 1000000))
}

alive() {  # alive PID NAME: fails the run, with the log, if the server died
  if ! kill -0 "$1" 2>/dev/null; then
    echo "bench_storage.sh: $2 died; log:" >&2
    tail -30 "$OUT/$2/server.log" >&2
    exit 1
  fi
}

info_field() {  # info_field PORT SECTION FIELD
  redis-cli -p "$1" info "$2" 2>/dev/null | tr -d '\r' | awk -F: -v f="$3" '$1 == f {print $2}'
}

# load PORT KEYS VALUE_BYTES CMD...: every key of [0, KEYS) once, -P 16;
# prints loadgen's line; fails on an error reply.
load() {
  local port=$1 keys=$2 size=$3 res
  shift 3
  note_cmd "${CLIENT[@]}" loadgen run -p "$port" -c 50 -P 16 -k "$keys" -d seq -s "$size" -- "$@"
  res=$("${CLIENT[@]}" "$LOADGEN" run -p "$port" -c 50 -P 16 -k "$keys" -d seq -s "$size" -- "$@")
  if [[ $res != *" errors=0 "* ]]; then
    echo "bench_storage.sh: loading port $port failed: $res" >&2
    exit 1
  fi
  echo "$res"
}
lg() { sed -E "s/.*$1=([^ ]+).*/\1/" <<<"$2"; }  # lg FIELD LOADGEN_LINE

# redis-benchmark runs, recorded as bench.sh's run_bench does.
# rb ROW MODE SERVER PORT P ROUND ARGS...: -t/-n/-r and the rest in ARGS.
rb() {
  local row=$1 mode=$2 server=$3 port=$4 pipe=$5 round=$6
  shift 6
  local args=(-p "$port" -c 50 -P "$pipe" -q --csv --precision 3 "$@")
  note_cmd "${CLIENT[@]}" redis-benchmark "${args[@]}"
  "${CLIENT[@]}" redis-benchmark "${args[@]}" 2>/dev/null | tr -d '"' |
    awk -F, -v pre="rb\t$row\t$mode\t$server\t$pipe\t$round" \
      '$1 != "test" && NF >= 8 {split($1, w, " "); print pre "\t" w[1] "\t" $2 "\t" $5 "\t" $7}' >>"$RAW"
}

alternate() {  # alternate ROUND FN_A FN_B
  if (($1 % 2)); then "$2"; "$3"; else "$3"; "$2"; fi
}

echo "load	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW"
echo "prio	${BENCH_PRIO:-none}" >>"$RAW"
log "results in $OUT (quick=$QUICK rounds=$ROUNDS rows: $ROWS)"

# --- durable: SET GET HSET LPUSH under everysec and always ----------------
# durable_run SERVER PORT MODE P ROUND N: redis-benchmark's HSET and LPUSH
# write one hash (myhash) and one list (mylist); both are deleted first, so
# every run starts from the same state, and LPUSH gets N / LPUSH_DIV
# requests: the list grows to that length within the run.
durable_run() {
  local server=$1 port=$2 mode=$3 pipe=$4 round=$5 n=$6
  note_cmd redis-cli -p "$port" del mylist myhash
  redis-cli -p "$port" del mylist myhash >/dev/null
  rb durable "$mode" "$server" "$port" "$pipe" "$round" -n "$n" -d 64 -r "$KEYS" -t set,get,hset
  rb durable "$mode" "$server" "$port" "$pipe" "$round" -n $((n / LPUSH_DIV)) -d 64 -r "$KEYS" -t lpush
}

durable_mode() {  # durable_mode everysec|always
  local mode=$1 yp rp ypid rpid pipe n round
  yp=$(free_port)
  yotta_cmd "yotta-$mode" "$yp" --persistence "$mode"
  start "yotta-$mode" "$yp"
  ypid=$SERVER_PID
  rp=$(free_port)
  redis_cmd "redis-$mode" "$rp" --appendonly yes --appendfsync "$mode"
  start "redis-$mode" "$rp"
  rpid=$SERVER_PID
  # GETs should hit: every key redis-benchmark -r picks exists.
  log "durable $mode: preloading $PRELOAD keys x 64 B into each server"
  load "$yp" "$PRELOAD" 64 SET key:__key__ __val__ >/dev/null
  load "$rp" "$PRELOAD" 64 SET key:__key__ __val__ >/dev/null
  for pipe in 1 16; do
    n=$N_P1
    [[ $pipe == 16 ]] && n=$N_P16
    [[ $mode == always ]] && n=$((n / ALWAYS_DIV))
    for round in $(seq "$ROUNDS"); do
      log "durable $mode -P $pipe round $round"
      by() { durable_run yotta "$yp" "$mode" "$pipe" "$round" "$n"; }
      br() { durable_run redis "$rp" "$mode" "$pipe" "$round" "$n"; }
      alternate "$round" by br
      alive "$ypid" "yotta-$mode"
    done
  done
  echo "durinfo	$mode	$(info_field "$yp" persistence storage_error)" >>"$RAW"
  stop "$ypid"
  echo "durstop	$mode	yotta	$STOP_MS" >>"$RAW"
  stop "$rpid"
  echo "durstop	$mode	redis	$STOP_MS" >>"$RAW"
  rm -rf "$OUT/yotta-$mode/yottastore" "$OUT/redis-$mode/appendonlydir"
}

# --- restart: N keys x 1 KB, time to serve again ------------------------
restart_n() {  # restart_n N
  local n=$1 yp rp ypid rpid res round opened keys dbsize
  local yname=yotta-restart-$n rname=redis-restart-$n
  yp=$(free_port)
  rp=$(free_port)
  yotta_cmd "$yname" "$yp" --persistence everysec
  start "$yname" "$yp"
  ypid=$SERVER_PID
  redis_cmd "$rname" "$rp" --appendonly yes --appendfsync everysec
  start "$rname" "$rp"
  rpid=$SERVER_PID
  log "restart: loading $n keys x 1000 B into each server"
  res=$(load "$yp" "$n" 1000 SET key:__key__ __val__)
  echo "rload	$n	yotta	$(lg rps "$res")" >>"$RAW"
  res=$(load "$rp" "$n" 1000 SET key:__key__ __val__)
  echo "rload	$n	redis	$(lg rps "$res")" >>"$RAW"
  note_cmd redis-cli -p "$rp" save
  redis-cli -p "$rp" save >/dev/null
  stop "$ypid"
  echo "rstop	$n	yotta	$STOP_MS	$(du -sm "$OUT/$yname/yottastore" | cut -f1)" >>"$RAW"
  stop "$rpid"
  echo "rstop	$n	redis	$STOP_MS	$(du -smc "$OUT/$rname/appendonlydir" | tail -1 | cut -f1)	$(du -sm "$OUT/$rname/dump.rdb" | cut -f1)" >>"$RAW"
  for round in $(seq "$ROUNDS"); do
    log "restart $n round $round"
    yotta_cmd "$yname" "$yp" --persistence everysec
    start "$yname" "$yp"
    ypid=$SERVER_PID
    opened=$(grep -oE 'Storage opened at .* in [0-9.]+ ms: [0-9]+ keys' "$OUT/$yname/server.log" | tail -1)
    keys=$(sed -E 's/.*: ([0-9]+) keys/\1/' <<<"$opened")
    dbsize=$(redis-cli -p "$yp" dbsize)
    # One cold read: the first GET of a key that is only on disk.
    res=$(redis-cli -p "$yp" --no-raw strlen "key:$(printf %012d $((n / 2)))" | tr -dc 0-9)
    echo "restart	$n	yotta	$round	$PING_MS	$READY_MS	$(sed -E 's/.* in ([0-9.]+) ms.*/\1/' <<<"$opened")	$keys	$dbsize	$res" >>"$RAW"
    stop "$ypid"
    redis_cmd "$rname" "$rp" --appendonly yes --appendfsync everysec
    start "$rname" "$rp"
    rpid=$SERVER_PID
    echo "restart	$n	redis-aof	$round	$PING_MS	$READY_MS	-	-	$(redis-cli -p "$rp" dbsize)	-" >>"$RAW"
    stop "$rpid"
    redis_cmd "$rname" "$rp" --appendonly no
    start "$rname" "$rp"
    rpid=$SERVER_PID
    echo "restart	$n	redis-rdb	$round	$PING_MS	$READY_MS	-	-	$(redis-cli -p "$rp" dbsize)	-" >>"$RAW"
    stop "$rpid"
  done
  rm -rf "$OUT/$yname/yottastore" "$OUT/$rname/appendonlydir" "$OUT/$rname/dump.rdb"
}

# --- ltr: larger than RAM ---------------------------------------------------
ltr_get() {  # ltr_get SERVER PORT DIST ROUND|warm
  local server=$1 port=$2 dist=$3 round=$4 r0 r1 h0 h1 res
  r0=$(info_field "$port" persistence storage_reads)
  h0=$(info_field "$port" stats keyspace_hits)
  note_cmd "${CLIENT[@]}" loadgen run -p "$port" -c 50 -P 1 -k "$LTR_KEYS" -d "$dist" -t "$LTR_SECONDS" -- GET key:__key__
  res=$("${CLIENT[@]}" "$LOADGEN" run -p "$port" -c 50 -P 1 -k "$LTR_KEYS" -d "$dist" -t "$LTR_SECONDS" -- GET key:__key__)
  r1=$(info_field "$port" persistence storage_reads)
  h1=$(info_field "$port" stats keyspace_hits)
  [[ $round == warm ]] && return 0
  echo "ltr	$server	$dist	$round	$(lg requests "$res")	$(lg rps "$res")	$(lg p50_ms "$res")	$(lg p99_ms "$res")	$(lg errors "$res")	$(lg nils "$res")	$((${r1:-0} - ${r0:-0}))	$((h1 - h0))" >>"$RAW"
}

run_ltr() {
  local yp rp ypid rpid res dist round
  yp=$(free_port)
  rp=$(free_port)
  yotta_cmd yotta-ltr "$yp" --persistence everysec --tiering yes --maxmemory "$LTR_MAXMEMORY" \
    --maxmemory-policy allkeys-lru
  start yotta-ltr "$yp"
  ypid=$SERVER_PID
  redis_cmd redis-ltr "$rp" --appendonly no --maxmemory "$LTR_MAXMEMORY" --maxmemory-policy allkeys-lru
  start redis-ltr "$rp"
  rpid=$SERVER_PID
  log "ltr: loading $LTR_KEYS keys x 1000 B into each server (maxmemory $LTR_MAXMEMORY)"
  res=$(load "$yp" "$LTR_KEYS" 1000 SET key:__key__ __val__)
  echo "lload	yotta	$(lg rps "$res")	$(info_field "$yp" memory used_memory)	$(info_field "$yp" keyspace db0)	$(du -sm "$OUT/yotta-ltr/yottastore" | cut -f1)" >>"$RAW"
  res=$(load "$rp" "$LTR_KEYS" 1000 SET key:__key__ __val__)
  echo "lload	redis	$(lg rps "$res")	$(info_field "$rp" memory used_memory)	$(info_field "$rp" keyspace db0)	-" >>"$RAW"
  echo "ldbsize	$(redis-cli -p "$yp" dbsize)	$(redis-cli -p "$rp" dbsize)" >>"$RAW"
  for dist in zipf uniform; do
    log "ltr: $dist warm-up (${LTR_SECONDS}s each, not recorded)"
    ltr_get yotta "$yp" "$dist" warm
    ltr_get redis "$rp" "$dist" warm
    for round in $(seq "$ROUNDS"); do
      log "ltr $dist round $round"
      ly() { ltr_get yotta "$yp" "$dist" "$round"; }
      lr() { ltr_get redis "$rp" "$dist" "$round"; }
      alternate "$round" ly lr
      alive "$ypid" yotta-ltr
    done
  done
  redis-cli -p "$yp" info persistence | tr -d '\r' | grep -E '^(storage_|rocksdb_)' >"$OUT/yotta-ltr/info_persistence.txt" || true
  echo "lused	$(info_field "$yp" memory used_memory)	$(awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$ypid/status")	$(info_field "$yp" memory used_memory_dataset)	$(info_field "$yp" memory maxmemory)" >>"$RAW"
  stop "$ypid"
  echo "lstop	$STOP_MS" >>"$RAW"
  stop "$rpid"
  rm -rf "$OUT/yotta-ltr/yottastore"
}

# --- bighash: HSET into a 1M-field hash vs a 10-field hash --------------------
run_bighash() {
  local yp rp ypid rpid pipe n round res
  yp=$(free_port)
  rp=$(free_port)
  yotta_cmd yotta-hash "$yp" --persistence everysec
  start yotta-hash "$yp"
  ypid=$SERVER_PID
  redis_cmd redis-hash "$rp" --appendonly yes --appendfsync everysec
  start redis-hash "$rp"
  rpid=$SERVER_PID
  log "bighash: loading $BIG_FIELDS fields into big, 10 into small"
  for p in "$yp" "$rp"; do
    load "$p" "$BIG_FIELDS" 1 HSET big field:__key__ v >/dev/null
    load "$p" 10 1 HSET small field:__key__ v >/dev/null
  done
  echo "hlen	$(redis-cli -p "$yp" hlen big)	$(redis-cli -p "$rp" hlen big)" >>"$RAW"
  for pipe in 1 16; do
    n=$N_P1
    [[ $pipe == 16 ]] && n=$N_P16
    for round in $(seq "$ROUNDS"); do
      log "bighash -P $pipe round $round"
      hy() {
        rb bighash big yotta "$yp" "$pipe" "$round" -n "$n" -r "$BIG_FIELDS" HSET big field:__rand_int__ v
        rb bighash small yotta "$yp" "$pipe" "$round" -n "$n" -r 10 HSET small field:__rand_int__ v
      }
      hr() {
        rb bighash big redis "$rp" "$pipe" "$round" -n "$n" -r "$BIG_FIELDS" HSET big field:__rand_int__ v
        rb bighash small redis "$rp" "$pipe" "$round" -n "$n" -r 10 HSET small field:__rand_int__ v
      }
      alternate "$round" hy hr
      alive "$ypid" yotta-hash
    done
  done
  echo "hlen_end	$(redis-cli -p "$yp" hlen big)	$(redis-cli -p "$rp" hlen big)	$(redis-cli -p "$yp" hlen small)	$(redis-cli -p "$rp" hlen small)" >>"$RAW"
  stop "$ypid"
  stop "$rpid"
  rm -rf "$OUT/yotta-hash/yottastore" "$OUT/redis-hash/appendonlydir"
}

T_START=$(date +%s)
if [[ " $ROWS " == *" durable "* ]]; then durable_mode everysec; durable_mode always; fi
if [[ " $ROWS " == *" restart "* ]]; then for n in $RESTART_KEYS; do restart_n "$n"; done; fi
if [[ " $ROWS " == *" ltr "* ]]; then run_ltr; fi
if [[ " $ROWS " == *" bighash "* ]]; then run_bighash; fi
echo "load_end	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW"
echo "elapsed	$(($(date +%s) - T_START))" >>"$RAW"

# --- report -----------------------------------------------------------------
$PY - "$OUT" "$YOTTA" "$QUICK" "$ROUNDS" "$SCPU" "$CCPU" "$N_P1" "$N_P16" "$ALWAYS_DIV" \
  "$LTR_KEYS" "$LTR_MAXMEMORY" "$LTR_SECONDS" "$BIG_FIELDS" "$PRELOAD" "$LPUSH_DIV" <<'EOF' | tee "$OUT/storage.md"
import collections, datetime, os, statistics, subprocess, sys

(out, yotta, quick, rounds, scpu, ccpu, n_p1, n_p16, always_div, ltr_keys, ltr_mem, ltr_secs,
 big_fields, preload, lpush_div) = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "results.tsv"))]
by = collections.defaultdict(list)
for r in rows:
    by[r[0]].append(r[1:])

def med(xs):
    xs = [float(x) for x in xs if x not in ("", "-", "timeout", "na")]
    return statistics.median(xs) if xs else None

def f(x, nd=0):
    return "-" if x is None else (f"{x:,.{nd}f}")

def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.2f}"

meta = {r[0]: r[1:] for r in rows if r[0] in ("load", "load_end", "elapsed", "prio")}
try:
    rev = subprocess.run(["git", "-C", os.path.dirname(os.path.dirname(os.path.abspath(yotta))),
                          "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
except OSError:
    rev = "?"
print(f"## Storage ({datetime.date.today()}, {'quick' if quick == '1' else 'full'} run, HEAD {rev} + working tree)")
print()
print(f"Servers pinned to CPU {scpu}, clients to CPU {ccpu}; median of {rounds} runs per row, servers "
      f"alternating which goes first; YottaStore --shards 1; BENCH_PRIO {meta.get('prio', ['none'])[0]}. Load average (1/5/15 min) at start: "
      f"{' '.join(meta.get('load', ['?']))}; at end: {' '.join(meta.get('load_end', ['?']))}; "
      f"section took {meta.get('elapsed', ['?'])[0]} s.")

# durable
rb = collections.defaultdict(list)
for r in by["rb"]:
    row, mode, server, pipe, rnd, test, rps, p50, p99 = r
    rb[(row, mode, server, pipe, test)].append((rps, p50, p99))
def cell(key, i):
    return med([v[i] for v in rb.get(key, [])])
if by["rb"]:
    print()
    print(f"### Durable writes: 50 clients, 64 B values, -r 1000000, {int(preload):,} keys preloaded; "
          f"-n {int(n_p1):,} (-P 1) / {int(n_p16):,} (-P 16), divided by {always_div} under always; "
          f"LPUSH gets 1/{lpush_div} of that, into one list (mylist) deleted before each run, "
          "as myhash is before the HSETs")
    print()
    print("| persistence | test | -P | YottaStore req/s | redis req/s | ratio | p50 ms Y / R | p99 ms Y / R |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in ("everysec", "always"):
        for pipe in ("1", "16"):
            for test in ("SET", "GET", "HSET", "LPUSH"):
                ky, kr = ("durable", mode, "yotta", pipe, test), ("durable", mode, "redis", pipe, test)
                if ky not in rb and kr not in rb:
                    continue
                y, r = cell(ky, 0), cell(kr, 0)
                print(f"| {mode} | {test} | {pipe} | {f(y)} | {f(r)} | {ratio(y, r)} | "
                      f"{f(cell(ky, 1), 3)} / {f(cell(kr, 1), 3)} | {f(cell(ky, 2), 3)} / {f(cell(kr, 2), 3)} |")
    for r in by["durstop"]:
        print(f"\n{'YottaStore' if r[1] == 'yotta' else 'redis-server'} ({r[0]}) stopped (SIGTERM to exit) in {r[2]} ms.")
    for r in by["durinfo"]:
        if len(r) > 1 and r[1]:
            print(f"\nYottaStore storage_error under {r[0]}: `{r[1]}`")

# restart
if by["restart"]:
    load = {(r[0], r[1]): r[2] for r in by["rload"]}
    stopd = {(r[0], r[1]): r[2:] for r in by["rstop"]}
    print()
    print("### Restart: N keys of 1000 B, persistence everysec / AOF everysec / RDB (SAVE), stopped with "
          "SIGTERM, then ms from exec to the first +PONG")
    print()
    print("The first restart follows the load and the stop; the later ones restart what the previous "
          "restart left (for YottaStore: after RocksDB replayed its WAL once). Median of the later ones.")
    print()
    print("| N | YottaStore first | YottaStore later | RocksDB open ms first / later | keys on disk / DBSIZE | "
          "redis AOF first / later | redis RDB first / later | on disk MB Y / AOF / RDB | load SET/s Y / R | "
          "stop ms Y / R |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    ns = sorted({r[0] for r in by["restart"]}, key=int)
    for n in ns:
        rr = [r for r in by["restart"] if r[0] == n]
        first = lambda s, i: med([r[i] for r in rr if r[1] == s and r[2] == "1"])
        later = lambda s, i: med([r[i] for r in rr if r[1] == s and r[2] != "1"])
        fl = lambda s, i: f"{f(first(s, i), 1)} / {f(later(s, i), 1)}"
        y = [r for r in rr if r[1] == "yotta"]
        sizes = stopd.get((n, "yotta"), ["-", "-"]), stopd.get((n, "redis"), ["-", "-", "-"])
        dbs = "/".join(sorted({r[6] for r in y})) + " / " + "/".join(sorted({r[7] for r in y}))
        print(f"| {int(n):,} | {f(first('yotta', 3), 1)} | {f(later('yotta', 3), 1)} | {fl('yotta', 5)} | {dbs} | "
              f"{fl('redis-aof', 3)} | {fl('redis-rdb', 3)} | "
              f"{sizes[0][1]} / {sizes[1][1]} / {sizes[1][2]} | "
              f"{f(med([load.get((n, 'yotta'))]))} / {f(med([load.get((n, 'redis'))]))} | "
              f"{sizes[0][0]} / {sizes[1][0]} |")
    bad = [r for r in by["restart"] if r[1] != "yotta" and r[7] != r[0]] + \
          [r for r in by["restart"] if r[1] == "yotta" and (r[7] != r[0] or r[8] != "1000")]
    for r in bad:
        print(f"\n**Check failed** after restart: {r[1]} N={r[0]} round {r[2]}: DBSIZE {r[7]}, "
              f"STRLEN of a cold key {r[8]}")

# ltr
if by["ltr"]:
    print()
    print(f"### Larger than RAM: {int(ltr_keys):,} keys x 1000 B, maxmemory {ltr_mem} allkeys-lru; "
          f"YottaStore --tiering yes --persistence everysec, redis no persistence; "
          f"GET for {ltr_secs} s, 50 clients, -P 1, after an unrecorded warm-up run")
    print()
    print("| server | keys | GET req/s | p50 ms | p99 ms | in-memory hit ratio | GETs answered (not nil) | disk reads/s |")
    print("|---|---|---|---|---|---|---|---|")
    for dist in ("zipf", "uniform"):
        for server in ("yotta", "redis"):
            rr = [r for r in by["ltr"] if r[0] == server and r[1] == dist]
            if not rr:
                continue
            reqs = [int(r[3]) for r in rr]
            hit = med([1 - int(r[9]) / int(r[3]) for r in rr]) if server == "yotta" else \
                med([1 - int(r[8]) / int(r[3]) for r in rr])
            ans = med([1 - int(r[8]) / int(r[3]) for r in rr])
            dps = med([int(r[9]) / int(r[3]) * float(r[4]) for r in rr]) if server == "yotta" else None
            name = "YottaStore" if server == "yotta" else "redis-server"
            label = "zipfian 0.99" if dist == "zipf" else "uniform"
            print(f"| {name} | {label} | {f(med([r[4] for r in rr]))} | {f(med([r[5] for r in rr]), 3)} | "
                  f"{f(med([r[6] for r in rr]), 3)} | {f(hit * 100, 1)}% | {f(ans * 100, 2)}% | {f(dps)} |")
    print()
    for r in by["lload"]:
        name = "YottaStore" if r[0] == "yotta" else "redis-server"
        print(f"- {name}: loaded at {f(float(r[1]))} SET/s; after loading used_memory {int(r[2]) / 2**20:.0f} MiB, "
              f"{r[3]}" + (f", RocksDB {r[4]} MB on disk" if r[4] != "-" else ""))
    for r in by["ldbsize"]:
        print(f"- DBSIZE after loading: YottaStore {r[0]}, redis-server {r[1]}")
    for r in by["lused"]:
        print(f"- YottaStore after the GETs: used_memory {int(r[0]) / 2**20:.0f} MiB, RSS {int(float(r[1])) / 2**20:.0f} MiB"
              + (f", used_memory_dataset {int(r[2]) / 2**20:.0f} MiB" if len(r) > 2 and r[2] else ""))
        if len(r) > 3 and r[2] and r[3] and int(r[2]) > 1.1 * int(r[3]):
            print(f"- **maxmemory exceeded**: the dataset holds {int(r[2]) / 2**20:.0f} MiB against maxmemory "
                  f"{int(r[3]) / 2**20:.0f} MiB, so the hit ratio above is not a larger-than-RAM figure")
    for r in by["lstop"]:
        print(f"- YottaStore stopped (SIGTERM to exit) in {r[0]} ms")
    errs = [r for r in by["ltr"] if r[7] != "0" or (r[0] == "yotta" and r[8] != "0")]
    for r in errs:
        print(f"- **Check failed**: {r[0]} {r[1]} round {r[2]}: {r[7]} error replies, {r[8]} nil replies")

# bighash
if any(r[0] == "bighash" for r in by["rb"]):
    print()
    print(f"### HSET of an existing field: {int(big_fields):,}-field hash vs 10-field hash, persistence "
          "everysec / AOF everysec, 50 clients")
    print()
    print("| -P | YottaStore big | YottaStore small | big/small | redis big | redis small | big/small | "
          "Y/R big | p99 ms big Y / R |")
    print("|---|---|---|---|---|---|---|---|---|")
    for pipe in ("1", "16"):
        k = lambda h, s, i=0: cell(("bighash", h, s, pipe, "HSET"), i)
        yb, ys, rb_, rs = k("big", "yotta"), k("small", "yotta"), k("big", "redis"), k("small", "redis")
        print(f"| {pipe} | {f(yb)} | {f(ys)} | {ratio(yb, ys)} | {f(rb_)} | {f(rs)} | {ratio(rb_, rs)} | "
              f"{ratio(yb, rb_)} | {f(k('big', 'yotta', 2), 3)} / {f(k('big', 'redis', 2), 3)} |")
    for r in by["hlen"]:
        print(f"\nHLEN big after loading: YottaStore {r[0]}, redis-server {r[1]}.")

print()
print("Commands (ports shown as $PORT; loadgen is utils/loadgen.cc):")
print()
print("```")
seen = set()
for line in open(os.path.join(out, "commands.txt")):
    line = line.rstrip("\n")
    if line not in seen:
        seen.add(line)
        print(line)
print("```")
EOF
