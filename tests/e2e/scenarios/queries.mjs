// Queries: every constraint, ordering, paging, projection, include and the query verbs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Parse, dropClasses, rejectsWithCode, sortedValues, uniqueClass, values } from '../lib/parse.mjs';

const Item = uniqueClass('E2EItem');
const Owner = uniqueClass('E2EOwner');
const Team = uniqueClass('E2ETeam');
const Category = uniqueClass('E2ECategory');
const Article = uniqueClass('E2EArticle');

const day = (iso) => new Date(`${iso}T00:00:00.000Z`);
const query = () => new Parse.Query(Item);
const names = async (q) => sortedValues(await q.find());
const ordered = async (q) => values(await q.find());

const ALL = ['Echo.1', 'alpha', 'bravo', 'charlie', 'delta', 'foxtrot'];
const teams = {};
const owners = {};
const items = {};

before(async () => {
  // Sequential saves: createdAt order is the insertion order.
  for (const name of ['red team', 'blue team']) {
    teams[name] = await new Parse.Object(Team).save({ name });
  }
  for (const [name, team] of [
    ['ann', 'red team'],
    ['bob', 'blue team'],
    ['cid', 'red team'],
  ]) {
    owners[name] = await new Parse.Object(Owner).save({ name, team: teams[team] });
  }
  const rows = [
    // name, n, tags, flag, cat, when, owner, score
    ['alpha', 1, ['red', 'green'], true, 'x', '2024-01-01', 'ann', 1.5],
    ['bravo', 2, ['green'], false, 'x', '2024-02-01', 'bob', 2.5],
    ['charlie', 3, ['blue', 'green', 'red'], true, 'y', '2024-03-01', 'ann', 0.5],
    ['delta', 4, [], false, 'y', '2024-04-01', 'cid', 4.5],
    ['Echo.1', 5, ['redwood'], true, 'z', '2024-05-01', null, 3.5],
    ['foxtrot', 6, ['yellow'], null, 'z', '2024-06-01', null, 5.5],
  ];
  for (const [name, n, tags, flag, cat, when, owner, score] of rows) {
    const item = new Parse.Object(Item);
    item.set({ name, n, tags, cat, when: day(when), score });
    if (flag !== null) item.set('flag', flag);
    if (owner) item.set('owner', owners[owner]);
    items[name] = await item.save();
    // Distinct createdAt values (millisecond resolution) for the createdAt ordering tests.
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  for (const [category, active] of [
    ['x', true],
    ['z', false],
  ]) {
    await new Parse.Object(Category).save({ category, active });
  }
  for (const body of ['The quick brown fox', 'Coffee and tea at noon', 'A morning coffee ritual']) {
    await new Parse.Object(Article).save({ body });
  }
});

after(dropClasses);

describe('comparison constraints', () => {
  test('equalTo on strings, numbers, booleans, dates and pointers', async () => {
    assert.deepEqual(await names(query().equalTo('cat', 'x')), ['alpha', 'bravo']);
    assert.deepEqual(await names(query().equalTo('n', 3)), ['charlie']);
    assert.deepEqual(await names(query().equalTo('flag', true)), ['Echo.1', 'alpha', 'charlie']);
    assert.deepEqual(await names(query().equalTo('when', day('2024-02-01'))), ['bravo']);
    assert.deepEqual(await names(query().equalTo('owner', owners.ann)), ['alpha', 'charlie']);
  });

  // equalTo(arrayField, value) matches arrays containing the value on Parse Server with MongoDB,
  // but Parse Server on PostgreSQL answers it with an internal error (code 1), so the SDK's
  // portable spellings are used for arrays: containedIn / containsAll (below).

  test('equalTo objectId', async () => {
    assert.deepEqual(await names(query().equalTo('objectId', items.delta.id)), ['delta']);
  });

  test('notEqualTo also matches objects without the field', async () => {
    assert.deepEqual(await names(query().notEqualTo('cat', 'x')), ['Echo.1', 'charlie', 'delta', 'foxtrot']);
    assert.deepEqual(await names(query().notEqualTo('flag', true)), ['bravo', 'delta', 'foxtrot']);
  });

  test('lessThan, lessThanOrEqualTo, greaterThan, greaterThanOrEqualTo on numbers', async () => {
    assert.deepEqual(await names(query().lessThan('n', 3)), ['alpha', 'bravo']);
    assert.deepEqual(await names(query().lessThanOrEqualTo('n', 3)), ['alpha', 'bravo', 'charlie']);
    assert.deepEqual(await names(query().greaterThan('n', 4)), ['Echo.1', 'foxtrot']);
    assert.deepEqual(await names(query().greaterThanOrEqualTo('n', 4)), ['Echo.1', 'delta', 'foxtrot']);
    assert.deepEqual(await names(query().greaterThan('score', 2).lessThan('score', 4)), ['Echo.1', 'bravo']);
  });

  test('range constraints on dates and on createdAt', async () => {
    assert.deepEqual(await names(query().lessThan('when', day('2024-03-01'))), ['alpha', 'bravo']);
    assert.deepEqual(
      await names(
        query().greaterThanOrEqualTo('when', day('2024-03-01')).lessThanOrEqualTo('when', day('2024-04-01')),
      ),
      ['charlie', 'delta'],
    );
    assert.deepEqual(await names(query().greaterThan('createdAt', items.delta.createdAt)), [
      'Echo.1',
      'foxtrot',
    ]);
  });

  test('containedIn and notContainedIn', async () => {
    assert.deepEqual(await names(query().containedIn('name', ['alpha', 'delta', 'zulu'])), [
      'alpha',
      'delta',
    ]);
    assert.deepEqual(await names(query().containedIn('n', [2, 6])), ['bravo', 'foxtrot']);
    assert.deepEqual(await names(query().containedIn('owner', [owners.bob, owners.cid])), ['bravo', 'delta']);
    assert.deepEqual(await names(query().notContainedIn('name', ['alpha', 'bravo', 'charlie'])), [
      'Echo.1',
      'delta',
      'foxtrot',
    ]);
  });

  test('containedIn on an array field matches any shared element', async () => {
    assert.deepEqual(await names(query().containedIn('tags', ['blue', 'redwood'])), ['Echo.1', 'charlie']);
  });

  test('containsAll, containsAllStartingWith and containedBy on arrays', async () => {
    assert.deepEqual(await names(query().containsAll('tags', ['red', 'green'])), ['alpha', 'charlie']);
    assert.deepEqual(await names(query().containsAllStartingWith('tags', ['re', 'gr'])), [
      'alpha',
      'charlie',
    ]);
    assert.deepEqual(await names(query().containsAllStartingWith('tags', ['red'])), [
      'Echo.1',
      'alpha',
      'charlie',
    ]);
    // Every item has a tags array (the empty one is contained by anything).
    assert.deepEqual(await names(query().containedBy('tags', ['red', 'green', 'blue'])), [
      'alpha',
      'bravo',
      'charlie',
      'delta',
    ]);
  });

  test('exists and doesNotExist', async () => {
    assert.deepEqual(await names(query().exists('owner')), ['alpha', 'bravo', 'charlie', 'delta']);
    assert.deepEqual(await names(query().doesNotExist('owner')), ['Echo.1', 'foxtrot']);
    assert.deepEqual(await names(query().doesNotExist('flag')), ['foxtrot']);
  });
});

describe('string constraints', () => {
  test('matches with a RegExp and with string modifiers', async () => {
    assert.deepEqual(await names(query().matches('name', /^[a-c]/)), ['alpha', 'bravo', 'charlie']);
    assert.deepEqual(await names(query().matches('name', /^ECHO/i)), ['Echo.1']);
    assert.deepEqual(await names(query().matches('name', '^ECHO')), []);
    assert.deepEqual(await names(query().matches('name', 'ALPHA|DELTA', 'i')), ['alpha', 'delta']);
    // x: whitespace in the pattern is ignored. (Parse Server on PostgreSQL supports the i and x
    // modifiers; m and s are MongoDB-only, so they are not exercised here.)
    assert.deepEqual(await names(query().matches('name', '^b r a v o$', 'x')), ['bravo']);
  });

  test('contains, startsWith and endsWith quote regex characters', async () => {
    assert.deepEqual(await names(query().contains('name', 'ar')), ['charlie']);
    assert.deepEqual(await names(query().contains('name', '.')), ['Echo.1']);
    assert.deepEqual(await names(query().startsWith('name', 'ch')), ['charlie']);
    assert.deepEqual(await names(query().startsWith('name', 'e')), []);
    assert.deepEqual(await names(query().startsWith('name', 'Echo.')), ['Echo.1']);
    assert.deepEqual(await names(query().endsWith('name', 'o')), ['bravo']);
    assert.deepEqual(await names(query().endsWith('name', '.1')), ['Echo.1']);
    assert.deepEqual(await names(query().endsWith('name', 'x1')), []);
  });

  test('fullText finds words in a text field', async () => {
    // $text works on both of Parse Server's adapters (MongoDB text index, PostgreSQL tsvector).
    const found = await new Parse.Query(Article).fullText('body', 'coffee').find();
    assert.deepEqual(sortedValues(found, 'body'), ['A morning coffee ritual', 'Coffee and tea at noon']);
    const none = await new Parse.Query(Article).fullText('body', 'zebra').find();
    assert.deepEqual(none, []);
  });
});

describe('subqueries', () => {
  test('matchesQuery and doesNotMatchQuery on a pointer', async () => {
    const annOrCid = new Parse.Query(Owner).containedIn('name', ['ann', 'cid']);
    assert.deepEqual(await names(query().matchesQuery('owner', annOrCid)), ['alpha', 'charlie', 'delta']);
    const ann = new Parse.Query(Owner).equalTo('name', 'ann');
    // Objects without the pointer: MongoDB's $nin matches them, PostgreSQL's NOT IN does not;
    // exists() keeps the assertion to what both adapters agree on.
    assert.deepEqual(await names(query().exists('owner').doesNotMatchQuery('owner', ann)), [
      'bravo',
      'delta',
    ]);
  });

  test('matchesQuery two levels deep', async () => {
    const redTeam = new Parse.Query(Team).equalTo('name', 'red team');
    const redOwners = new Parse.Query(Owner).matchesQuery('team', redTeam);
    assert.deepEqual(await names(query().matchesQuery('owner', redOwners)), ['alpha', 'charlie', 'delta']);
  });

  test('matchesKeyInQuery and doesNotMatchKeyInQuery', async () => {
    const active = new Parse.Query(Category).equalTo('active', true);
    assert.deepEqual(await names(query().matchesKeyInQuery('cat', 'category', active)), ['alpha', 'bravo']);
    assert.deepEqual(await names(query().doesNotMatchKeyInQuery('cat', 'category', active)), [
      'Echo.1',
      'charlie',
      'delta',
      'foxtrot',
    ]);
  });

  test('Parse.Query.or, and, nor', async () => {
    const inX = query().equalTo('cat', 'x');
    const big = query().greaterThan('n', 5);
    assert.deepEqual(await names(Parse.Query.or(inX, big)), ['alpha', 'bravo', 'foxtrot']);
    const red = query().containsAll('tags', ['red']);
    const small = query().lessThan('n', 3);
    assert.deepEqual(await names(Parse.Query.and(red, small)), ['alpha']);
    const inY = query().equalTo('cat', 'y');
    assert.deepEqual(await names(Parse.Query.nor(inX, inY)), ['Echo.1', 'foxtrot']);
  });

  test('or combined with an outer constraint', async () => {
    const inX = query().equalTo('cat', 'x');
    const inZ = query().equalTo('cat', 'z');
    const q = Parse.Query.or(inX, inZ).equalTo('flag', true);
    assert.deepEqual(await names(q), ['Echo.1', 'alpha']);
  });
});

describe('ordering, paging, projection', () => {
  test('ascending and descending', async () => {
    assert.deepEqual(await ordered(query().ascending('n')), [
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'Echo.1',
      'foxtrot',
    ]);
    assert.deepEqual(await ordered(query().descending('score')), [
      'foxtrot',
      'delta',
      'Echo.1',
      'bravo',
      'alpha',
      'charlie',
    ]);
    assert.deepEqual(await ordered(query().descending('createdAt')), [
      'foxtrot',
      'Echo.1',
      'delta',
      'charlie',
      'bravo',
      'alpha',
    ]);
  });

  test('addAscending and addDescending break ties in order', async () => {
    assert.deepEqual(await ordered(query().ascending('cat').addDescending('n')), [
      'bravo',
      'alpha',
      'delta',
      'charlie',
      'foxtrot',
      'Echo.1',
    ]);
    assert.deepEqual(await ordered(query().descending('cat').addAscending('n')), [
      'Echo.1',
      'foxtrot',
      'charlie',
      'delta',
      'alpha',
      'bravo',
    ]);
  });

  test('skip and limit', async () => {
    assert.deepEqual(await ordered(query().ascending('n').skip(2).limit(2)), ['charlie', 'delta']);
    assert.deepEqual(await ordered(query().ascending('n').limit(1)), ['alpha']);
    assert.deepEqual(await ordered(query().ascending('n').skip(5)), ['foxtrot']);
    assert.deepEqual(await ordered(query().ascending('n').skip(10)), []);
    assert.deepEqual(await query().limit(0).find(), []);
  });

  test('select returns only the chosen fields plus objectId and timestamps', async () => {
    const found = await query().select('name', 'n').equalTo('name', 'alpha').find();
    assert.equal(found.length, 1);
    const [alpha] = found;
    assert.equal(alpha.id, items.alpha.id);
    assert.equal(alpha.get('name'), 'alpha');
    assert.equal(alpha.get('n'), 1);
    assert.ok(alpha.createdAt instanceof Date);
    assert.ok(alpha.updatedAt instanceof Date);
    for (const key of ['tags', 'flag', 'cat', 'when', 'owner', 'score']) {
      assert.equal(alpha.has(key), false, key);
    }
  });

  test('exclude omits the named fields', async () => {
    const [alpha] = await query().exclude('tags', 'owner').equalTo('name', 'alpha').find();
    assert.equal(alpha.has('tags'), false);
    assert.equal(alpha.has('owner'), false);
    assert.equal(alpha.get('name'), 'alpha');
    assert.equal(alpha.get('cat'), 'x');
    assert.equal(alpha.id, items.alpha.id);
  });
});

describe('include', () => {
  test('a pointer is returned unfetched without include', async () => {
    const alpha = await query().get(items.alpha.id);
    const owner = alpha.get('owner');
    assert.equal(owner.id, owners.ann.id);
    assert.equal(owner.className, Owner);
    assert.equal(owner.isDataAvailable(), false);
  });

  test('include fetches the pointed-to object', async () => {
    const found = await query().include('owner').ascending('n').find();
    assert.deepEqual(
      found.map((item) => item.get('owner')?.get('name')),
      ['ann', 'bob', 'ann', 'cid', undefined, undefined],
    );
    assert.equal(found[0].get('owner').isDataAvailable(), true);
  });

  test('nested include fetches a pointer of a pointer', async () => {
    const alpha = await query().include('owner.team').get(items.alpha.id);
    assert.equal(alpha.get('owner').get('name'), 'ann');
    assert.equal(alpha.get('owner').get('team').get('name'), 'red team');
    const bravo = await query().include(['owner', 'owner.team']).get(items.bravo.id);
    assert.equal(bravo.get('owner').get('team').get('name'), 'blue team');
  });

  test('select with a dotted key includes only that field of the pointer', async () => {
    const alpha = await query().select('name', 'owner.name').get(items.alpha.id);
    assert.equal(alpha.get('name'), 'alpha');
    assert.equal(alpha.has('n'), false);
    const owner = alpha.get('owner');
    assert.equal(owner.get('name'), 'ann');
    assert.equal(owner.has('team'), false);
  });
});

describe('query verbs', () => {
  test('count, with and without constraints', async () => {
    assert.equal(await query().count(), 6);
    assert.equal(await query().equalTo('flag', true).count(), 3);
    assert.equal(await query().equalTo('cat', 'nope').count(), 0);
    // skip and limit do not change a count.
    assert.equal(await query().skip(4).limit(1).count(), 6);
  });

  test('withCount returns the page and the total', async () => {
    const { results, count } = await query().ascending('n').limit(2).withCount().find();
    assert.equal(count, 6);
    assert.deepEqual(values(results), ['alpha', 'bravo']);
  });

  test('first returns one object, or undefined when nothing matches', async () => {
    const first = await query().descending('n').first();
    assert.equal(first.get('name'), 'foxtrot');
    assert.equal(await query().equalTo('cat', 'nope').first(), undefined);
  });

  test('get returns the object, and fails with 101 when it does not match', async () => {
    const delta = await query().get(items.delta.id);
    assert.equal(delta.get('name'), 'delta');
    assert.equal(delta.get('n'), 4);
    await rejectsWithCode(query().equalTo('cat', 'x').get(items.delta.id), Parse.Error.OBJECT_NOT_FOUND);
    await rejectsWithCode(query().get('doesNotExist'), Parse.Error.OBJECT_NOT_FOUND);
  });

  test('find on an unknown class returns no results', async () => {
    const ghost = uniqueClass('E2EGhost');
    assert.deepEqual(await new Parse.Query(ghost).find(), []);
    assert.equal(await new Parse.Query(ghost).count(), 0);
  });

  test('each visits every match once, in batches', async () => {
    const seen = [];
    await query().each((item) => seen.push(item.get('name')), { batchSize: 2 });
    assert.deepEqual(seen.sort(), ALL);
    const flagged = [];
    await query()
      .equalTo('flag', true)
      .each((item) => flagged.push(item.get('name')));
    assert.deepEqual(flagged.sort(), ['Echo.1', 'alpha', 'charlie']);
  });

  test('distinct (master key) returns each value once', async () => {
    const cats = await query().distinct('cat');
    assert.deepEqual([...cats].sort(), ['x', 'y', 'z']);
    const flaggedCats = await query().equalTo('flag', false).distinct('cat');
    assert.deepEqual([...flaggedCats].sort(), ['x', 'y']);
  });

  test('aggregate (master key): $group with $sum', async () => {
    const groups = await query().aggregate([{ $group: { _id: '$cat', total: { $sum: '$n' } } }]);
    const byCat = Object.fromEntries(groups.map((g) => [g.objectId, g.total]));
    assert.deepEqual(byCat, { x: 3, y: 7, z: 11 });
  });

  test('aggregate (master key): $match, $sort, $limit, $project', async () => {
    const rows = await query().aggregate([
      { $match: { n: { $gt: 2 } } },
      { $sort: { n: -1 } },
      { $limit: 2 },
      { $project: { name: 1 } },
    ]);
    assert.deepEqual(
      rows.map((r) => r.name),
      ['foxtrot', 'Echo.1'],
    );
    // $project keeps objectId on MongoDB; on PostgreSQL it comes back null, so it is not checked.
    assert.equal(rows[0].n, undefined);
    assert.deepEqual(Object.keys(rows[0]).sort(), ['name', 'objectId']);
  });

  test('aggregate with a query constraint prepends it as $match', async () => {
    const groups = await query()
      .equalTo('flag', true)
      .aggregate([{ $group: { _id: '$cat', total: { $sum: '$n' }, count: { $sum: 1 } } }]);
    const byCat = Object.fromEntries(groups.map((g) => [g.objectId, [g.total, g.count]]));
    assert.deepEqual(byCat, { x: [1, 1], y: [3, 1], z: [5, 1] });
  });

  test('aggregate (master key): $avg, $min, $max per group', async () => {
    const groups = await query().aggregate([
      { $group: { _id: '$cat', avg: { $avg: '$score' }, low: { $min: '$n' }, high: { $max: '$n' } } },
    ]);
    const byCat = Object.fromEntries(groups.map((g) => [g.objectId, [g.avg, g.low, g.high]]));
    assert.deepEqual(byCat, { x: [2, 1, 2], y: [2.5, 3, 4], z: [4.5, 5, 6] });
  });
});
