// Views (an aggregation pipeline over a class, shown as a table) and Canvas (a Data Table element: a
// class's fields, sorted) on a class of sales made through REST. The dashboard keeps both definitions in
// the browser's storage, so what reaches the server is the pipeline and the query they run, until App
// Settings → Dashboard → Settings Storage says Server: then views live in the config class the dashboard's
// app config names (ctx.settingsClass), one master-key-only object per view.
import { answered, openPage, pickOption } from './data_browser.mjs';

/** A class of five sales over two items, made once; answers its name. */
async function sales(ctx, assert) {
  if (ctx.state.salesClass) return ctx.state.salesClass;
  const className = `DashSale${ctx.stamp}`;
  for (const [item, qty] of [['pen', 3], ['ink', 5], ['pen', 4], ['ink', 1], ['pad', 2]]) {
    assert.equal((await ctx.rest('POST', `/classes/${className}`, { item, qty })).status, 201);
  }
  ctx.state.salesClass = className;
  return className;
}

/** The texts of the table's rows (cells joined by tabs), in display order, below its header row. */
async function tableRows(table) {
  return table.locator('tr').evaluateAll((rows) => rows.map((row) => row.innerText.trim()));
}

/** The Views page's "Create a view" dialog: `name`, an aggregation `pipeline` on `className`, Create. */
async function createView(ctx, name, className, pipeline) {
  const { page } = ctx;
  await openPage(ctx, 'views');
  await page.getByText('Create a view').last().click();
  await page.getByText('Create a new view?').waitFor();
  await page.locator('input').first().fill(name);
  await pickOption(page, 1, className);
  await page.locator('textarea').last().fill(JSON.stringify(pipeline));
  await page.getByRole('button', { name: 'Create', exact: true }).click();
}

/** Views → "Create a view": a $group / $sort pipeline on the sales; the view's page runs it (POST
 * /aggregate with the master key) and shows one row per item, the group key as objectId, as the server
 * answers it. */
async function views(ctx, assert) {
  const { page } = ctx;
  const className = await sales(ctx, assert);
  const name = `sales by item ${ctx.stamp}`;
  const pipeline = [{ $group: { _id: '$item', total: { $sum: '$qty' } } }, { $sort: { total: -1 } }];
  await createView(ctx, name, className, pipeline);
  const aggregated = answered(page, 'GET', `/aggregate/${className}`);
  await page.getByText(name, { exact: true }).first().click();
  const answer = await aggregated;
  assert.equal(answer.status(), 200);
  const sent = JSON.parse(answer.request().postData());
  assert.deepEqual([sent.pipeline, sent._MasterKey], [pipeline, ctx.masterKey]);
  const expected = [{ total: 7, objectId: 'pen' }, { total: 6, objectId: 'ink' }, { total: 2, objectId: 'pad' }];
  assert.deepEqual(await answer.json(), { results: expected });
  await page.getByText('ink', { exact: true }).waitFor();
  await ctx.shot('views');
  // The table: a header cell per column (name and type), then the rows in the pipeline's order.
  assert.match(await page.locator('body').innerText(),
    /total\s+Number\s+objectId\s+String\s+7\s+pen\s+6\s+ink\s+2\s+pad\s/);
}

/** Canvas → Add Element → Data Table: the sales' item and qty, sorted by qty; the canvas runs the find
 * (POST /classes with order, the master key) and its table lists every sale in that order. */
async function canvas(ctx, assert) {
  const { page } = ctx;
  const className = await sales(ctx, assert);
  await openPage(ctx, 'canvas');
  await page.getByRole('button', { name: 'Add Element' }).click();
  await page.getByText('Data Table', { exact: true }).click();
  await page.getByText('Add Data Table').waitFor();
  await page.getByPlaceholder(/./).first().fill('Sales');
  await page.getByText('Select a class...').click();
  await page.getByRole('option', { name: className, exact: true }).click();
  await page.getByText('Select fields...').click();
  await page.locator('div[value="item"]').click();
  await page.locator('div[value="qty"]').click();
  await page.getByText('Display title for the table').click();  // closes the field list
  await page.getByText('No sorting').click();
  await page.getByRole('option', { name: 'qty', exact: true }).click();
  const found = answered(page, 'GET', `/classes/${className}`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const answer = await found;
  assert.equal(answer.status(), 200);
  const sent = JSON.parse(answer.request().postData());
  assert.deepEqual([sent.order, sent._MasterKey], ['qty', ctx.masterKey]);
  await page.getByText('5 rows').waitFor();
  const table = page.locator('table', { hasText: 'qty' }).last();
  assert.deepEqual(await tableRows(table), ['item\tqty', 'ink\t1', 'pad\t2', 'pen\t3', 'pen\t4', 'ink\t5']);
  await ctx.shot('canvas');
}

/** App Settings → Dashboard → Storage Location: Server (so this step runs last), then a new view: it is an
 * object of the settings class (appId, key views.view.<id>, the view as `object`, ACL {} so only the master
 * key reads it), found by the dashboard's `$regex` prefix query; the Views page now lists the server's
 * views only (not the one views() kept in the browser), and opening it runs its pipeline. */
async function viewsOnServer(ctx, assert) {
  const { page } = ctx;
  assert.ok(ctx.state.salesClass, 'the views step runs first');
  const className = ctx.state.salesClass;
  await openPage(ctx, 'settings/dashboard');
  await page.getByText('Storage Location').waitFor();
  await page.getByText('Server', { exact: true }).click();
  const name = `kept on the server ${ctx.stamp}`;
  const stored = answered(page, 'POST', `/classes/${ctx.settingsClass}`);
  await createView(ctx, name, className, [{ $match: { qty: { $gt: 2 } } }]);
  assert.equal((await stored).status(), 201);
  await page.getByText(name, { exact: true }).first().waitFor();
  assert.equal(await page.getByText(`sales by item ${ctx.stamp}`, { exact: true }).count(), 0);
  const aggregated = answered(page, 'GET', `/aggregate/${className}`);
  await page.getByText(name, { exact: true }).first().click();
  const answer = await aggregated;
  assert.deepEqual((await answer.json()).results.map((sale) => sale.qty).sort(), [3, 4, 5]);
  await page.getByText('ink', { exact: true }).waitFor();
  await ctx.shot('views-on-server');

  const { status, body } = await ctx.rest('GET', `/classes/${ctx.settingsClass}`);
  assert.equal(status, 200);
  const [row] = body.results.filter((result) => result.object?.name === name);
  assert.deepEqual({ ...row, objectId: undefined, createdAt: undefined, updatedAt: undefined, key: undefined }, {
    objectId: undefined, createdAt: undefined, updatedAt: undefined, key: undefined, appId: ctx.appId, ACL: {},
    object: { name, className, query: '[{"$match":{"qty":{"$gt":2}}}]', showCounter: false,
              requireTextInput: false, requireFileUpload: false } });
  assert.match(row.key, /^views\.view\.[0-9a-f-]{36}$/);
  const response = await fetch(`${ctx.server}/classes/${ctx.settingsClass}`, {
    headers: { 'X-Parse-Application-Id': ctx.appId, 'X-Parse-REST-API-Key': ctx.restKey } });
  assert.deepEqual([response.status, await response.json()], [200, { results: [] }]);
}

export const viewSteps = { views, canvas, viewsOnServer };
