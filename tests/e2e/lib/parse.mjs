// Shared set-up for the SDK scenarios: one initialised Parse SDK per node process,
// unique class names per run, ParseError assertions and clean-up of what a run created.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

// CommonJS resolution of 'parse/node' works for SDK 5.x-6.x (no exports map) and 7.x+ (exports map).
const Parse = createRequire(import.meta.url)('parse/node');

const REQUIRED = ['SERVER_URL', 'APP_ID', 'MASTER_KEY', 'JS_KEY'];
const missing = REQUIRED.filter((name) => !process.env[name]);
if (missing.length) {
  throw new Error(
    `missing environment: ${missing.join(', ')} ` +
      '(e.g. SERVER_URL=http://localhost:1338/1 APP_ID=test MASTER_KEY=test JS_KEY=test)',
  );
}

Parse.initialize(process.env.APP_ID, process.env.JS_KEY, process.env.MASTER_KEY);
Parse.serverURL = process.env.SERVER_URL;

export { Parse };

/** Master-key request options: only for what a real app does with the master key. */
export const MASTER = Object.freeze({ useMasterKey: true });

const created = new Set();

/** A class name no other run uses, e.g. `E2EItem_k3j9x2q0`; removed by `dropClasses`. */
export function uniqueClass(prefix) {
  const suffix = randomBytes(6).toString('hex');
  const name = `${prefix}_${suffix}`;
  created.add(name);
  return name;
}

/** Purges and drops every class `uniqueClass` handed out (best effort, master key). */
export async function dropClasses() {
  for (const name of created) {
    const schema = new Parse.Schema(name);
    try {
      await schema.purge();
      await schema.delete();
    } catch (error) {
      // Clean-up is hygiene, not the behaviour under test; report and go on.
      if (error?.code !== Parse.Error.INVALID_CLASS_NAME) {
        console.error(`# clean-up of ${name} failed: ${error?.code} ${error?.message}`);
      }
    }
  }
  created.clear();
}

/** Awaits `action` (a promise or a function returning one) and asserts it fails with `code`. */
export async function rejectsWithCode(action, code, message) {
  const promise = typeof action === 'function' ? action() : action;
  let error;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  assert.ok(error, `expected ParseError ${code}, but the call succeeded`);
  assert.ok(error instanceof Parse.Error, `expected a Parse.Error, got ${error}`);
  assert.equal(error.code, code, `expected code ${code}, got ${error.code}: ${error.message}`);
  if (message instanceof RegExp) {
    assert.match(error.message, message);
  } else if (message !== undefined) {
    assert.equal(error.message, message);
  }
  return error;
}

/** Sorted values of `key` from a list of Parse.Objects, to compare result sets. */
export function sortedValues(objects, key = 'name') {
  return objects.map((o) => o.get(key)).sort();
}

/** Values of `key` in result order. */
export function values(objects, key = 'name') {
  return objects.map((o) => o.get(key));
}

/** A blank local handle on a stored object: no local attributes, so reads show server echoes. */
export function handleOf(className, objectId) {
  return Parse.Object.extend(className).createWithoutData(objectId);
}
