// Error paths: the Parse error codes the SDK surfaces as error.code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Parse, dropClasses, handleOf, rejectsWithCode, uniqueClass } from '../lib/parse.mjs';

const Doc = uniqueClass('E2EDoc');
const Other = uniqueClass('E2EOther');
const { OBJECT_NOT_FOUND, INVALID_KEY_NAME, INCORRECT_TYPE, INVALID_NESTED_KEY } = Parse.Error;
const NOT_FOUND = 'Object not found.';

let doc;
let other;

before(async () => {
  other = await new Parse.Object(Other).save({ label: 'other' });
  doc = await new Parse.Object(Doc).save({ n: 1, s: 'text', when: new Date(0), owner: other });
});

after(dropClasses);

describe('101 object not found', () => {
  test('get of a missing id', async () => {
    await rejectsWithCode(new Parse.Query(Doc).get('missing000'), OBJECT_NOT_FOUND, NOT_FOUND);
  });

  test('get on a class that does not exist', async () => {
    await rejectsWithCode(
      new Parse.Query(uniqueClass('E2ENone')).get('missing000'),
      OBJECT_NOT_FOUND,
      NOT_FOUND,
    );
  });

  test('fetch, update and destroy of a missing object', async () => {
    await rejectsWithCode(handleOf(Doc, 'missing000').fetch(), OBJECT_NOT_FOUND, NOT_FOUND);
    const update = handleOf(Doc, 'missing000');
    update.set('s', 'x');
    await rejectsWithCode(update.save(), OBJECT_NOT_FOUND, NOT_FOUND);
    await rejectsWithCode(handleOf(Doc, 'missing000').destroy(), OBJECT_NOT_FOUND, NOT_FOUND);
  });

  test('operations on a destroyed object', async () => {
    const gone = await new Parse.Object(Doc).save({ s: 'soon gone' });
    await gone.destroy();
    await rejectsWithCode(handleOf(Doc, gone.id).fetch(), OBJECT_NOT_FOUND);
    await rejectsWithCode(handleOf(Doc, gone.id).destroy(), OBJECT_NOT_FOUND);
  });
});

describe('105 invalid field name', () => {
  for (const name of ['bad-name', '1abc', 'a b', '_private']) {
    test(`saving a field named ${JSON.stringify(name)}`, async () => {
      await rejectsWithCode(new Parse.Object(Doc).save({ [name]: 1 }), INVALID_KEY_NAME);
    });
  }

  test('querying on an invalid key name', async () => {
    await rejectsWithCode(new Parse.Query(Doc).equalTo('bad-key', 1).find(), INVALID_KEY_NAME);
    await rejectsWithCode(new Parse.Query(Doc).equalTo('$where', 'true').find(), INVALID_KEY_NAME);
  });

  test('querying a field the class does not have is not an error', async () => {
    assert.deepEqual(await new Parse.Query(Doc).equalTo('noSuchField', 1).find(), []);
  });
});

describe('121 invalid nested key', () => {
  test('keys inside an Object value may not contain $ or .', async () => {
    await rejectsWithCode(new Parse.Object(Doc).save({ meta: { $bad: 1 } }), INVALID_NESTED_KEY);
    await rejectsWithCode(new Parse.Object(Doc).save({ meta: { 'a.b': 1 } }), INVALID_NESTED_KEY);
  });
});

describe('111 type mismatch', () => {
  const mismatch = (field, expected, got) =>
    `schema mismatch for ${Doc}.${field}; expected ${expected} but got ${got}`;

  test('a value of another type than the field has', async () => {
    await rejectsWithCode(
      new Parse.Object(Doc).save({ n: 'str' }),
      INCORRECT_TYPE,
      mismatch('n', 'Number', 'String'),
    );
    await rejectsWithCode(
      new Parse.Object(Doc).save({ s: true }),
      INCORRECT_TYPE,
      mismatch('s', 'String', 'Boolean'),
    );
    await rejectsWithCode(
      new Parse.Object(Doc).save({ s: [1] }),
      INCORRECT_TYPE,
      mismatch('s', 'String', 'Array'),
    );
    await rejectsWithCode(
      new Parse.Object(Doc).save({ n: new Date() }),
      INCORRECT_TYPE,
      mismatch('n', 'Number', 'Date'),
    );
    await rejectsWithCode(
      new Parse.Object(Doc).save({ when: 5 }),
      INCORRECT_TYPE,
      mismatch('when', 'Date', 'Number'),
    );
  });

  test('a pointer to another class than the field points to', async () => {
    await rejectsWithCode(
      new Parse.Object(Doc).save({ owner: doc }),
      INCORRECT_TYPE,
      mismatch('owner', `Pointer<${Other}>`, `Pointer<${Doc}>`),
    );
  });

  test('an update operator that does not fit the field type', async () => {
    const inc = handleOf(Doc, doc.id);
    inc.increment('s');
    await rejectsWithCode(inc.save(), INCORRECT_TYPE, mismatch('s', 'String', 'Number'));
    const add = handleOf(Doc, doc.id);
    add.add('n', 1);
    await rejectsWithCode(add.save(), INCORRECT_TYPE, mismatch('n', 'Number', 'Array'));
  });

  test('a failed save leaves the stored object unchanged', async () => {
    const change = handleOf(Doc, doc.id);
    change.set({ s: 'changed', n: 'not a number' });
    await rejectsWithCode(change.save(), INCORRECT_TYPE);
    const stored = await handleOf(Doc, doc.id).fetch();
    assert.equal(stored.get('s'), 'text');
    assert.equal(stored.get('n'), 1);
  });
});
