// YottaStore. Licensed under the Apache License 2.0.
// node-redis (v4) `client.json.*` (@redis/json) against YottaStore's JSON
// type: every command family, legacy and $ paths, keys across shards,
// errors. Skipped with TARGET=redis (redis-server has no JSON module).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createClient } from 'redis';

import { startServer } from './server.mjs';

const skip = process.env.TARGET === 'redis' ? 'redis-server has no RedisJSON module' : false;

describe('node-redis json', { skip }, () => {
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

  it('SET and GET with both path syntaxes', async () => {
    const doc = { a: 1, b: { a: 2, c: 'x' }, arr: [1, 2, 3], f: 1.5, t: true, n: null };
    assert.equal(await client.json.set('nj:d', '$', doc), 'OK');
    assert.deepEqual(await client.json.get('nj:d'), doc);
    assert.deepEqual(await client.json.get('nj:d', { path: '$..a' }), [1, 2]);
    assert.deepEqual(await client.json.get('nj:d', { path: '.b.c' }), 'x');
    assert.deepEqual(await client.json.get('nj:d', { path: ['$.a', '$.f'] }), { '$.a': [1], '$.f': [1.5] });
    assert.equal(await client.json.get('nj:missing'), null);
    assert.equal(await client.json.set('nj:d', '$.a', 5, { NX: true }), null);
    assert.equal(await client.json.set('nj:d', '$.z', 5, { NX: true }), 'OK');
    assert.equal(await client.json.type('nj:d', '.z'), 'integer');
    assert.equal(
      await client.json.get('nj:d', { path: '$.b', INDENT: '  ', NEWLINE: '\n', SPACE: ' ' }).then(JSON.stringify),
      JSON.stringify([{ a: 2, c: 'x' }]));
    const raw = await client.sendCommand(['JSON.GET', 'nj:d', 'INDENT', '  ', 'NEWLINE', '\n', 'SPACE', ' ', '$.b']);
    assert.equal(raw, '[\n  {\n    "a": 2,\n    "c": "x"\n  }\n]');
  });

  it('MSET and MGET across shards', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `nj:m${i}`);
    assert.equal(await client.json.mSet(keys.map((key, i) => ({ key, path: '$', value: { v: i } }))), 'OK');
    assert.deepEqual(await client.json.mGet([...keys, 'nj:none'], '$.v'),
      [...keys.map((_, i) => [i]), null]);
    assert.deepEqual(await client.json.mGet(keys.slice(0, 3), '.v'), [0, 1, 2]);
  });

  it('numbers, strings, toggle, clear, merge', async () => {
    await client.json.set('nj:n', '$', { i: 1, f: 2.5, s: 'ab', b: false, o: { x: 1 } });
    assert.deepEqual(await client.json.numIncrBy('nj:n', '$.i', 2), [3]);
    assert.equal(await client.json.numIncrBy('nj:n', '.f', 1), 3.5);
    assert.deepEqual(await client.json.numMultBy('nj:n', '$.*', 2), [6, 7, null, null, null]);
    assert.deepEqual(await client.json.strAppend('nj:n', '$.s', 'cd'), [4]);
    assert.equal(await client.json.strLen('nj:n', '.s'), 4);
    assert.deepEqual(await client.sendCommand(['JSON.TOGGLE', 'nj:n', '$.b']), [1]);
    assert.equal(await client.json.merge('nj:n', '$.o', { x: null, y: 2 }), 'OK');
    assert.deepEqual(await client.json.get('nj:n', { path: '.o' }), { y: 2 });
    assert.deepEqual(await client.json.objKeys('nj:n', '$.o'), [['y']]);
    assert.equal(await client.json.objLen('nj:n'), 5);
    assert.equal(await client.sendCommand(['JSON.CLEAR', 'nj:n', '$.o']), 1);
    assert.deepEqual(await client.json.get('nj:n', { path: '$.o' }), [{}]);
  });

  it('arrays', async () => {
    await client.json.set('nj:a', '$', { a: [1, 2, 3] });
    assert.deepEqual(await client.json.arrAppend('nj:a', '$.a', 4, 5), [5]);
    assert.equal(await client.json.arrAppend('nj:a', '.a', 6), 6);
    assert.deepEqual(await client.json.arrIndex('nj:a', '$.a', 3), [2]);
    assert.deepEqual(await client.json.arrInsert('nj:a', '$.a', 0, 0), [7]);
    assert.deepEqual(await client.json.arrLen('nj:a', '$.a'), [7]);
    assert.deepEqual(await client.json.arrPop('nj:a', '$.a'), [6]);
    assert.equal(await client.json.arrPop('nj:a', '.a', 0), 0);
    assert.deepEqual(await client.json.arrTrim('nj:a', '$.a', 1, 2), [2]);
    assert.deepEqual(await client.json.get('nj:a', { path: '.a' }), [2, 3]);
  });

  it('DEL, FORGET, DEBUG MEMORY, RESP and errors', async () => {
    await client.json.set('nj:x', '$', { a: { b: 1 }, c: [1] });
    assert.ok((await client.json.debugMemory('nj:x')) > 0);
    assert.deepEqual(await client.json.resp('nj:x', '.a'), ['{', 'b', 1]);
    assert.equal(await client.json.del('nj:x', '$.a.b'), 1);
    assert.equal(await client.json.forget('nj:x', '$.c'), 1);
    assert.deepEqual(await client.json.get('nj:x'), { a: {} });
    assert.equal(await client.type('nj:x'), 'ReJSON-RL');
    await assert.rejects(client.sendCommand(['JSON.SET', 'nj:x', '$', '{bad']),
      /key must be a string at line 1 column 2/);
    await assert.rejects(client.json.set('nj:new', '$.a', 1), /new objects must be created at the root/);
    await client.set('nj:str', 'v');
    await assert.rejects(client.json.get('nj:str'), /Existing key has wrong Redis type/);
    assert.equal(await client.json.del('nj:x'), 1);
    assert.equal(await client.exists('nj:x'), 0);
  });
});
