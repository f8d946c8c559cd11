// YottaStore. Licensed under the Apache License 2.0.
// redis-om (0.4) JSON repositories on node-redis: save, fetch, update,
// expire and remove entities stored with JSON.SET/JSON.GET, unchanged from
// how they run against Redis Stack. Search (createIndex, search()) needs
// FT.*, which YottaStore does not have yet. Skipped with TARGET=redis
// (redis-server has no JSON module).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createClient } from 'redis';
import { EntityId, Repository, Schema } from 'redis-om';

import { startServer } from './server.mjs';

const skip = process.env.TARGET === 'redis' ? 'redis-server has no RedisJSON module' : false;

describe('redis-om JSON repository', { skip }, () => {
  let server;
  let client;
  let albums;

  before(async () => {
    server = await startServer();
    client = createClient({ socket: { host: '127.0.0.1', port: server.port } });
    client.on('error', () => {});
    await client.connect();
    const schema = new Schema('album', {
      artist: { type: 'string' },
      title: { type: 'text' },
      year: { type: 'number' },
      genres: { type: 'string[]' },
      outOfPrint: { type: 'boolean' },
    }, { dataStructure: 'JSON' });
    albums = new Repository(schema, client);
  });

  after(async () => {
    await client?.quit();
    await server?.stop();
  });

  it('saves and fetches an entity as a JSON document', async () => {
    const saved = await albums.save({
      artist: 'Mushroomhead', title: 'The Righteous & The Butterfly', year: 2014,
      genres: ['metal', 'alternative'], outOfPrint: true,
    });
    const id = saved[EntityId];
    assert.ok(id);
    assert.equal(await client.type(`album:${id}`), 'ReJSON-RL');
    const got = await albums.fetch(id);
    assert.equal(got.artist, 'Mushroomhead');
    assert.equal(got.year, 2014);
    assert.deepEqual(got.genres, ['metal', 'alternative']);
    assert.equal(got.outOfPrint, true);
    // The document is plain JSON, readable by any client.
    assert.deepEqual(await client.json.get(`album:${id}`, { path: '$.year' }), [2014]);
  });

  it('updates, expires and removes entities', async () => {
    const saved = await albums.save('fixed-id', { artist: 'A', title: 'T', year: 1999 });
    assert.equal(saved[EntityId], 'fixed-id');
    saved.year = 2000;
    await albums.save(saved);
    assert.equal((await albums.fetch('fixed-id')).year, 2000);
    await albums.expire('fixed-id', 100);
    const ttl = await client.ttl('album:fixed-id');
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    await albums.remove('fixed-id');
    assert.equal(await client.exists('album:fixed-id'), 0);
    // Fetching a missing entity gives an empty one with just the id.
    const missing = await albums.fetch('fixed-id');
    assert.equal(missing.artist, undefined);
  });

  it('fetches several entities at once across shards', async () => {
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push((await albums.save(`many-${i}`, { artist: `a${i}`, year: i }))[EntityId]);
    const got = await albums.fetch(...ids);
    assert.deepEqual(got.map((a) => a.year), [0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
