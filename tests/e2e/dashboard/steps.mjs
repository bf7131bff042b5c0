// The dashboard pages an admin uses, one step each; each checks its effect through the REST API.
// Steps share `ctx.state` (the class created first is used by the later ones) and run in this order.
import { createClassInBrowser, openPage, pickOption } from './data_browser.mjs';
import { dataSteps } from './data_steps.mjs';

/** The sidebar and the data browser render the schema the server reports. */
async function dataBrowser(ctx, assert) {
  const { page } = ctx;
  await page.goto(ctx.url('browser/_User'));
  await page.getByText('No data to display').waitFor();
  await page.locator('text=_Role').first().waitFor();
  for (const column of ['objectId', 'username', 'password', 'email', 'emailVerified', 'authData']) {
    await page.getByText(column, { exact: true }).first().waitFor();
  }
  await ctx.shot('browser');
  const { status, body } = await ctx.rest('GET', '/schemas/_User');
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(body.fields).sort(),
    ['ACL', 'authData', 'createdAt', 'email', 'emailVerified', 'objectId', 'password', 'updatedAt', 'username']);
}

/** "Create a class" makes an empty class with the default fields and public CLPs. */
async function createClass(ctx, assert) {
  const { page } = ctx;
  const className = `Dash${ctx.stamp}`;
  ctx.state.className = className;
  await createClassInBrowser(ctx, className);
  await ctx.shot('class-created');
  const { status, body } = await ctx.rest('GET', `/schemas/${className}`);
  assert.equal(status, 200);
  assert.equal(body.className, className);
  assert.deepEqual(body.fields, {
    objectId: { type: 'String' }, createdAt: { type: 'Date' }, updatedAt: { type: 'Date' }, ACL: { type: 'ACL' },
  });
  assert.deepEqual(body.classLevelPermissions.find, { '*': true });
}

/** Config: "Create your first parameter" stores a String parameter in _GlobalConfig. */
async function config(ctx, assert) {
  const { page } = ctx;
  const name = `dashParam${ctx.stamp}`;
  ctx.state.paramName = name;
  await page.goto(ctx.url('config'));
  await page.getByText('Create your first parameter').click();
  await page.locator('input').first().fill(name);
  await page.locator('textarea').first().fill('from the dashboard');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText(name, { exact: true }).first().waitFor();
  await ctx.shot('config');
  const { status, body } = await ctx.rest('GET', '/config');
  assert.equal(status, 200);
  assert.equal(body.params[name], 'from the dashboard');
}

/** Jobs: "Run..." on a cloud job starts it (POST /jobs, its parameters under "input", as Parse Server
 * hands them over); its _JobStatus row ends "succeeded" with the job's result. */
async function jobs(ctx, assert) {
  const { page } = ctx;
  await page.goto(ctx.url('jobs'));
  await page.getByText('e2eJob', { exact: true }).waitFor();
  const row = page.locator('tr', { hasText: 'e2eJob' }).filter({ hasNotText: 'e2eFailingJob' });
  await row.getByRole('button', { name: 'Run...' }).click();
  await page.getByText('Run e2eJob').waitFor();
  await page.locator('textarea').first().fill('{"n": 7}');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  let found;
  for (let i = 0; i < 50 && !(found && found.status === 'succeeded'); i++) {
    await page.waitForTimeout(100);
    const where = encodeURIComponent(JSON.stringify({ jobName: 'e2eJob' }));
    const { body } = await ctx.rest('GET', `/classes/_JobStatus?where=${where}&order=-createdAt&limit=1`);
    found = body.results && body.results[0];
  }
  assert.ok(found, 'no _JobStatus row for e2eJob');
  assert.equal(found.status, 'succeeded');
  assert.equal(found.message, 'processed 7');
  await page.goto(ctx.url('jobs/status'));
  await page.getByText('e2eJob').first().waitFor();
  await ctx.shot('jobs-status');
}

/** Logs: the Info page shows what /scriptlog answers (the server's own start-up line among them). */
async function logs(ctx, assert) {
  const { page } = ctx;
  const { status, body } = await ctx.rest('GET', '/scriptlog?level=info&n=100');
  assert.equal(status, 200);
  const startLine = body.find((line) => String(line.message).startsWith('loaded cloud code from'));
  assert.ok(startLine, 'no start-up line in /scriptlog');
  await page.goto(ctx.url('logs/info'));
  await page.getByText(startLine.message, { exact: false }).first().waitFor();
  await ctx.shot('logs-info');
}

/** API Console: a GET sent from the REST console with the master key comes back in its Results (here,
 * the Config step's parameter); POSTs to cloud functions show their result and their error; the error
 * is on the Logs → Error page. */
async function apiConsole(ctx, assert) {
  const { page } = ctx;
  assert.ok(ctx.state.paramName, 'the config step runs first');
  await page.goto(ctx.url('api_console'));
  await page.getByPlaceholder('classes/_User').fill('config');
  await page.getByText('Use Master Key?').locator('xpath=ancestor::div[2]/following-sibling::div[1]/div[1]').click();  // "Use Master Key?": the console sends no client key
  await page.getByRole('button', { name: 'Send Query' }).click();
  await page.getByText(ctx.state.paramName).first().waitFor();
  await page.getByText('from the dashboard').first().waitFor();
  await ctx.shot('api-console');
  // POST to a cloud function with JSON parameters: its result, then a refusing one's Parse error, shown as
  // the server answers them; the refusal also reaches the Error logs page.
  /** The Results panel (highlighted JSON, one span per token) once its text matches `pattern`. */
  const shown = (pattern) => page.locator('div', { hasText: pattern }).last().waitFor();
  await pickOption(page, 0, 'POST');
  await page.getByPlaceholder('classes/_User').fill('functions/e2eHello');
  await page.locator('textarea').last().fill('{"name": "console"}');
  await page.getByRole('button', { name: 'Send Query' }).click();
  await shown(/^\{\s*"result": "Hello console"\s*\}$/);
  await page.getByPlaceholder('classes/_User').fill('functions/e2eRefuse');
  await page.getByRole('button', { name: 'Send Query' }).click();
  await shown(/^\{\s*"code": 142,\s*"error": "refused"\s*\}$/);
  await ctx.shot('api-console-post');
  const { status, body } = await ctx.rest('GET', '/scriptlog?level=error&n=100');
  assert.equal(status, 200);
  const refusal = body.find((line) => String(line.message).includes('e2eRefuse'));
  assert.ok(refusal, `no e2eRefuse line in /scriptlog?level=error: ${JSON.stringify(body).slice(0, 500)}`);
  await openPage(ctx, 'logs/error');
  await page.getByText(refusal.message.split('\n')[0], { exact: false }).first().waitFor();
  await ctx.shot('logs-error');
}

/** Webhooks: "Create a Webhook" registers a function webhook (POST /hooks/functions), listed on the page;
 * its row's dialog changes its URL (PUT); a beforeSave trigger webhook on the created class is added,
 * then deleted from its row (DELETE). REST reads back each state exactly. */
async function webhooks(ctx, assert) {
  const { page } = ctx;
  const name = `dashHook${ctx.stamp}`;
  const className = ctx.state.className;
  assert.ok(className, 'the createClass step runs first');
  await openPage(ctx, 'webhooks');
  await page.getByText('Create a webhook').first().click();
  await page.getByPlaceholder('MyWebhook').fill(name);
  await page.locator('input[value="https://"]').fill('https://hooks.example.test/run');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText(name, { exact: true }).first().waitFor();
  assert.deepEqual(await ctx.rest('GET', `/hooks/functions/${name}`),
    { status: 200, body: { functionName: name, url: 'https://hooks.example.test/run' } });

  await page.locator('tr', { hasText: name }).getByText('https://hooks.example.test/run').click();
  await page.getByText('Change your Webhook').waitFor();
  await page.locator('input[value="https://hooks.example.test/run"]').fill('https://hooks.example.test/v2');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('tr', { hasText: name }).getByText('https://hooks.example.test/v2').waitFor();
  assert.deepEqual(await ctx.rest('GET', `/hooks/functions/${name}`),
    { status: 200, body: { functionName: name, url: 'https://hooks.example.test/v2' } });

  await page.getByText('Create a webhook').first().click();
  await pickOption(page, 0, 'beforeSave');
  await pickOption(page, 1, className);
  await page.locator('input[value="https://"]').fill('https://hooks.example.test/before');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  const triggerRow = page.locator('tr', { hasText: 'https://hooks.example.test/before' });
  await triggerRow.waitFor();
  await ctx.shot('webhooks');
  const trigger = { className, triggerName: 'beforeSave', url: 'https://hooks.example.test/before' };
  assert.deepEqual(await ctx.rest('GET', `/hooks/triggers/${className}/beforeSave`), { status: 200, body: trigger });

  await triggerRow.locator('td').last().locator('svg').click();  // its trash icon
  await page.getByText('Delete your Webhook').waitFor();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await triggerRow.waitFor({ state: 'detached' });
  assert.deepEqual(await ctx.rest('GET', '/hooks/triggers'), { status: 200, body: [] });
  assert.deepEqual(await ctx.rest('GET', '/hooks/functions'),
    { status: 200, body: [{ functionName: name, url: 'https://hooks.example.test/v2' }] });
}

export const steps = { dataBrowser, createClass, config, jobs, logs, apiConsole, webhooks, ...dataSteps };
