// Relations (relation.add/remove, relation.query(), relatedTo) and pointers with include.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Parse, dropClasses, handleOf, sortedValues, uniqueClass } from '../lib/parse.mjs';

const Post = uniqueClass('E2EPost');
const Person = uniqueClass('E2EPerson');
const Pet = uniqueClass('E2EPet');

after(dropClasses);

const people = {};

before(async () => {
  const rex = await new Parse.Object(Pet).save({ name: 'rex' });
  for (const [name, age] of [
    ['ann', 30],
    ['bob', 40],
    ['cid', 50],
    ['dee', 60],
  ]) {
    const person = new Parse.Object(Person);
    person.set({ name, age });
    if (name === 'ann') person.set('pet', rex);
    people[name] = await person.save();
  }
});

describe('relations', () => {
  test('relation.add then relation.query() returns the related objects', async () => {
    const post = await new Parse.Object(Post).save({ title: 'hello' });
    post.relation('likers').add([people.ann, people.bob, people.cid]);
    await post.save();
    const likers = await post.relation('likers').query().find();
    assert.deepEqual(sortedValues(likers), ['ann', 'bob', 'cid']);
    assert.ok(likers.every((p) => p.className === Person));
  });

  test('a relation can be added before the first save', async () => {
    const post = new Parse.Object(Post);
    post.set('title', 'created with relation');
    post.relation('likers').add(people.dee);
    await post.save();
    assert.deepEqual(sortedValues(await post.relation('likers').query().find()), ['dee']);
  });

  test('relation.remove removes only the given objects', async () => {
    const post = await new Parse.Object(Post).save({ title: 'remove' });
    post.relation('likers').add([people.ann, people.bob, people.cid]);
    await post.save();
    post.relation('likers').remove(people.bob);
    await post.save();
    assert.deepEqual(sortedValues(await post.relation('likers').query().find()), ['ann', 'cid']);
    post.relation('likers').remove([people.ann, people.cid]);
    await post.save();
    assert.deepEqual(await post.relation('likers').query().find(), []);
  });

  test('adding the same object twice keeps one link', async () => {
    const post = await new Parse.Object(Post).save({ title: 'twice' });
    post.relation('likers').add(people.ann);
    await post.save();
    post.relation('likers').add(people.ann);
    await post.save();
    assert.equal(await post.relation('likers').query().count(), 1);
  });

  test('a fetched object exposes the relation with its target class', async () => {
    const post = await new Parse.Object(Post).save({ title: 'fetched' });
    post.relation('likers').add(people.ann);
    await post.save();
    const copy = await handleOf(Post, post.id).fetch();
    const relation = copy.get('likers');
    assert.ok(relation instanceof Parse.Relation);
    assert.equal(relation.targetClassName, Person);
    assert.deepEqual(sortedValues(await copy.relation('likers').query().find()), ['ann']);
  });

  test('relation.query() takes further constraints, ordering and count', async () => {
    const post = await new Parse.Object(Post).save({ title: 'constrained' });
    post.relation('likers').add([people.ann, people.bob, people.cid, people.dee]);
    await post.save();
    const older = post.relation('likers').query().greaterThan('age', 35).descending('age');
    assert.deepEqual(
      (await older.find()).map((p) => p.get('name')),
      ['dee', 'cid', 'bob'],
    );
    assert.equal(await post.relation('likers').query().count(), 4);
    assert.equal(await post.relation('likers').query().lessThan('age', 45).count(), 2);
  });

  // The JS SDK has no query.relatedTo(); relation.query() sends {"$relatedTo": {object, key}},
  // which is what the iOS/Android SDKs' whereRelatedTo sends too. Build it explicitly here.
  const relatedTo = (parent, key) =>
    Parse.Query.fromJSON(Person, { where: { $relatedTo: { object: parent.toPointer(), key } } });

  test('$relatedTo queries the target class for one parent', async () => {
    const first = await new Parse.Object(Post).save({ title: 'first' });
    const second = await new Parse.Object(Post).save({ title: 'second' });
    first.relation('likers').add([people.ann, people.bob]);
    second.relation('likers').add([people.cid]);
    await Parse.Object.saveAll([first, second]);
    assert.deepEqual(sortedValues(await relatedTo(first, 'likers').find()), ['ann', 'bob']);
    assert.deepEqual(sortedValues(await relatedTo(second, 'likers').find()), ['cid']);
    const olderOfFirst = relatedTo(first, 'likers').greaterThan('age', 35);
    assert.deepEqual(sortedValues(await olderOfFirst.find()), ['bob']);
    assert.equal(await relatedTo(first, 'likers').count(), 2);
  });

  test('equalTo on a relation field finds the parents that hold the object', async () => {
    const a = await new Parse.Object(Post).save({ title: 'by-member-a' });
    const b = await new Parse.Object(Post).save({ title: 'by-member-b' });
    a.relation('fans').add([people.ann, people.bob]);
    b.relation('fans').add([people.bob]);
    await Parse.Object.saveAll([a, b]);
    const withAnn = await new Parse.Query(Post).equalTo('fans', people.ann).find();
    assert.deepEqual(sortedValues(withAnn, 'title'), ['by-member-a']);
    const withBob = await new Parse.Query(Post).equalTo('fans', people.bob).find();
    assert.deepEqual(sortedValues(withBob, 'title'), ['by-member-a', 'by-member-b']);
  });

  test('include works inside a relation query', async () => {
    const post = await new Parse.Object(Post).save({ title: 'include-in-relation' });
    post.relation('likers').add([people.ann]);
    await post.save();
    const [ann] = await post.relation('likers').query().include('pet').find();
    assert.equal(ann.get('pet').get('name'), 'rex');
  });
});

describe('pointers with include', () => {
  test('include resolves a pointer; without include only the pointer comes back', async () => {
    const post = await new Parse.Object(Post).save({ title: 'authored', author: people.ann });
    const plain = await new Parse.Query(Post).get(post.id);
    assert.equal(plain.get('author').id, people.ann.id);
    assert.equal(plain.get('author').get('name'), undefined);
    const included = await new Parse.Query(Post).include('author').get(post.id);
    assert.equal(included.get('author').get('name'), 'ann');
    assert.equal(included.get('author').get('age'), 30);
  });

  test('nested include resolves a pointer of a pointer', async () => {
    const post = await new Parse.Object(Post).save({ title: 'nested', author: people.ann });
    const found = await new Parse.Query(Post).include('author.pet').get(post.id);
    assert.equal(found.get('author').get('pet').get('name'), 'rex');
  });

  test('include resolves an array of pointers in order', async () => {
    const post = await new Parse.Object(Post).save({
      title: 'with array',
      readers: [people.cid, people.ann, people.bob],
    });
    const found = await new Parse.Query(Post).include('readers').get(post.id);
    assert.deepEqual(
      found.get('readers').map((p) => p.get('name')),
      ['cid', 'ann', 'bob'],
    );
  });

  test('fetchWithInclude resolves pointers on fetch', async () => {
    const post = await new Parse.Object(Post).save({ title: 'fetch-include', author: people.bob });
    const copy = await handleOf(Post, post.id).fetchWithInclude(['author']);
    assert.equal(copy.get('author').get('name'), 'bob');
  });

  test('querying by pointer equality and by containedIn of pointers', async () => {
    const a = await new Parse.Object(Post).save({ title: 'ptr-a', editor: people.cid });
    await new Parse.Object(Post).save({ title: 'ptr-b', editor: people.dee });
    const byCid = await new Parse.Query(Post).equalTo('editor', people.cid).find();
    assert.deepEqual(
      byCid.map((p) => p.id),
      [a.id],
    );
    const either = await new Parse.Query(Post).containedIn('editor', [people.cid, people.dee]).find();
    assert.deepEqual(sortedValues(either, 'title'), ['ptr-a', 'ptr-b']);
  });
});
