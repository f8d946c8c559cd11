// YottaStore. Licensed under the Apache License 2.0.
// node-redis (v4, RESP2) against YottaStore: connect, strings, multi-key
// commands across shards, pipelines, expiry, databases, errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { commandOptions, createClient } from 'redis';

import { startServer } from './server.mjs';

describe('node-redis', () => {
  let server;
  let client;

  before(async () => {
    server = await startServer();
    client = createClient({ socket: { host: '127.0.0.1', port: server.port } });
    client.on('error', () => {});
    await client.connect();
  });

  after(async () => {
    await client?.quit();
    await server?.stop();
  });

  it('connects and pings', async () => {
    assert.equal(await client.ping(), 'PONG');
    assert.equal(await client.ping('hi'), 'hi');
    assert.equal(await client.echo('echo me'), 'echo me');
  });

  it('SET and GET', async () => {
    assert.equal(await client.set('nr:k', 'v1'), 'OK');
    assert.equal(await client.get('nr:k'), 'v1');
    assert.equal(await client.get('nr:missing'), null);
    assert.equal(await client.set('nr:k', 'v2', { NX: true }), null);
    assert.equal(await client.set('nr:k', 'v3', { XX: true, GET: true }), 'v1');
    assert.equal(await client.get('nr:k'), 'v3');
  });

  it('binary values round-trip', async () => {
    const value = Buffer.from([0, 255, 13, 10, 1, 2, 3]);
    await client.set('nr:bin', value);
    const got = await client.get(commandOptions({ returnBuffers: true }), 'nr:bin');
    assert.deepEqual(got, value);
  });

  it('a 1 MB value', async () => {
    const big = 'x'.repeat(1024 * 1024);
    await client.set('nr:big', big);
    assert.equal((await client.get('nr:big')).length, big.length);
  });

  it('MSET and MGET across shards', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `nr:m:${i}`);
    assert.equal(await client.mSet(keys.map((k, i) => [k, String(i)])), 'OK');
    const got = await client.mGet([...keys, 'nr:m:none']);
    assert.deepEqual(got, [...keys.map((_, i) => String(i)), null]);
    assert.equal(await client.mSetNX([['nr:m:0', 'x'], ['nr:m:new', 'y']]), false);
    assert.equal(await client.get('nr:m:new'), null);
  });

  it('INCR, INCRBY, DECR', async () => {
    assert.equal(await client.incr('nr:ctr'), 1);
    assert.equal(await client.incrBy('nr:ctr', 41), 42);
    assert.equal(await client.decr('nr:ctr'), 41);
    assert.equal(await client.decrBy('nr:ctr', 40), 1);
  });

  it('EXPIRE and TTL', async () => {
    await client.set('nr:exp', 'v');
    assert.equal(await client.expire('nr:exp', 100), true);
    const ttl = await client.ttl('nr:exp');
    assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
    assert.equal(await client.ttl('nr:missing'), -2);
    await client.set('nr:exp2', 'v', { PX: 50 });
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(await client.get('nr:exp2'), null);
  });

  it('DEL and EXISTS over several keys', async () => {
    await client.mSet([['nr:d1', '1'], ['nr:d2', '2'], ['nr:d3', '3']]);
    assert.equal(await client.exists(['nr:d1', 'nr:d2', 'nr:dx']), 2);
    assert.equal(await client.del(['nr:d1', 'nr:d2', 'nr:d3', 'nr:dx']), 3);
    assert.equal(await client.exists('nr:d1'), 0);
  });

  it('pipelines without MULTI keep order', async () => {
    const p = client.multi();
    for (let i = 0; i < 200; i++) p.set(`nr:p:${i}`, String(i));
    for (let i = 0; i < 200; i++) p.get(`nr:p:${i}`);
    p.incr('nr:p:0');
    const res = await p.execAsPipeline();
    assert.equal(res.length, 401);
    assert.deepEqual(res.slice(0, 200), Array(200).fill('OK'));
    assert.deepEqual(res.slice(200, 400), Array.from({ length: 200 }, (_, i) => String(i)));
    assert.equal(res[400], 1);
  });

  it('auto-pipelines concurrent commands', async () => {
    const n = 1000;
    const replies = await Promise.all(Array.from({ length: n }, () => client.incr('nr:auto')));
    assert.deepEqual(replies, Array.from({ length: n }, (_, i) => i + 1));
  });

  it('propagates errors', async () => {
    await assert.rejects(client.sendCommand(['GET']), {
      message: "ERR wrong number of arguments for 'get' command",
    });
    await assert.rejects(client.sendCommand(['NOSUCHCMD', 'a']), {
      message: "ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' ",
    });
    await client.set('nr:notint', 'abc');
    await assert.rejects(client.incr('nr:notint'), { message: 'ERR value is not an integer or out of range' });
    // The connection still works after errors.
    assert.equal(await client.ping(), 'PONG');
  });

  it('an error inside a pipeline does not break the others', async () => {
    // node-redis rejects the whole pipeline with the first error reply.
    await assert.rejects(
      client.multi().set('nr:pe', '1').incr('nr:notint').set('nr:pe2', '2').execAsPipeline(),
      { message: 'ERR value is not an integer or out of range' },
    );
    assert.deepEqual(await client.mGet(['nr:pe', 'nr:pe2']), ['1', '2']);
  });

  it('HELLO 2 and connection commands', async () => {
    const hello = await client.sendCommand(['HELLO', '2']);
    assert.ok(Array.isArray(hello));
    assert.equal(hello[0], 'server');
    assert.equal(hello[hello.indexOf('proto') + 1], 2);
    // node-redis v4 speaks only RESP2: HELLO 3 belongs to the raw-socket tests.
    const id = await client.clientId();
    assert.ok(Number.isInteger(id) && id > 0);
    assert.equal(await client.clientSetName('node-redis-test'), 'OK');
    assert.equal(await client.clientGetName(), 'node-redis-test');
    assert.match(await client.clientInfo().then((i) => i.name), /node-redis-test/);
  });

  it('SELECT on a dedicated connection isolates databases', async () => {
    const c2 = client.duplicate({ database: 3 });
    c2.on('error', () => {});
    await c2.connect();
    await client.set('nr:db', 'zero');
    assert.equal(await c2.get('nr:db'), null);
    await c2.set('nr:db', 'three');
    assert.equal(await client.get('nr:db'), 'zero');
    assert.equal(await c2.get('nr:db'), 'three');
    await c2.quit();
  });
});
