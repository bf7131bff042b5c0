// Objects: save / fetch / destroy with every data type, and the update operators.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Parse, dropClasses, handleOf, rejectsWithCode, uniqueClass } from '../lib/parse.mjs';

const Thing = uniqueClass('E2EThing');
const Owner = uniqueClass('E2EOwner');

after(dropClasses);

const sorted = (list) => [...list].sort();

/** A fresh copy of the object as the server has it (no local state shared). */
async function reload(object) {
  return handleOf(object.className, object.id).fetch();
}

describe('save, fetch, destroy', () => {
  test('create assigns a 10-character objectId and equal createdAt/updatedAt', async () => {
    const thing = await new Parse.Object(Thing).save({ label: 'first' });
    assert.match(thing.id, /^[A-Za-z0-9]{10}$/);
    assert.ok(thing.createdAt instanceof Date);
    assert.ok(thing.updatedAt instanceof Date);
    assert.equal(thing.createdAt.getTime(), thing.updatedAt.getTime());
    assert.ok(Math.abs(thing.createdAt.getTime() - Date.now()) < 60_000, 'createdAt is now');
  });

  test('every data type round-trips through the server', async () => {
    const owner = await new Parse.Object(Owner).save({ name: 'ann' });
    const when = new Date('2024-05-01T12:34:56.789Z');
    const values = {
      text: 'héllo wörld ✓ "quoted" \\ back\nslash',
      emptyText: '',
      integer: 42,
      negative: -7,
      float: 3.25,
      big: 9007199254740991,
      yes: true,
      no: false,
      when,
      list: [1, 'two', true, { three: 3 }, [4, 5]],
      emptyList: [],
      nested: { a: 1, b: { c: ['d', 'e'], f: null }, g: 'h' },
      emptyObject: {},
      ownerPtr: owner,
      location: new Parse.GeoPoint(40.7128, -74.006),
      area: new Parse.Polygon([
        [0, 0],
        [0, 1],
        [1, 1],
        [1, 0],
      ]),
      blob: { __type: 'Bytes', base64: 'aGVsbG8gd29ybGQ=' },
    };
    const thing = await new Parse.Object(Thing).save(values);
    const copy = await reload(thing);

    for (const key of ['text', 'emptyText', 'integer', 'negative', 'float', 'big', 'yes', 'no']) {
      assert.equal(copy.get(key), values[key], key);
    }
    assert.ok(copy.get('when') instanceof Date);
    assert.equal(copy.get('when').toISOString(), '2024-05-01T12:34:56.789Z');
    assert.deepEqual(copy.get('list'), values.list);
    assert.deepEqual(copy.get('emptyList'), []);
    assert.deepEqual(copy.get('nested'), values.nested);
    assert.deepEqual(copy.get('emptyObject'), {});

    const ptr = copy.get('ownerPtr');
    assert.ok(ptr instanceof Parse.Object);
    assert.equal(ptr.className, Owner);
    assert.equal(ptr.id, owner.id);

    const location = copy.get('location');
    assert.ok(location instanceof Parse.GeoPoint);
    assert.equal(location.latitude, 40.7128);
    assert.equal(location.longitude, -74.006);

    const area = copy.get('area');
    assert.ok(area instanceof Parse.Polygon);
    // Parse Server stores the ring closed and returns it closed (first point repeated).
    assert.deepEqual(area.coordinates, [
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
      [0, 0],
    ]);

    assert.deepEqual(copy.get('blob'), { __type: 'Bytes', base64: 'aGVsbG8gd29ybGQ=' });
  });

  test('dates nested in objects and arrays come back as Dates', async () => {
    const when = new Date('2023-01-02T03:04:05.006Z');
    const thing = await new Parse.Object(Thing).save({ meta: { at: when, tags: ['x'] }, stamps: [when] });
    const copy = await reload(thing);
    assert.ok(copy.get('meta').at instanceof Date);
    assert.equal(copy.get('meta').at.toISOString(), when.toISOString());
    assert.deepEqual(copy.get('meta').tags, ['x']);
    assert.ok(copy.get('stamps')[0] instanceof Date);
    assert.equal(copy.get('stamps')[0].toISOString(), when.toISOString());
  });

  test('null does not create a field, and setting null clears a stored value', async () => {
    const thing = await new Parse.Object(Thing).save({ label: 'has-null', nothing: null, clearMe: 'v' });
    const copy = await reload(thing);
    // Parse Server on MongoDB returns a stored null as null, on PostgreSQL omits the key:
    // both read back as "no value".
    assert.equal(copy.get('nothing') ?? null, null);
    assert.equal(copy.get('clearMe'), 'v');

    thing.set('clearMe', null);
    await thing.save();
    const again = await reload(thing);
    assert.equal(again.get('clearMe') ?? null, null);
    assert.equal(again.get('label'), 'has-null');
  });

  test('update changes updatedAt only and keeps untouched fields', async () => {
    const thing = await new Parse.Object(Thing).save({ label: 'before', keep: 1 });
    const createdAt = thing.createdAt.getTime();
    await new Promise((resolve) => setTimeout(resolve, 5));
    thing.set('label', 'after');
    await thing.save();
    assert.equal(thing.createdAt.getTime(), createdAt);
    assert.ok(thing.updatedAt.getTime() > createdAt, 'updatedAt moves forward');

    const copy = await reload(thing);
    assert.equal(copy.get('label'), 'after');
    assert.equal(copy.get('keep'), 1);
    assert.equal(copy.createdAt.getTime(), createdAt);
    assert.equal(copy.updatedAt.getTime(), thing.updatedAt.getTime());
  });

  test('fetch replaces local state with the server copy', async () => {
    const thing = await new Parse.Object(Thing).save({ label: 'one' });
    const other = await reload(thing);
    other.set('label', 'two');
    await other.save();
    assert.equal(thing.get('label'), 'one');
    await thing.fetch();
    assert.equal(thing.get('label'), 'two');
  });

  test('destroy removes the object: get and fetch then fail with 101', async () => {
    const thing = await new Parse.Object(Thing).save({ label: 'doomed' });
    const id = thing.id;
    await thing.destroy();
    await rejectsWithCode(new Parse.Query(Thing).get(id), Parse.Error.OBJECT_NOT_FOUND);
    await rejectsWithCode(handleOf(Thing, id).fetch(), Parse.Error.OBJECT_NOT_FOUND);
  });
});

describe('update operators', () => {
  test('increment and decrement are applied by the server and echoed', async () => {
    const thing = await new Parse.Object(Thing).save({ count: 5, ratio: 1.5 });
    // A blank handle has no local value, so its result can only come from the server's echo.
    const handle = handleOf(Thing, thing.id);
    handle.increment('count', 3);
    handle.increment('ratio', 0.25);
    await handle.save();
    assert.equal(handle.get('count'), 8);
    assert.equal(handle.get('ratio'), 1.75);

    const other = handleOf(Thing, thing.id);
    other.decrement('count');
    await other.save();
    assert.equal(other.get('count'), 7);

    const copy = await reload(thing);
    assert.equal(copy.get('count'), 7);
    assert.equal(copy.get('ratio'), 1.75);
  });

  test('increment on a new object or a missing field starts from the amount', async () => {
    const thing = new Parse.Object(Thing);
    thing.increment('fresh', 4);
    await thing.save();
    assert.equal((await reload(thing)).get('fresh'), 4);

    const handle = handleOf(Thing, thing.id);
    handle.increment('other', -2);
    await handle.save();
    assert.equal(handle.get('other'), -2);
    assert.equal((await reload(thing)).get('other'), -2);
  });

  test('concurrent increments are atomic', async () => {
    const thing = await new Parse.Object(Thing).save({ hits: 0 });
    await Promise.all(
      Array.from({ length: 8 }, () => {
        const handle = handleOf(Thing, thing.id);
        handle.increment('hits');
        return handle.save();
      }),
    );
    assert.equal((await reload(thing)).get('hits'), 8);
  });

  // Order: Parse Server on MongoDB appends ($push / $addToSet); on PostgreSQL its array_add /
  // array_add_unique SQL functions rebuild the array through DISTINCT, so the order (and, for
  // Add, duplicates already stored) is not kept. These tests compare contents, sorted, and never
  // Add onto an array that already holds duplicates.
  test('add appends, duplicates included', async () => {
    const thing = await new Parse.Object(Thing).save({ tags: ['a', 'b'] });
    const handle = handleOf(Thing, thing.id);
    handle.add('tags', 'c');
    await handle.save();
    assert.deepEqual(sorted(handle.get('tags')), ['a', 'b', 'c']);

    const again = handleOf(Thing, thing.id);
    again.addAll('tags', ['a', 'd']);
    await again.save();
    assert.deepEqual(sorted(again.get('tags')), ['a', 'a', 'b', 'c', 'd']);
    assert.deepEqual(sorted((await reload(thing)).get('tags')), ['a', 'a', 'b', 'c', 'd']);
  });

  test('addUnique appends only values not yet present', async () => {
    const thing = await new Parse.Object(Thing).save({ tags: ['a', 'b'] });
    const handle = handleOf(Thing, thing.id);
    handle.addAllUnique('tags', ['b', 'c', 'a', 'd']);
    await handle.save();
    assert.deepEqual(sorted(handle.get('tags')), ['a', 'b', 'c', 'd']);

    const again = handleOf(Thing, thing.id);
    again.addUnique('tags', 'a');
    await again.save();
    assert.deepEqual(sorted(again.get('tags')), ['a', 'b', 'c', 'd']);
    assert.deepEqual(sorted((await reload(thing)).get('tags')), ['a', 'b', 'c', 'd']);
  });

  test('remove deletes every occurrence and ignores absent values', async () => {
    const thing = await new Parse.Object(Thing).save({ tags: ['a', 'b', 'a', 'c', 'a'] });
    const handle = handleOf(Thing, thing.id);
    handle.remove('tags', 'a');
    await handle.save();
    assert.deepEqual(handle.get('tags'), ['b', 'c']);

    const again = handleOf(Thing, thing.id);
    again.removeAll('tags', ['c', 'zzz']);
    await again.save();
    assert.deepEqual(again.get('tags'), ['b']);
    assert.deepEqual((await reload(thing)).get('tags'), ['b']);
  });

  test('add on a new object creates the array; addUnique on a missing field too', async () => {
    const thing = new Parse.Object(Thing);
    thing.add('items', 'x');
    await thing.save();
    assert.deepEqual((await reload(thing)).get('items'), ['x']);

    const handle = handleOf(Thing, thing.id);
    handle.addUnique('uniq', 'y');
    await handle.save();
    assert.deepEqual(handle.get('uniq'), ['y']);
  });

  test('unset removes the field', async () => {
    const thing = await new Parse.Object(Thing).save({ gone: 'soon', stays: true });
    thing.unset('gone');
    await thing.save();
    assert.equal(thing.has('gone'), false);
    const copy = await reload(thing);
    assert.equal(copy.has('gone'), false);
    assert.equal(copy.get('gone'), undefined);
    assert.equal(copy.get('stays'), true);
  });

  test('several operators in one save', async () => {
    const thing = await new Parse.Object(Thing).save({ count: 1, tags: ['a'], dropped: 1, label: 'x' });
    const handle = handleOf(Thing, thing.id);
    handle.increment('count', 10);
    handle.addUnique('tags', 'b');
    handle.unset('dropped');
    handle.set('label', 'y');
    await handle.save();
    const copy = await reload(thing);
    assert.equal(copy.get('count'), 11);
    assert.deepEqual(sorted(copy.get('tags')), ['a', 'b']);
    assert.equal(copy.has('dropped'), false);
    assert.equal(copy.get('label'), 'y');
  });
});
