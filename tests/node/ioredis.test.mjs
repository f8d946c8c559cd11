// YottaStore. Licensed under the Apache License 2.0.
// ioredis (RESP2) against YottaStore: its connect handshake, strings,
// multi-key commands across shards, pipelines, expiry, buffers, errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import Redis from 'ioredis';

import { startServer } from './server.mjs';

describe('ioredis', () => {
  let server;
  let redis;

  before(async () => {
    server = await startServer();
    // The default ready check sends INFO and waits for "loading:0".
    redis = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    await redis.connect();
  });

  after(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it('connects, becomes ready and pings', async () => {
    assert.equal(redis.status, 'ready');
    assert.equal(await redis.ping(), 'PONG');
    assert.equal(await redis.echo('hey'), 'hey');
  });

  it('SET and GET', async () => {
    assert.equal(await redis.set('io:k', 'v'), 'OK');
    assert.equal(await redis.get('io:k'), 'v');
    assert.equal(await redis.get('io:missing'), null);
    assert.equal(await redis.set('io:k', 'w', 'NX'), null);
    assert.equal(await redis.set('io:k', 'w', 'XX'), 'OK');
    assert.equal(await redis.get('io:k'), 'w');
  });

  it('buffers round-trip', async () => {
    const value = Buffer.from([0, 1, 2, 255, 13, 10]);
    await redis.set('io:bin', value);
    assert.deepEqual(await redis.getBuffer('io:bin'), value);
  });

  it('MSET and MGET across shards', async () => {
    const obj = {};
    for (let i = 0; i < 50; i++) obj[`io:m:${i}`] = `v${i}`;
    assert.equal(await redis.mset(obj), 'OK');
    const keys = Object.keys(obj);
    assert.deepEqual(await redis.mget(...keys, 'io:m:none'), [...Object.values(obj), null]);
  });

  it('INCR family', async () => {
    assert.equal(await redis.incr('io:ctr'), 1);
    assert.equal(await redis.incrby('io:ctr', 9), 10);
    assert.equal(await redis.decrby('io:ctr', 3), 7);
    assert.equal(await redis.decr('io:ctr'), 6);
  });

  it('EXPIRE, TTL, PERSIST', async () => {
    await redis.set('io:exp', 'v', 'EX', 100);
    const ttl = await redis.ttl('io:exp');
    assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
    assert.equal(await redis.expire('io:exp', 50), 1);
    assert.ok((await redis.ttl('io:exp')) <= 50);
    assert.equal(await redis.persist('io:exp'), 1);
    assert.equal(await redis.ttl('io:exp'), -1);
    await redis.set('io:short', 'v', 'PX', 40);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await redis.exists('io:short'), 0);
  });

  it('pipelines keep order and report per-command errors', async () => {
    const p = redis.pipeline();
    for (let i = 0; i < 300; i++) p.set(`io:p:${i}`, i);
    p.incr('io:k'); // not an integer
    for (let i = 0; i < 300; i++) p.get(`io:p:${i}`);
    const res = await p.exec();
    assert.equal(res.length, 601);
    for (let i = 0; i < 300; i++) assert.deepEqual(res[i], [null, 'OK']);
    assert.ok(res[300][0] instanceof Error);
    assert.equal(res[300][0].message, 'ERR value is not an integer or out of range');
    for (let i = 0; i < 300; i++) assert.deepEqual(res[301 + i], [null, String(i)]);
  });

  it('DEL over keys on several shards', async () => {
    await redis.mset('io:d1', 1, 'io:d2', 2, 'io:d3', 3);
    assert.equal(await redis.del('io:d1', 'io:d2', 'io:d3', 'io:dx'), 3);
    assert.equal(await redis.exists('io:d1', 'io:d2'), 0);
  });

  it('propagates errors', async () => {
    await assert.rejects(redis.call('GET'), { message: "ERR wrong number of arguments for 'get' command" });
    await assert.rejects(redis.call('NOSUCHCMD'), {
      message: "ERR unknown command 'NOSUCHCMD', with args beginning with: ",
    });
    assert.equal(await redis.ping(), 'PONG');
  });

  it('HELLO 2 and CLIENT commands', async () => {
    const hello = await redis.call('HELLO', '2');
    assert.equal(hello[hello.indexOf('proto') + 1], 2);
    assert.equal(await redis.client('SETNAME', 'ioredis-test'), 'OK');
    assert.equal(await redis.client('GETNAME'), 'ioredis-test');
    const list = await redis.client('LIST');
    assert.match(list, /name=ioredis-test/);
  });

  it('db option selects a database', async () => {
    const r3 = new Redis({ host: '127.0.0.1', port: server.port, db: 3, lazyConnect: true });
    r3.on('error', () => {});
    await r3.connect();
    await redis.set('io:db', 'zero');
    assert.equal(await r3.get('io:db'), null);
    await r3.set('io:db', 'three');
    assert.equal(await redis.get('io:db'), 'zero');
    await r3.quit();
  });

  it('many parallel clients', async () => {
    const clients = Array.from({ length: 20 }, () => new Redis({ host: '127.0.0.1', port: server.port }));
    await Promise.all(clients.map((c, i) => c.set(`io:par:${i}`, i)));
    const got = await Promise.all(clients.map((c, i) => c.get(`io:par:${i}`)));
    assert.deepEqual(got, clients.map((_, i) => String(i)));
    await Promise.all(clients.map((c) => c.quit()));
  });
});
