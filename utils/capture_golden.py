#!/usr/bin/python3
# YottaStore. Licensed under the Apache License 2.0.
# Captures Redis's COMMAND INFO (name, arity, flags, first/last key, step) for
# every command and subcommand YottaStore registers, into
# tests/golden/command_info.json, which tests/integration/test_command_info.py
# diffs our replies against.
#
#   /usr/bin/python3 utils/capture_golden.py [--binary build/release/yottastore] [--out FILE]
#
# Rerunnable: it starts a yottastore and a redis-server on free loopback
# ports, asks yottastore for COMMAND LIST, asks Redis about those names, and
# rewrites the file (sorted, so reruns diff cleanly). Names Redis does not
# know (JSON.*, FT.*, our own) are listed under "not_in_redis".
import argparse
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import redis

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, port):
    """Starts a server and waits until it accepts connections."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.02)
    proc.kill()
    raise RuntimeError("server did not start: " + " ".join(args))


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def raw(port, *args):
    """One command's reply, without redis-py's reply callbacks."""
    conn = redis.Connection(host="127.0.0.1", port=port, decode_responses=True)
    try:
        conn.connect()
        conn.send_command(*args)
        return conn.read_response()
    finally:
        conn.disconnect()


def yotta_command_names(binary):
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="yotta-golden-")
    proc = start([binary, "--port", str(port), "--bind", "127.0.0.1", "--shards", "1", "--dir", tmp], port)
    try:
        return sorted(raw(port, "COMMAND", "LIST"))
    finally:
        stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def redis_command_info(names):
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="redis-golden-")
    proc = start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                  "--appendonly", "no", "--dir", tmp], port)
    try:
        version = raw(port, "INFO", "server").split("redis_version:")[1].split()[0]
        commands, missing = {}, []
        for name in names:
            info = raw(port, "COMMAND", "INFO", name)[0]
            if info is None:
                missing.append(name)
                continue
            commands[name] = {
                "arity": info[1],
                "flags": list(info[2]),
                "first_key": info[3],
                "last_key": info[4],
                "step": info[5],
            }
        return version, commands, missing
    finally:
        stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def dumps(doc):
    """JSON with one command per line, so a rerun's diff shows what changed."""
    lines = ["{"]
    for key in ("comment", "redis_version"):
        lines.append("  %s: %s," % (json.dumps(key), json.dumps(doc[key])))
    lines.append('  "commands": {')
    cmds = sorted(doc["commands"].items())
    for i, (name, info) in enumerate(cmds):
        comma = "," if i + 1 < len(cmds) else ""
        lines.append("    %s: %s%s" % (json.dumps(name), json.dumps(info, sort_keys=True), comma))
    lines.append("  },")
    lines.append('  "not_in_redis": %s' % json.dumps(sorted(doc["not_in_redis"])))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--binary", default=os.path.join(ROOT, os.environ.get("BUILD", "build/release"), "yottastore"))
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "golden", "command_info.json"))
    args = ap.parse_args()

    names = yotta_command_names(args.binary)
    version, commands, missing = redis_command_info(names)
    doc = {
        "comment": "Redis's COMMAND INFO for the commands YottaStore registers; "
                   "regenerate with utils/capture_golden.py.",
        "redis_version": version,
        "commands": commands,
        "not_in_redis": missing,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(dumps(doc))
    print("%s: %d commands from redis %s, %d not in redis" % (args.out, len(commands), version, len(missing)))


if __name__ == "__main__":
    main()
