#!/usr/bin/env bash
# Installs the Debian packages YottaStore builds and tests with. A no-op when
# every package is already present. Non-interactive; runs apt-get as root or
# through sudo when available.
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libuv1-dev libjemalloc-dev libsimdjson-dev librocksdb-dev doctest-dev
  redis-tools redis-server python3-redis python3-pytest python3-pytest-timeout
)
# The node client tests (tests/node) need node and npm; the base image has
# them in /usr/bin, Debian's packages are the fallback.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then PKGS+=(nodejs npm); fi
# Optional: the fuzz target needs clang with libFuzzer (`make fuzz` only).
if [[ "${YOTTA_FUZZ:-0}" == 1 ]]; then PKGS+=(clang libclang-rt-14-dev); fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "deps/install.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq </dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
