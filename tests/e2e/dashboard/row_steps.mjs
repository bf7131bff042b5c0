// The data browser's row and class actions: a file uploaded into a File cell, a relation viewed with rows
// attached and detached, rows cloned, a column and all rows deleted, the class deleted; each checks its
// effect through the REST API. They run after admin_steps.mjs on classes of their own (dataSteps' class for
// the File and Relation columns, one made here for the destructive Edit menu actions).
import { answered, cell, gridRow, openPage, pickOption, saved, scrollGrid } from './data_browser.mjs';

/** The data browser of `className`, once its rows (or "No data to display") have loaded. */
async function openClass(ctx, className) {
  await openPage(ctx, `browser/${className}`);
  await ctx.page.getByText(/^\d+ objects? •/).waitFor();
}

/** Ticks the check box of each of `rows` (gridRow locators), then the toolbar's Edit → `item`. */
async function editMenu(page, rows, item) {
  for (const row of rows) await row.locator('input[type=checkbox]').check();
  await page.getByText('Edit', { exact: true }).click();
  await page.getByText(item, { exact: true }).click();
}

/** A REST GET answered 200; answers its body. */
async function restGet(ctx, assert, path) {
  const { status, body } = await ctx.rest('GET', path);
  assert.equal(status, 200, `GET ${path} answered ${status} ${JSON.stringify(body)}`);
  return body;
}

/** Double-click on a File cell, a file picked (POST /files/<name>, then the row saved): REST answers the
 * file pointer, and its url serves the bytes. */
async function fileUpload(ctx, assert) {
  const { page } = ctx;
  const className = ctx.state.dataClass;
  assert.ok(className, 'the addColumns step runs first');
  const created = await ctx.rest('POST', `/classes/${className}`, { aString: 'with a file' });
  assert.equal(created.status, 201);
  const { objectId } = created.body;
  const bytes = Buffer.from(`uploaded from the dashboard ${ctx.stamp}\n`);
  await openClass(ctx, className);
  await (await cell(page, gridRow(page, objectId), 'aFile')).dblclick();
  const upload = answered(page, 'POST', '/files/notes.txt');
  const save = await saved(page, className, () => page.locator('#fileInput').setInputFiles(
    { name: 'notes.txt', mimeType: 'text/plain', buffer: bytes }));
  assert.equal((await upload).status(), 201);
  assert.equal(save.status(), 200);
  await gridRow(page, objectId).getByText(/notes\.txt$/).waitFor();
  await ctx.shot('file-uploaded');
  const { aFile } = await restGet(ctx, assert, `/classes/${className}/${objectId}`);
  const { name, url } = await (await upload).json();
  assert.deepEqual(aFile, { __type: 'File', name, url });
  assert.match(name, /^[0-9a-f]{32}_notes\.txt$/);
  const served = await fetch(url);
  assert.equal(served.status, 200);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), bytes);
}

/** The objectIds `objectId`'s aRelation holds, through REST `$relatedTo`. */
async function relatedIds(ctx, assert, className, objectId) {
  const where = { $relatedTo: { object: { __type: 'Pointer', className, objectId }, key: 'aRelation' } };
  const body = await restGet(ctx, assert, `/users?where=${encodeURIComponent(JSON.stringify(where))}`);
  return body.results.map((user) => user.objectId);
}

/** A Relation cell's "View relation": the relation's page attaches an existing _User by objectId (REST
 * `$relatedTo` finds it), then Edit → "Detach this row" takes it out again. */
async function relationView(ctx, assert) {
  const { page } = ctx;
  const className = ctx.state.dataClass;
  assert.ok(className, 'the addColumns step runs first');
  const owner = await ctx.rest('POST', `/classes/${className}`, { aString: 'with relations' });
  const member = await ctx.rest('POST', '/users', { username: `member${ctx.stamp}`, password: 'pw' });
  assert.equal(owner.status, 201);
  assert.equal(member.status, 201);
  const memberId = member.body.objectId;
  await openClass(ctx, className);
  await (await cell(page, gridRow(page, owner.body.objectId), 'aRelation')).locator('svg').click();  // the pill's arrow
  await page.getByText('Attach existing rows from _User').first().click();
  await page.getByPlaceholder('ox0QZFl7eg, qs81Q72lTL, etc...').fill(memberId);
  const attach = answered(page, 'PUT', `/classes/${className}/${owner.body.objectId}`);
  await page.getByRole('button', { name: 'Attach', exact: true }).click();
  assert.equal((await attach).status(), 200);
  await gridRow(page, memberId).waitFor();
  await scrollGrid(page);
  await ctx.shot('relation-attached');
  assert.deepEqual(await relatedIds(ctx, assert, className, owner.body.objectId), [memberId]);
  await editMenu(page, [gridRow(page, memberId)], 'Detach this row');
  await page.getByText('Detach this row?').waitFor();
  const detach = await saved(page, className, () => page.getByRole('button', { name: 'Delete', exact: true }).click());
  assert.equal(detach.status(), 200);
  await gridRow(page, memberId).waitFor({ state: 'detached' });
  assert.deepEqual(await relatedIds(ctx, assert, className, owner.body.objectId), []);
}

/** Edit → "Clone this row", "Delete a column", "Delete all rows" and "Delete this class" on a class made
 * through REST: the clone holds the row's values, the column leaves the schema and the objects, the class
 * stays empty, then /schemas answers 400 {code: 103}. */
async function rowActions(ctx, assert) {
  const { page } = ctx;
  const className = `DashRows${ctx.stamp}`;
  const fields = { title: { type: 'String' }, count: { type: 'Number' }, doomed: { type: 'String' } };
  assert.equal((await ctx.rest('POST', `/schemas/${className}`, { className, fields })).status, 200);
  const original = await ctx.rest('POST', `/classes/${className}`, { title: 'original', count: 3, doomed: 'x' });
  assert.equal(original.status, 201);
  await openClass(ctx, className);
  await editMenu(page, [gridRow(page, original.body.objectId)], 'Clone this row');
  const clone = await saved(page, className, () => page.getByRole('button', { name: 'Clone', exact: true }).click());
  // The clones go out as one POST /batch (Parse.Object.saveAll), each answered {success: {objectId, createdAt}}.
  assert.equal(new URL(clone.url()).pathname.replace(/.*\//, ''), 'batch');
  assert.equal(clone.status(), 200);
  const [{ success: { objectId: cloneId } }] = await clone.json();
  await gridRow(page, cloneId).waitFor();
  await ctx.shot('row-cloned');
  const cloned = await restGet(ctx, assert, `/classes/${className}/${cloneId}`);
  assert.deepEqual({ ...cloned, createdAt: undefined, updatedAt: undefined },
    { objectId: cloneId, title: 'original', count: 3, doomed: 'x', createdAt: undefined, updatedAt: undefined });

  await page.getByText('Edit', { exact: true }).click();
  await page.getByText('Delete a column', { exact: true }).click();
  await pickOption(page, 0, 'doomed');
  const removed = answered(page, 'PUT', `/schemas/${className}`);
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  assert.equal((await removed).status(), 200);
  await page.getByText('doomed', { exact: true }).first().waitFor({ state: 'detached' });  // header and dialog
  const schema = await restGet(ctx, assert, `/schemas/${className}`);
  assert.deepEqual(Object.keys(schema.fields).sort(), ['ACL', 'count', 'createdAt', 'objectId', 'title', 'updatedAt']);
  const objects = await restGet(ctx, assert, `/classes/${className}?order=createdAt`);
  assert.deepEqual(objects.results.map((object) => Object.keys(object).sort()),
    [0, 1].map(() => ['count', 'createdAt', 'objectId', 'title', 'updatedAt']));

  await page.getByText('Edit', { exact: true }).click();
  await page.getByText('Delete all rows', { exact: true }).click();
  await page.getByPlaceholder('delete all').fill('delete all');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByText('No data to display').waitFor();
  await ctx.shot('rows-all-deleted');
  assert.deepEqual(await restGet(ctx, assert, `/classes/${className}?count=1&limit=0`), { results: [], count: 0 });
  assert.equal((await ctx.rest('GET', `/schemas/${className}`)).status, 200);

  await page.getByText('Edit', { exact: true }).click();
  await page.getByText('Delete this class', { exact: true }).click();
  await page.getByPlaceholder('Current class name').fill(className);
  const dropped = answered(page, 'DELETE', `/schemas/${className}`);
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  assert.equal((await dropped).status(), 200);
  await page.getByText(className, { exact: true }).first().waitFor({ state: 'detached' });  // sidebar and title
  await ctx.shot('class-deleted');
  // INVALID_CLASS_NAME maps to HTTP 400 (only OBJECT_NOT_FOUND is a 404), as Parse Server answers it.
  assert.deepEqual(await ctx.rest('GET', `/schemas/${className}`),
    { status: 400, body: { code: 103, error: `Class ${className} does not exist.` } });
}

export const rowSteps = { fileUpload, relationView, rowActions };
