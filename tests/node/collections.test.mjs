// YottaStore. Licensed under the Apache License 2.0.
// node-redis (v4) and ioredis helpers for collections work unchanged against
// YottaStore: hashes, sets, sorted sets, lists, blocking pops, scan iterators,
// bitmaps, HyperLogLog and geo, with keys spread over the shards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import Redis from 'ioredis';
import { createClient } from 'redis';

import { startServer } from './server.mjs';

const sorted = (xs) => [...xs].sort();

describe('collections', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  describe('node-redis', () => {
    let client;
    let other;

    before(async () => {
      client = createClient({ socket: { host: '127.0.0.1', port: server.port } });
      client.on('error', () => {});
      await client.connect();
      other = client.duplicate();
      other.on('error', () => {});
      await other.connect();
    });

    after(async () => {
      await other?.quit();
      await client?.quit();
    });

    it('hSet, hGetAll, hGet, hmGet, hExists, hDel', async () => {
      assert.equal(await client.hSet('nc:h', { a: '1', b: 'two', c: '3' }), 3);
      // node-redis returns a null-prototype object: spread it for deepEqual.
      assert.deepEqual({ ...await client.hGetAll('nc:h') }, { a: '1', b: 'two', c: '3' });
      assert.equal(await client.hGet('nc:h', 'b'), 'two');
      assert.deepEqual(await client.hmGet('nc:h', ['a', 'zz', 'c']), ['1', null, '3']);
      assert.equal(await client.hExists('nc:h', 'a'), true);
      assert.equal(await client.hDel('nc:h', ['a', 'zz']), 1);
      assert.equal(await client.hLen('nc:h'), 2);
      assert.deepEqual(sorted(await client.hKeys('nc:h')), ['b', 'c']);
      assert.deepEqual({ ...await client.hGetAll('nc:missing') }, {});
    });

    it('hIncrBy and hIncrByFloat', async () => {
      assert.equal(await client.hIncrBy('nc:hi', 'n', 5), 5);
      assert.equal(await client.hIncrBy('nc:hi', 'n', -7), -2);
      assert.equal(await client.hIncrByFloat('nc:hi', 'f', 1.5), '1.5');
      await assert.rejects(client.hIncrBy('nc:hi', 'f', 1), /ERR hash value is not an integer/);
    });

    it('a hash past the listpack limits (hScanIterator)', async () => {
      const obj = {};
      for (let i = 0; i < 300; i++) obj[`f${i}`] = `v${i}`;
      await client.hSet('nc:bigh', obj);
      const seen = {};
      for await (const { field, value } of client.hScanIterator('nc:bigh', { COUNT: 17 })) seen[field] = value;
      assert.deepEqual(seen, obj);
    });

    it('sAdd, sMembers, sIsMember, sCard, sRem', async () => {
      assert.equal(await client.sAdd('nc:s', ['x', 'y', 'z', 'x']), 3);
      assert.deepEqual(sorted(await client.sMembers('nc:s')), ['x', 'y', 'z']);
      assert.equal(await client.sIsMember('nc:s', 'y'), true);
      assert.equal(await client.sIsMember('nc:s', 'q'), false);
      assert.deepEqual(await client.smIsMember('nc:s', ['x', 'q']), [true, false]);
      assert.equal(await client.sRem('nc:s', 'x'), 1);
      assert.equal(await client.sCard('nc:s'), 2);
    });

    it('set algebra across shards', async () => {
      await client.sAdd('nc:s1', ['1', '2', '3', '4']);
      await client.sAdd('nc:s2', ['3', '4', '5']);
      assert.deepEqual(sorted(await client.sInter(['nc:s1', 'nc:s2'])), ['3', '4']);
      assert.deepEqual(sorted(await client.sUnion(['nc:s1', 'nc:s2'])), ['1', '2', '3', '4', '5']);
      assert.deepEqual(sorted(await client.sDiff(['nc:s1', 'nc:s2'])), ['1', '2']);
      assert.equal(await client.sUnionStore('nc:s3', ['nc:s1', 'nc:s2']), 5);
      assert.equal(await client.sInterCard(['nc:s1', 'nc:s2']), 2);
      assert.equal(await client.sMove('nc:s1', 'nc:s2', '1'), true);
      assert.equal(await client.sCard('nc:s2'), 4);
    });

    it('sPop and sRandMember', async () => {
      await client.sAdd('nc:sp', ['a', 'b', 'c']);
      const popped = await client.sPop('nc:sp');
      assert.ok(['a', 'b', 'c'].includes(popped));
      const some = await client.sRandMemberCount('nc:sp', 5);
      assert.equal(some.length, 2);
      assert.equal(await client.sCard('nc:sp'), 2);
    });

    it('zAdd, zRangeWithScores, zScore, zRank, zIncrBy', async () => {
      assert.equal(await client.zAdd('nc:z', [{ score: 2, value: 'b' }, { score: 1, value: 'a' }, { score: 3, value: 'c' }]), 3);
      assert.deepEqual(await client.zRangeWithScores('nc:z', 0, -1),
        [{ value: 'a', score: 1 }, { value: 'b', score: 2 }, { value: 'c', score: 3 }]);
      assert.equal(await client.zScore('nc:z', 'b'), 2);
      assert.equal(await client.zScore('nc:z', 'nope'), null);
      assert.equal(await client.zRank('nc:z', 'c'), 2);
      assert.equal(await client.zIncrBy('nc:z', 0.5, 'a'), 1.5);
      assert.deepEqual(await client.zRange('nc:z', 2, 3, { BY: 'SCORE' }), ['b', 'c']);
      assert.deepEqual(await client.zRange('nc:z', '+inf', '-inf', { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: 2 } }),
        ['c', 'b']);
      assert.deepEqual(await client.zmScore('nc:z', ['a', 'x']), [1.5, null]);
    });

    it('zAdd options, zCount, zPopMin, zRem', async () => {
      await client.zAdd('nc:zo', [{ score: 5, value: 'm' }]);
      assert.equal(await client.zAdd('nc:zo', { score: 1, value: 'm' }, { GT: true, CH: true }), 0);
      assert.equal(await client.zAdd('nc:zo', { score: 9, value: 'm' }, { GT: true, CH: true }), 1);
      await client.zAdd('nc:zo', [{ score: 1, value: 'n' }, { score: 3, value: 'o' }]);
      assert.equal(await client.zCount('nc:zo', 2, '+inf'), 2);
      assert.deepEqual(await client.zPopMin('nc:zo'), { value: 'n', score: 1 });
      assert.equal(await client.zRem('nc:zo', ['o', 'zz']), 1);
      assert.equal(await client.zCard('nc:zo'), 1);
    });

    it('zUnionStore with weights and zInterWithScores across shards', async () => {
      await client.zAdd('nc:za', [{ score: 1, value: 'x' }, { score: 2, value: 'y' }]);
      await client.zAdd('nc:zb', [{ score: 10, value: 'y' }, { score: 20, value: 'z' }]);
      assert.equal(await client.zUnionStore('nc:zu', ['nc:za', 'nc:zb'], { WEIGHTS: [2, 1] }), 3);
      assert.deepEqual(await client.zRangeWithScores('nc:zu', 0, -1),
        [{ value: 'x', score: 2 }, { value: 'y', score: 14 }, { value: 'z', score: 20 }]);
      assert.deepEqual(await client.zInterWithScores(['nc:za', 'nc:zb'], { AGGREGATE: 'MAX' }), [{ value: 'y', score: 10 }]);
    });

    it('lPush, rPush, lRange, lPop, lLen, lPos, lMove', async () => {
      assert.equal(await client.rPush('nc:l', ['a', 'b', 'c']), 3);
      assert.equal(await client.lPush('nc:l', 'z'), 4);
      assert.deepEqual(await client.lRange('nc:l', 0, -1), ['z', 'a', 'b', 'c']);
      assert.equal(await client.lPos('nc:l', 'b'), 2);
      assert.equal(await client.lPop('nc:l'), 'z');
      assert.equal(await client.lMove('nc:l', 'nc:l2', 'RIGHT', 'LEFT'), 'c');
      assert.equal(await client.lLen('nc:l'), 2);
      assert.deepEqual(await client.lRange('nc:l2', 0, -1), ['c']);
      assert.deepEqual(await client.lmPop(['nc:none', 'nc:l'], 'LEFT', { COUNT: 5 }), ['nc:l', ['a', 'b']]);
    });

    it('blPop times out with null', async () => {
      assert.equal(await client.blPop(['nc:empty1', 'nc:empty2'], 0.05), null);
    });

    it('blPop is served by a push from another client', async () => {
      const pending = other.blPop(['nc:bl1', 'nc:bl2'], 5);
      await new Promise((r) => setTimeout(r, 50));
      await client.rPush('nc:bl2', ['first', 'second']);
      assert.deepEqual(await pending, { key: 'nc:bl2', element: 'first' });
      assert.deepEqual(await client.lRange('nc:bl2', 0, -1), ['second']);
    });

    it('bzPopMin is served by zAdd; blMove moves across shards', async () => {
      const pending = other.bzPopMin('nc:bz', 5);
      await new Promise((r) => setTimeout(r, 50));
      await client.zAdd('nc:bz', [{ score: 7, value: 'seven' }, { score: 3, value: 'three' }]);
      assert.deepEqual(await pending, { key: 'nc:bz', value: 'three', score: 3 });
      await client.rPush('nc:src', 'item');
      assert.equal(await client.blMove('nc:src', 'nc:dst', 'LEFT', 'RIGHT', 1), 'item');
      assert.deepEqual(await client.lRange('nc:dst', 0, -1), ['item']);
    });

    it('sScanIterator and zScanIterator see every member', async () => {
      const members = Array.from({ length: 200 }, (_, i) => `m${i}`);
      await client.sAdd('nc:bigs', members);
      const seen = new Set();
      for await (const m of client.sScanIterator('nc:bigs', { COUNT: 13 })) seen.add(m);
      assert.deepEqual(sorted(seen), sorted(members));
      await client.zAdd('nc:bigz', members.map((value, score) => ({ score, value })));
      let n = 0;
      for await (const { value, score } of client.zScanIterator('nc:bigz')) {
        assert.equal(score, Number(value.slice(1)));
        n++;
      }
      assert.ok(n >= 200);
    });

    it('bitmaps, HyperLogLog and geo helpers', async () => {
      assert.equal(await client.setBit('nc:bits', 7, 1), 0);
      assert.equal(await client.getBit('nc:bits', 7), 1);
      assert.equal(await client.bitCount('nc:bits'), 1);
      assert.equal(await client.pfAdd('nc:hll', ['a', 'b', 'c', 'a']), true);
      assert.equal(await client.pfCount('nc:hll'), 3);
      assert.equal(await client.geoAdd('nc:geo', [
        { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
        { longitude: 15.087269, latitude: 37.502669, member: 'Catania' },
      ]), 2);
      assert.equal(await client.geoDist('nc:geo', 'Palermo', 'Catania', 'km'), 166.2742);
      assert.deepEqual(await client.geoSearch('nc:geo', { longitude: 15, latitude: 37 }, { radius: 100, unit: 'km' }),
        ['Catania']);
    });

    it('WRONGTYPE errors reject', async () => {
      await client.set('nc:str', 'x');
      await assert.rejects(client.hGetAll('nc:str'), /^\[?.*WRONGTYPE Operation against a key holding the wrong kind of value/);
      await assert.rejects(client.lPush('nc:str', 'a'), /WRONGTYPE/);
      await assert.rejects(client.zAdd('nc:str', { score: 1, value: 'a' }), /WRONGTYPE/);
    });
  });

  describe('ioredis', () => {
    let redis;
    let other;

    before(async () => {
      redis = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 1 });
      redis.on('error', () => {});
      await redis.connect();
      other = redis.duplicate();
      other.on('error', () => {});
    });

    after(async () => {
      await other?.quit();
      await redis?.quit();
    });

    it('hset, hgetall, hmget, hincrby', async () => {
      assert.equal(await redis.hset('io:h', { a: '1', b: '2' }), 2);
      assert.equal(await redis.hset('io:h', 'c', '3', 'a', '9'), 1);
      assert.deepEqual(await redis.hgetall('io:h'), { a: '9', b: '2', c: '3' });
      assert.deepEqual(await redis.hmget('io:h', 'a', 'x'), ['9', null]);
      assert.equal(await redis.hincrby('io:h', 'b', 40), 42);
      assert.deepEqual(await redis.hgetall('io:none'), {});
    });

    it('sadd, smembers, sinter, spop count', async () => {
      assert.equal(await redis.sadd('io:s1', 'a', 'b', 'c'), 3);
      await redis.sadd('io:s2', 'b', 'c', 'd');
      assert.deepEqual(sorted(await redis.smembers('io:s1')), ['a', 'b', 'c']);
      assert.deepEqual(sorted(await redis.sinter('io:s1', 'io:s2')), ['b', 'c']);
      assert.equal(await redis.sdiffstore('io:s3', 'io:s1', 'io:s2'), 1);
      assert.deepEqual(await redis.smembers('io:s3'), ['a']);
      assert.equal((await redis.spop('io:s2', 10)).length, 3);
      assert.equal(await redis.exists('io:s2'), 0);
    });

    it('zadd, zrange WITHSCORES, zrangebyscore, zscore', async () => {
      assert.equal(await redis.zadd('io:z', 1, 'one', 2, 'two', 3, 'three'), 3);
      assert.deepEqual(await redis.zrange('io:z', 0, -1, 'WITHSCORES'), ['one', '1', 'two', '2', 'three', '3']);
      assert.deepEqual(await redis.zrangebyscore('io:z', '(1', '+inf'), ['two', 'three']);
      assert.deepEqual(await redis.zrevrange('io:z', 0, 0), ['three']);
      assert.equal(await redis.zscore('io:z', 'two'), '2');
      assert.equal(await redis.zincrby('io:z', '0.25', 'one'), '1.25');
      assert.deepEqual(await redis.zpopmax('io:z'), ['three', '3']);
      assert.equal(await redis.zrangestore('io:z2', 'io:z', 0, 0), 1);
    });

    it('lpush, lrange, linsert, lrem, ltrim', async () => {
      assert.equal(await redis.lpush('io:l', 'c', 'b', 'a'), 3);
      assert.deepEqual(await redis.lrange('io:l', 0, -1), ['a', 'b', 'c']);
      assert.equal(await redis.linsert('io:l', 'BEFORE', 'c', 'b'), 4);
      assert.equal(await redis.lrem('io:l', 0, 'b'), 2);
      assert.equal(await redis.ltrim('io:l', 0, 0), 'OK');
      assert.deepEqual(await redis.lrange('io:l', 0, -1), ['a']);
    });

    it('blpop times out with null and is served by another client', async () => {
      assert.equal(await redis.blpop('io:bl', 0.05), null);
      const pending = other.blpop('io:bl', 'io:bl2', 5);
      await new Promise((r) => setTimeout(r, 50));
      await redis.rpush('io:bl2', 'v');
      assert.deepEqual(await pending, ['io:bl2', 'v']);
    });

    it('brpoplpush and bzpopmax', async () => {
      await redis.rpush('io:q', 'job');
      assert.equal(await redis.brpoplpush('io:q', 'io:done', 1), 'job');
      assert.deepEqual(await redis.lrange('io:done', 0, -1), ['job']);
      await redis.zadd('io:bz', 5, 'five', 9, 'nine');
      assert.deepEqual(await redis.bzpopmax('io:bz', 1), ['io:bz', 'nine', '9']);
      assert.equal(await redis.bzpopmin('io:bz-empty', 0.05), null);
    });

    it('pipeline over several types', async () => {
      const res = await redis.pipeline()
        .hset('io:p:h', 'f', 'v').sadd('io:p:s', 'm').zadd('io:p:z', 1, 'm').rpush('io:p:l', 'x')
        .type('io:p:h').type('io:p:s').type('io:p:z').type('io:p:l')
        .lpush('io:p:h', 'oops')
        .exec();
      assert.deepEqual(res.slice(0, 8).map(([e, v]) => [e, v]),
        [[null, 1], [null, 1], [null, 1], [null, 1], [null, 'hash'], [null, 'set'], [null, 'zset'], [null, 'list']]);
      assert.match(res[8][0].message, /WRONGTYPE/);
    });

    it('hscanStream and zscanStream collect everything', async () => {
      const args = [];
      for (let i = 0; i < 150; i++) args.push(`f${i}`, String(i));
      await redis.hset('io:bigh', ...args);
      const fields = new Set();
      await new Promise((ok, fail) => {
        const s = redis.hscanStream('io:bigh', { count: 20 });
        s.on('data', (chunk) => { for (let i = 0; i < chunk.length; i += 2) fields.add(chunk[i]); });
        s.on('end', ok);
        s.on('error', fail);
      });
      assert.equal(fields.size, 150);
      const zargs = [];
      for (let i = 0; i < 150; i++) zargs.push(String(i), `m${i}`);
      await redis.zadd('io:bigz', ...zargs);
      let n = 0;
      await new Promise((ok, fail) => {
        const s = redis.zscanStream('io:bigz', { count: 20 });
        s.on('data', (chunk) => { n += chunk.length / 2; });
        s.on('end', ok);
        s.on('error', fail);
      });
      assert.ok(n >= 150);
    });

    it('geoadd, geopos, geosearch, pfadd, pfcount', async () => {
      assert.equal(await redis.geoadd('io:geo', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'), 2);
      const [pos] = await redis.geopos('io:geo', 'Palermo');
      assert.ok(Math.abs(Number(pos[0]) - 13.361389) < 1e-5 && Math.abs(Number(pos[1]) - 38.115556) < 1e-5);
      assert.deepEqual(await redis.geosearch('io:geo', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC'),
        ['Catania', 'Palermo']);
      assert.equal(await redis.pfadd('io:hll', 'a', 'b'), 1);
      assert.equal(await redis.pfadd('io:hll2', 'b', 'c'), 1);
      assert.equal(await redis.pfcount('io:hll', 'io:hll2'), 3);
    });

    it('errors carry Redis texts', async () => {
      await redis.set('io:str', 'x');
      await assert.rejects(redis.sadd('io:str', 'a'), /WRONGTYPE Operation against a key holding the wrong kind of value/);
      await assert.rejects(redis.zadd('io:z3', 'nan', 'a'), /ERR value is not a valid float/);
      await assert.rejects(redis.lpos('io:l', 'a', 'RANK', 0), /RANK can't be zero/);
    });
  });
});
