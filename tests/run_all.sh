#!/usr/bin/env bash
# YottaStore. Licensed under the Apache License 2.0.
# Runs every test suite and sums them up; `make test` calls it as
#   BUILD=build/release bash tests/run_all.sh
# Suites, in order (SUITES="unit integration shell node" picks some):
#   unit         $BUILD/unit_tests (doctest)
#   integration  pytest tests/integration vs yottastore --shards 1, --shards 4,
#                and vs Debian's redis-server (proves the expectations)
#   shell        every tests/integration/*.sh (redis-cli driven)
#   node         tests/node with node-redis and ioredis (node --test)
# A failing suite does not stop the others. The last line is always
# "N passed, M failed"; the exit status is non-zero iff M > 0.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build/release}
BIN="$ROOT/$BUILD/yottastore"
SUITES=${SUITES:-unit integration shell node}
PYTHON=/usr/bin/python3
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/yotta-tests.XXXXXX")
# A suite that hangs is stopped and counted as failed (seconds).
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}
# Sanitizer builds: a data race or memory error kills the server, so the
# test that caused it fails ("server died") instead of a report scrolling by
# (ASan stops at its first error by default).
# RocksDB is not TSan-instrumented: tests/tsan.supp drops reports inside it.
export TSAN_OPTIONS="halt_on_error=1 suppressions=$ROOT/tests/tsan.supp ${TSAN_OPTIONS:-}"

TOTAL_PASS=0
TOTAL_FAIL=0
SUMMARY=()

wants() { [[ " $SUITES " == *" $1 "* ]]; }

# record NAME PASSED FAILED [NOTE]
record() {
  local line="[$1] $2 passed, $3 failed${4:+ ($4)}"
  TOTAL_PASS=$((TOTAL_PASS + $2))
  TOTAL_FAIL=$((TOTAL_FAIL + $3))
  SUMMARY+=("$line")
  echo "$line"
}

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Last number before WORD on the log's last line that has it (0 if none).
count_of() {
  local word=$1 text=$2
  grep -oE "[0-9]+ $word" <<<"$text" | tail -1 | grep -oE '^[0-9]+' || echo 0
}

run_unit() {
  local bin="$ROOT/$BUILD/unit_tests" log="$LOGDIR/unit.log"
  echo "=== unit: $bin"
  if [[ ! -x $bin ]]; then
    record unit 0 1 "no $BUILD/unit_tests; run make $BUILD/unit_tests"
    return
  fi
  timeout -k 10 "$SUITE_TIMEOUT" "$bin" >"$log" 2>&1
  local rc=$?
  tail -n 40 "$log"
  # [doctest] test cases: 12 | 11 passed | 1 failed | 0 skipped
  local line pass fail
  line=$(grep -E 'test cases: *[0-9]+' "$log" | tail -1)
  if [[ -z $line ]]; then
    record unit 0 1 "no doctest summary, exit $rc"
    return
  fi
  pass=$(sed -E 's/.*\| *([0-9]+) passed.*/\1/' <<<"$line")
  fail=$(sed -E 's/.*\| *([0-9]+) failed.*/\1/' <<<"$line")
  if [[ $rc -ne 0 && $fail -eq 0 ]]; then fail=1; fi
  record unit "$pass" "$fail"
}

# run_pytest NAME ARGS...
run_pytest() {
  local name=$1 log="$LOGDIR/$1.log"
  shift
  echo "=== $name: pytest tests/integration $*"
  local extra=()
  if "$PYTHON" -c 'import pytest_timeout' 2>/dev/null; then extra+=(--timeout=300); fi
  BUILD=$BUILD timeout -k 10 "$SUITE_TIMEOUT" "$PYTHON" -m pytest -q -rfE -p no:cacheprovider \
    "${extra[@]}" tests/integration "$@" >"$log" 2>&1
  local rc=$?
  grep -E '^(FAILED|ERROR) ' "$log" | head -n 50
  local last pass fail errors
  last=$(grep -E '[0-9]+ (passed|failed|error|errors|skipped|deselected|xfailed|xpassed)|no tests ran' "$log" | tail -1)
  echo "$last"
  pass=$(count_of passed "$last")
  fail=$(count_of failed "$last")
  errors=$(count_of 'errors?' "$last")
  # A strict xfail that passes is already counted under "failed".
  fail=$((fail + errors))
  # 5 = no tests collected: nothing ran, nothing failed.
  if [[ $rc -ne 0 && $rc -ne 5 && $fail -eq 0 ]]; then
    tail -n 30 "$log"
    fail=1
  fi
  record "$name" "$pass" "$fail"
}

run_integration() {
  if [[ ! -x $BIN ]]; then
    record integration 0 1 "no $BUILD/yottastore"
  else
    run_pytest "pytest shards=1" --binary "$BIN" --shards 1
    run_pytest "pytest shards=4" --binary "$BIN" --shards 4
  fi
  if command -v redis-server >/dev/null; then
    run_pytest "pytest redis-server" --target redis
  else
    record "pytest redis-server" 0 1 "redis-server not installed"
  fi
}

run_shell() {
  local f any=0
  for f in tests/integration/*.sh; do
    [[ -e $f ]] || continue
    any=1
    local name="shell $(basename "$f")" log="$LOGDIR/$(basename "$f").log"
    echo "=== $name"
    YOTTA_BIN="$BIN" YOTTA_PORT=$(free_port) timeout -k 10 "$SUITE_TIMEOUT" bash "$f" >"$log" 2>&1
    local rc=$?
    tail -n 25 "$log"
    local line pass fail
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    pass=$(count_of passed "$line")
    fail=$(count_of failed "$line")
    if [[ -z $line || ($rc -ne 0 && $fail -eq 0) ]]; then fail=$((fail + 1)); fi
    record "$name" "$pass" "$fail"
  done
  [[ $any == 1 ]] || echo "=== shell: no tests/integration/*.sh"
}

run_node() {
  local dir="$ROOT/tests/node" log="$LOGDIR/node.log"
  echo "=== node: $dir"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    record node 0 1 "node/npm not installed"
    return
  fi
  if [[ ! -d $dir/node_modules ]]; then
    (cd "$dir" && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; }) \
      </dev/null >"$LOGDIR/npm.log" 2>&1
    if [[ ! -d $dir/node_modules ]]; then
      tail -n 20 "$LOGDIR/npm.log"
      record node 0 1 "npm install failed"
      return
    fi
  fi
  (cd "$dir" && YOTTA_BIN="$BIN" timeout -k 10 "$SUITE_TIMEOUT" node --test --test-reporter=tap) >"$log" 2>&1
  local rc=$?
  grep -E '^ *not ok ' "$log" | head -n 30
  local pass fail
  pass=$(grep -E '^# pass [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  fail=$(grep -E '^# fail [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  pass=${pass:-0}
  fail=${fail:-0}
  if [[ $rc -ne 0 && $fail -eq 0 ]]; then
    tail -n 30 "$log"
    fail=1
  fi
  record node "$pass" "$fail"
}

start=$(date +%s)
wants unit && run_unit
wants integration && run_integration
wants shell && run_shell
wants node && run_node

echo "=== summary ($(($(date +%s) - start)) s, logs in $LOGDIR)"
for line in "${SUMMARY[@]}"; do echo "$line"; done
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
[[ $TOTAL_FAIL -eq 0 ]]
