// YottaStore. Licensed under the Apache License 2.0.
// Starts a server for one test file on a free loopback port: yottastore
// ($YOTTA_BIN, default build/release/yottastore) or, with TARGET=redis,
// Debian's redis-server (to check the expectations are Redis's).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

function canConnect(port) {
  return new Promise((ok) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); ok(true); });
    s.once('error', () => ok(false));
  });
}

export async function startServer(...extra) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'yotta-node-'));
  const redis = process.env.TARGET === 'redis';
  const bin = redis ? 'redis-server'
    : (process.env.YOTTA_BIN ?? resolve(here, '../../build/release/yottastore'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  if (!redis) args.push('--shards', process.env.SHARDS ?? '2');
  const proc = spawn(bin, [...args, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  proc.once('exit', () => { exited = true; });
  // Ready = every listener is up (both servers log this line) and it
  // accepts: with several shards the first may accept before the rest run.
  let log = '';
  const collect = (chunk) => { if (log.length < 65536) log += chunk; };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  const deadline = Date.now() + 10000;
  while (!log.includes('Ready to accept connections') || !(await canConnect(port))) {
    if (exited || Date.now() > deadline) throw new Error(`server did not start: ${bin} ${args.join(' ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    isRedis: redis,
    alive: () => !exited,
    async stop() {
      if (!exited) {
        proc.kill('SIGTERM');
        await once(proc, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
