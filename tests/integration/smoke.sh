#!/usr/bin/env bash
# YottaStore. Licensed under the Apache License 2.0.
# Smoke test driven by redis-cli: the commands a person types first, bulk
# loading with --pipe, RESP3 with -3, and error replies. Prints
# "N passed, M failed"; exits non-zero on any failure.
#   YOTTA_BIN   server binary (default build/release/yottastore)
#   YOTTA_PORT  port to use (default: a free one)
#   TARGET=redis  run against Debian's redis-server instead (checks the test)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${YOTTA_BIN:-$ROOT/build/release/yottastore}
PORT=${YOTTA_PORT:-$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/yotta-smoke.XXXXXX")
PASS=0
FAIL=0

if [[ ${TARGET:-yotta} == redis ]]; then
  redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" >"$DIR/server.log" 2>&1 &
else
  "$BIN" --port "$PORT" --bind 127.0.0.1 --shards 2 --dir "$DIR" >"$DIR/server.log" 2>&1 &
fi
SERVER_PID=$!
cleanup() {
  kill "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT

cli() { timeout 20 redis-cli -h 127.0.0.1 -p "$PORT" "$@" </dev/null; }

started=0
for _ in $(seq 200); do
  # Ready = every listener is up (logged) and it answers.
  if grep -q "Ready to accept connections" "$DIR/server.log" && [[ $(cli PING 2>/dev/null) == PONG ]]; then
    started=1
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.05
done
if [[ $started == 0 ]]; then
  echo "FAIL the server did not start:"
  tail -n 5 "$DIR/server.log"
  echo "0 passed, 1 failed"
  exit 1
fi

# check NAME EXPECTED ACTUAL
check() {
  if [[ $2 == "$3" ]]; then
    PASS=$((PASS + 1))
    echo "ok   $1"
  else
    FAIL=$((FAIL + 1))
    echo "FAIL $1"
    echo "     expected: $(printf %q "$2")"
    echo "     actual:   $(printf %q "$3")"
  fi
}

check "ping" "PONG" "$(cli PING)"
check "ping with message" "hello world" "$(cli PING 'hello world')"
check "set" "OK" "$(cli SET smoke:k 'some value')"
check "get" "some value" "$(cli GET smoke:k)"
check "get missing (raw)" "" "$(cli GET smoke:missing)"
check "get missing (formatted)" "(nil)" "$(cli --no-raw GET smoke:missing)"
check "incr" "1" "$(cli INCR smoke:ctr)"
check "incrby" "11" "$(cli INCRBY smoke:ctr 10)"
check "-r repeats" "21" "$(cli -r 10 INCR smoke:ctr | tail -1)"
check "mset" "OK" "$(cli MSET smoke:a 1 smoke:b 2 smoke:c 3)"
check "mget formatted" $'1) "1"\n2) "2"\n3) (nil)\n4) "3"' "$(cli --no-raw MGET smoke:a smoke:b smoke:none smoke:c)"
check "-x reads the last arg from stdin" "OK" "$(printf 'from\nstdin' | timeout 20 redis-cli -p "$PORT" -x SET smoke:x)"
check "value from -x" "$(printf 'from\nstdin')" "$(cli GET smoke:x)"
check "commands from stdin" $'OK\n5\nv' "$(printf 'SET smoke:s v\nINCRBY smoke:n 5\nGET smoke:s\n' | timeout 20 redis-cli -p "$PORT")"
cli SET smoke:bin $'\xff\x01 \t\r\n' >/dev/null
check "binary-safe value" '"\xff\x01 \t\r\n"' "$(cli --no-raw GET smoke:bin)"

# Error replies: the text, and redis-cli's exit status.
check "wrong arity" "(error) ERR wrong number of arguments for 'get' command" "$(cli --no-raw GET)"
check "unknown command" "(error) ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' " \
  "$(cli --no-raw NOSUCHCMD x)"
check "not an integer" "(error) ERR value is not an integer or out of range" "$(cli --no-raw INCR smoke:k)"

# --pipe: 20000 commands in RESP, spread over every shard.
/usr/bin/python3 - "$DIR/pipe.txt" <<'EOF'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(20000):
        k, v = b"pipe:%d" % i, b"value-%d" % i
        f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
EOF
pipe_out=$(timeout 60 redis-cli -p "$PORT" --pipe <"$DIR/pipe.txt" 2>&1)
check "--pipe summary" "errors: 0, replies: 20000" "$(grep -oE 'errors: [0-9]+, replies: [0-9]+' <<<"$pipe_out")"
check "--pipe data" "value-19999" "$(cli GET pipe:19999)"
check "--pipe data (first)" "value-0" "$(cli GET pipe:0)"
# --pipe with errors in it: counted, not fatal.
printf 'SET pipe:e 1\r\nINCR smoke:k\r\nGET\r\nGET pipe:e\r\n' >"$DIR/pipe-err.txt"
pipe_out=$(timeout 60 redis-cli -p "$PORT" --pipe <"$DIR/pipe-err.txt" 2>&1)
check "--pipe counts errors" "errors: 2, replies: 4" "$(grep -oE 'errors: [0-9]+, replies: [0-9]+' <<<"$pipe_out")"

# RESP3 with -3: maps, nulls and the protocol switch.
hello=$(cli -3 --no-raw HELLO 3)
check "-3 HELLO is a map" '1# "server" => "redis"' "$(head -1 <<<"$hello")"
check "-3 HELLO proto" '3# "proto" => (integer) 3' "$(sed -n 3p <<<"$hello")"
check "-3 null" "(nil)" "$(cli -3 --no-raw GET smoke:missing)"
check "-3 get" '"some value"' "$(cli -3 --no-raw GET smoke:k)"
check "-3 error" "(error) ERR wrong number of arguments for 'get' command" "$(cli -3 --no-raw GET)"
check "-3 client info is verbatim" "yes" "$(cli -3 --no-raw CLIENT INFO | grep -q 'resp=3' && echo yes)"

# The server is still healthy after all that.
check "still alive" "PONG" "$(cli PING)"

echo "$PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
