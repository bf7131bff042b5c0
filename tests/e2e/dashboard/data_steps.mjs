// The data browser as an admin fills it: columns of every type, rows added, edited and deleted, users,
// filters; each checks its effect through the REST API. They work on a class of their own (made by
// addColumns), so that its columns (a Relation shows in every object) leave the createClass step's class,
// which admin_steps.mjs asserts exactly, as it was.
import {
  applyFilters, createClassInBrowser, deleteRow, filterPopover, gridRow, gridRows, openPage, pickOption, removeFilter,
  saved, scrollGrid, setFilter, shownColumn, toggleCell, typeGeoPoint, typeInto,
} from './data_browser.mjs';

/** The types the "Add a new column" dialog offers; `a<Type>` names the column of each. */
const COLUMN_TYPES = ['String', 'Number', 'Boolean', 'Date', 'Object', 'Array', 'GeoPoint', 'Polygon', 'File',
                      'Pointer', 'Relation'];

/** The data browser of `className`, once its rows (or "No data to display") have loaded. */
async function openClass(ctx, className) {
  await openPage(ctx, `browser/${className}`);
  await ctx.page.getByText(/^\d+ objects? •/).waitFor();
}

/** A class made with "Create a class", then "Add a new column" with "Add & continue" once per type offered
 * (Pointer and Relation to _User). */
async function addColumns(ctx, assert) {
  const { page } = ctx;
  const className = `DashData${ctx.stamp}`;
  await createClassInBrowser(ctx, className);
  await page.getByText('Add a new column').click();
  for (const [index, type] of COLUMN_TYPES.entries()) {
    await pickOption(page, 0, type);
    if (type === 'Pointer' || type === 'Relation') await pickOption(page, 1, '_User');
    await page.getByPlaceholder('Give it a good name...').fill(`a${type}`);
    const last = index === COLUMN_TYPES.length - 1;
    await page.getByRole('button', { name: last ? 'Add' : 'Add & continue', exact: true }).click();
    await page.getByText(`a${type}`, { exact: true }).first().waitFor();
  }
  await scrollGrid(page, true);  // the Pointer and Relation columns, with their target class
  await ctx.shot('columns-added');
  const { status, body } = await ctx.rest('GET', `/schemas/${className}`);
  assert.equal(status, 200);
  // The dialog sends `required: false` with each field; Parse Server keeps field options and answers them.
  const added = Object.fromEntries(COLUMN_TYPES.map((type) => [`a${type}`, { type, required: false }]));
  added.aPointer.targetClass = '_User';
  added.aRelation.targetClass = '_User';
  assert.deepEqual(body.fields, {
    objectId: { type: 'String' }, createdAt: { type: 'Date' }, updatedAt: { type: 'Date' }, ACL: { type: 'ACL' },
    ...added,
  });
  ctx.state.dataClass = className;
}

/** Toolbar "Add Row", `values` typed into their cells ({column: text}), then "Add"; answers the new objectId. */
async function addRow(ctx, className, values) {
  const { page } = ctx;
  await page.getByText('Add Row', { exact: true }).click();
  const row = gridRows(page).first();
  for (const [column, text] of Object.entries(values)) await typeInto(page, row, column, text);
  const answer = await saved(page, className, () => page.getByRole('button', { name: 'Add', exact: true }).click());
  const { objectId } = await answer.json();
  await gridRow(page, objectId).waitFor();
  return objectId;
}

/** "Add Row" twice; the first row's cells of every editable type edited in place (each saved on Enter), the
 * second deleted (Edit → Delete this row): REST reads back exactly those values, and a 404. */
async function rows(ctx, assert) {
  const { page } = ctx;
  const className = ctx.state.dataClass;
  assert.ok(className, 'the addColumns step runs first');
  const user = await ctx.rest('POST', '/users', { username: `pointee${ctx.stamp}`, password: 'pw' });
  assert.equal(user.status, 201);
  await openClass(ctx, className);
  const kept = await addRow(ctx, className, { aString: 'first', aNumber: '7' });
  const doomed = await addRow(ctx, className, { aString: 'doomed' });
  const row = gridRow(page, kept);
  const edits = [
    () => typeInto(page, row, 'aString', 'edited in place'),
    () => typeInto(page, row, 'aNumber', '43.5'),
    () => toggleCell(page, row, 'aBoolean'),
    () => typeInto(page, row, 'aDate', '2026-03-04T05:06:07.890Z'),
    () => typeInto(page, row, 'aPointer', user.body.objectId),
    () => typeInto(page, row, 'aObject', '{"nested": {"n": 1}, "list": [true]}'),
    () => typeInto(page, row, 'aArray', '[1, "two", {"three": 3}]'),
    () => typeGeoPoint(page, row, 'aGeoPoint', 48.85, 2.35),
    () => typeInto(page, row, 'aPolygon', '[[48.85, 2.35], [48.86, 2.36], [48.87, 2.34]]'),
  ];
  for (const edit of edits) assert.equal((await saved(page, className, edit)).status(), 200);
  await deleteRow(page, className, gridRow(page, doomed));
  await gridRow(page, doomed).waitFor({ state: 'detached' });
  await scrollGrid(page);
  await ctx.shot('rows-edited');
  const { status, body: { createdAt, updatedAt, ...stored } } = await ctx.rest('GET', `/classes/${className}/${kept}`);
  assert.equal(status, 200);
  assert.deepEqual(stored, {
    objectId: kept, aString: 'edited in place', aNumber: 43.5, aBoolean: true,
    aDate: { __type: 'Date', iso: '2026-03-04T05:06:07.890Z' },
    aPointer: { __type: 'Pointer', className: '_User', objectId: user.body.objectId },
    aObject: { nested: { n: 1 }, list: [true] },
    aArray: [1, 'two', { three: 3 }],
    aGeoPoint: { __type: 'GeoPoint', latitude: 48.85, longitude: 2.35 },
    // Parse Server stores a polygon's ring closed and answers it so.
    aPolygon: { __type: 'Polygon', coordinates: [[48.85, 2.35], [48.86, 2.36], [48.87, 2.34], [48.85, 2.35]] },
    aRelation: { __type: 'Relation', className: '_User' },  // no ACL: the dashboard's "Add" sends none
  });
  assert.ok(updatedAt > createdAt, 'the edits moved updatedAt');
  assert.deepEqual(await ctx.rest('GET', `/classes/${className}/${doomed}`),
    { status: 404, body: { code: 101, error: 'Object not found.' } });
}

/** A REST call as an app would make it: the application id and REST API key, no master key. */
async function clientRest(ctx, method, path, body) {
  const response = await fetch(`${ctx.server}${path}`, {
    method,
    headers: { 'X-Parse-Application-Id': ctx.appId, 'X-Parse-REST-API-Key': 'rest',
               'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** _User: "Add Row" with username, password and email (POST /users), the email edited in place, a second
 * user added and deleted; the first logs in with that password, the second is gone. */
async function users(ctx, assert) {
  const { page } = ctx;
  const username = `dashUser${ctx.stamp}`;
  const email = `dash${ctx.stamp}@example.test`;
  await openClass(ctx, '_User');
  const kept = await addRow(ctx, '_User', { username, password: 's3cret pass', email: 'first@example.test' });
  const doomed = await addRow(ctx, '_User', { username: `doomed${ctx.stamp}`, password: 'doomed pass' });
  const edit = await saved(page, '_User', () => typeInto(page, gridRow(page, kept), 'email', email));
  assert.equal(edit.status(), 200);
  await deleteRow(page, '_User', gridRow(page, doomed));
  await gridRow(page, doomed).waitFor({ state: 'detached' });
  await ctx.shot('users');
  const login = await clientRest(ctx, 'POST', '/login', { username, password: 's3cret pass' });
  assert.equal(login.status, 200);
  assert.equal(login.body.objectId, kept);
  assert.equal(login.body.email, email);
  assert.match(login.body.sessionToken, /^r:[0-9a-f]{32}$/);
  assert.deepEqual(await clientRest(ctx, 'POST', '/login', { username: `doomed${ctx.stamp}`, password: 'doomed pass' }),
    { status: 404, body: { code: 101, error: 'Invalid username/password.' } });
  assert.deepEqual(await ctx.rest('GET', `/users/${doomed}`),
    { status: 404, body: { code: 101, error: 'Object not found.' } });
}

/** The objectIds of `className`'s objects matching `where`, through REST, sorted. */
async function restObjectIds(ctx, className, where) {
  const query = encodeURIComponent(JSON.stringify(where));
  const { status, body } = await ctx.rest('GET', `/classes/${className}?where=${query}`);
  if (status !== 200) throw new Error(`GET /classes/${className} answered ${status} ${JSON.stringify(body)}`);
  return body.results.map((object) => object.objectId).sort();
}

/** The grid's `column` texts, sorted, once it shows `count` rows (polled every 100 ms for 5 s). */
async function shownSorted(page, count, column) {
  let shown = [];
  for (let i = 0; i < 50 && shown.length !== count; i++) {
    await page.waitForTimeout(100);
    shown = await shownColumn(page, column).catch(() => []);  // the column appears with the new rows
  }
  return shown.sort();
}

/** Filter: aString "equals", then also aNumber "greater than", then Clear, then aString "starts with" alone;
 * each time the grid shows exactly the objects REST answers for the equivalent where. Last, aString "unique"
 * lists what REST's distinct answers. */
async function filters(ctx, assert) {
  const { page } = ctx;
  const className = ctx.state.dataClass;
  assert.ok(className, 'the addColumns step runs first');
  const seeds = [['apple', 1], ['apple', 5], ['apple', 9], ['apricot', 7], ['Apple', 8], [undefined, 6]];
  const batch = await ctx.rest('POST', '/batch', { requests: seeds.map(([aString, aNumber]) => (
    { method: 'POST', path: `/1/classes/${className}`, body: { aString, aNumber } })) });
  assert.equal(batch.status, 200);
  const ids = batch.body.map((answer) => answer.success.objectId);
  /** The grid shows what REST finds for `where`: the seeds numbered `expected` (all objects: null). */
  const shows = async (where, expected, what) => {
    const fromRest = await restObjectIds(ctx, className, where);
    if (expected) assert.deepEqual(fromRest, expected.map((i) => ids[i]).sort(), `REST ${JSON.stringify(where)}`);
    assert.deepEqual(await shownSorted(page, fromRest.length), fromRest, `the grid for ${what}`);
  };
  await openClass(ctx, className);
  await setFilter(page, 0, 'aString', 'equals', 'apple');
  assert.equal((await applyFilters(page, className)).status(), 200);
  await shows({ aString: 'apple' }, [0, 1, 2], 'aString equals apple');
  await setFilter(page, 1, 'aNumber', 'greater than', '4');
  assert.equal((await applyFilters(page, className)).status(), 200);
  await shows({ aString: 'apple', aNumber: { $gt: 4 } }, [1, 2], 'aString equals apple, aNumber greater than 4');
  await ctx.shot('filters-two');
  await (await filterPopover(page)).getByRole('button', { name: 'Clear', exact: true }).click();
  await shows({}, null, 'no filter');
  await removeFilter(page, 1);
  await setFilter(page, 0, 'aString', 'starts with', 'ap');
  assert.equal((await applyFilters(page, className)).status(), 200);
  await shows({ aString: { $regex: '^ap' } }, [0, 1, 2, 3], 'aString starts with ap');
  await ctx.shot('filters-starts-with');
  await setFilter(page, 0, 'aString', 'unique');
  assert.equal((await applyFilters(page, className)).status(), 200);
  const distinct = await ctx.rest('GET', `/aggregate/${className}?distinct=aString`);
  assert.equal(distinct.status, 200);
  const all = (await ctx.rest('GET', `/classes/${className}?limit=1000`)).body.results;
  const values = [...new Set(all.map((object) => object.aString).filter((value) => value !== undefined))].sort();
  assert.deepEqual(distinct.body.results.sort(), values);
  assert.deepEqual(await shownSorted(page, values.length, 'aString'), values, 'the grid for aString unique');
  await ctx.shot('filters-unique');
}

export const dataSteps = { addColumns, rows, users, filters };
