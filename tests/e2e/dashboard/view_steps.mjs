// Views (an aggregation pipeline over a class, shown as a table) and Canvas (a Data Table element: a
// class's fields, sorted) on a class of sales made through REST; the dashboard keeps both definitions in
// the browser's storage, so what reaches the server is the pipeline and the query they run.
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

/** Views → "Create a view": a $group / $sort pipeline on the sales; the view's page runs it (POST
 * /aggregate with the master key) and shows one row per item, the group key as objectId, as the server
 * answers it. */
async function views(ctx, assert) {
  const { page } = ctx;
  const className = await sales(ctx, assert);
  const name = `sales by item ${ctx.stamp}`;
  const pipeline = [{ $group: { _id: '$item', total: { $sum: '$qty' } } }, { $sort: { total: -1 } }];
  await openPage(ctx, 'views');
  await page.getByText('Create a view').last().click();
  await page.getByText('Create a new view?').waitFor();
  await page.locator('input').first().fill(name);
  await pickOption(page, 1, className);
  await page.locator('textarea').last().fill(JSON.stringify(pipeline));
  await page.getByRole('button', { name: 'Create', exact: true }).click();
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

export const viewSteps = { views, canvas };
