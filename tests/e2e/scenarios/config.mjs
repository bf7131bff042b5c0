// Config: Parse.Config.save (master key) and Parse.Config.get, including master-key-only params.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MASTER, Parse } from '../lib/parse.mjs';

// Config is one document per app: each run uses its own parameter names and deletes them after.
const prefix = `e2e_${randomBytes(4).toString('hex')}_`;
const key = (name) => prefix + name;
const used = new Set();
const save = (params, masterKeyOnly) => {
  Object.keys(params).forEach((name) => used.add(name));
  return Parse.Config.save(params, masterKeyOnly);
};

after(async () => {
  const removals = Object.fromEntries([...used].map((name) => [name, { __op: 'Delete' }]));
  if (used.size) await Parse.Config.save(removals);
});

describe('Parse.Config', () => {
  test('saved params of every type come back from get()', async () => {
    const when = new Date('2024-05-01T00:00:00.000Z');
    await save({
      [key('number')]: 42,
      [key('string')]: 'hello',
      [key('bool')]: false,
      [key('list')]: [1, 'two', { three: 3 }],
      [key('object')]: { nested: { deep: true } },
      [key('date')]: when,
      [key('geo')]: new Parse.GeoPoint(48.8566, 2.3522),
    });
    const config = await Parse.Config.get();
    assert.ok(config instanceof Parse.Config);
    assert.equal(config.get(key('number')), 42);
    assert.equal(config.get(key('string')), 'hello');
    assert.equal(config.get(key('bool')), false);
    assert.deepEqual(config.get(key('list')), [1, 'two', { three: 3 }]);
    assert.deepEqual(config.get(key('object')), { nested: { deep: true } });
    assert.ok(config.get(key('date')) instanceof Date);
    assert.equal(config.get(key('date')).toISOString(), when.toISOString());
    const geo = config.get(key('geo'));
    assert.ok(geo instanceof Parse.GeoPoint);
    assert.deepEqual([geo.latitude, geo.longitude], [48.8566, 2.3522]);
    assert.equal(config.get(key('missing')), undefined);
  });

  test('save merges: params not named keep their values', async () => {
    await save({ [key('a')]: 1, [key('b')]: 2 });
    await save({ [key('b')]: 3 });
    const config = await Parse.Config.get();
    assert.equal(config.get(key('a')), 1);
    assert.equal(config.get(key('b')), 3);
  });

  test('Parse.Config.current() holds the last fetched config', async () => {
    await save({ [key('current')]: 'now' });
    await Parse.Config.get();
    const current = await Parse.Config.current();
    assert.equal(current.get(key('current')), 'now');
  });

  test('master-key-only params are hidden from clients and shown to the master key', async () => {
    await save({ [key('public')]: 'seen', [key('secret')]: 'hidden' }, { [key('secret')]: true });
    const client = await Parse.Config.get();
    assert.equal(client.get(key('public')), 'seen');
    assert.equal(client.get(key('secret')), undefined);
    const master = await Parse.Config.get(MASTER);
    assert.equal(master.get(key('public')), 'seen');
    assert.equal(master.get(key('secret')), 'hidden');
  });

  test('a Delete op removes a param', async () => {
    await save({ [key('temp')]: 'x', [key('kept')]: 'y' });
    await Parse.Config.save({ [key('temp')]: { __op: 'Delete' } });
    const config = await Parse.Config.get(MASTER);
    assert.equal(config.get(key('temp')), undefined);
    assert.equal(config.get(key('kept')), 'y');
  });

  test('saving config without the master key is refused (403)', async () => {
    const rest = Parse.CoreManager.getRESTController();
    // Parse.Config.save always sends the master key, so send the request as a plain client.
    const error = await rest.request('PUT', 'config', { params: { [key('nope')]: 1 } }, {}).then(
      () => null,
      (caught) => caught,
    );
    assert.ok(error instanceof Parse.Error, 'the request must fail');
    // 403 bodies carry no code: {"error":"unauthorized: master key is required"} up to Parse
    // Server 8, {"error":"Permission denied"} in 9.x.
    assert.equal(error.code, undefined);
    const config = await Parse.Config.get(MASTER);
    assert.equal(config.get(key('nope')), undefined);
  });
});
