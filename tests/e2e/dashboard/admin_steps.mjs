// Parse Dashboard's admin pages, one step each (run after steps.mjs, whose createClass makes the class
// used here); each drives the page as an admin would and checks its effect through the REST API.
/** A REST call as a client without the master key (JavaScript key "test"); answers {status, body}. */
async function publicRest(ctx, method, path, body) {
  const response = await fetch(`${ctx.server}${path}`, {
    method,
    headers: { 'X-Parse-Application-Id': ctx.appId, 'X-Parse-JavaScript-Key': 'test', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The check box of `permission` in the permissions dialog's row whose first cell starts with `row`. */
function checkBox(page, row, permission) {
  return page.locator(`xpath=(//div[starts-with(normalize-space(div[1]), "${row}")])[last()]`
    + `//span[span[text()="${permission}"]]`);
}

/** The data browser of the created class, its toolbar's Security menu → `item`. */
async function openSecurity(ctx, item) {
  const { page } = ctx;
  await page.goto(ctx.url(`browser/${ctx.state.className}`));
  await page.getByText(/^\d+ objects? •/).waitFor();  // the class has loaded
  await page.getByText('Security', { exact: true }).click();
  await page.getByText(item, { exact: true }).click();
}

/** Security → Class Level Permissions: public read only, writes for signed-in users, the role Admin and
 * the users an `owner` pointer names; GET /schemas answers exactly those CLPs, and they are enforced. */
async function classLevelPermissions(ctx, assert) {
  const { page } = ctx;
  const className = ctx.state.className;
  assert.ok(className, 'the createClass step runs first');
  const fields = { owner: { type: 'Pointer', targetClass: '_User' }, secret: { type: 'String' } };
  assert.equal((await ctx.rest('PUT', `/schemas/${className}`, { className, fields })).status, 200);
  assert.equal((await ctx.rest('POST', '/roles', { name: 'Admin', ACL: { '*': { read: true } } })).status, 201);
  await openSecurity(ctx, 'Class Level Permissions');
  await page.getByText('Edit Class Level Permissions').waitFor();
  await checkBox(page, 'Public', 'Write').click();
  await checkBox(page, 'Public', 'Add field').click();
  await checkBox(page, 'Authenticated', 'Write').click();
  const entry = page.getByPlaceholder('Role, User, or Pointer…');
  await entry.fill('owner');
  await entry.press('Enter');
  await page.getByText('Only users pointed to by this field').waitFor();
  await entry.fill('role:Admin');
  await entry.press('Enter');
  await checkBox(page, 'role:Admin', 'Add field').click();
  await ctx.shot('clp-dialog');
  await page.getByRole('button', { name: 'Save CLP' }).click();
  await page.getByText('Edit Class Level Permissions').waitFor({ state: 'detached' });
  const { status, body } = await ctx.rest('GET', `/schemas/${className}`);
  assert.equal(status, 200);
  const read = { '*': true, 'role:Admin': true, pointerFields: ['owner'] };
  const write = { requiresAuthentication: true, 'role:Admin': true, pointerFields: ['owner'] };
  assert.deepEqual(body.classLevelPermissions, {
    find: read, count: read, get: read, create: write, update: write, delete: write,
    addField: { pointerFields: ['owner'] }, protectedFields: { '*': [] },
  });
  assert.deepEqual(await publicRest(ctx, 'POST', `/classes/${className}`, { secret: 'x' }),
    { status: 404, body: { code: 101, error: 'Permission denied' } });  // enableSanitizedErrorResponse
  assert.equal((await publicRest(ctx, 'GET', `/classes/${className}`)).status, 200);
}

/** Security → Protected Fields: `secret` protected for "*" (public); /schemas holds it and a query
 * without the master key no longer returns the field (the master key still sees it). */
async function protectedFields(ctx, assert) {
  const { page } = ctx;
  const className = ctx.state.className;
  assert.ok(className, 'the classLevelPermissions step runs first');
  const made = await ctx.rest('POST', `/classes/${className}`, { secret: 'hidden', ACL: { '*': { read: true } } });
  assert.equal(made.status, 201);
  await openSecurity(ctx, 'Protected Fields');
  await page.getByText('Edit Protected Fields').waitFor();
  await page.getByText('All fields allowed. Click to protect.').click();
  await page.locator('div[value="secret"]').click();
  await page.getByText('Applies to all queries').click();  // closes the field list
  await ctx.shot('protected-fields-dialog');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Edit Protected Fields').waitFor({ state: 'detached' });
  const { status, body } = await ctx.rest('GET', `/schemas/${className}`);
  assert.equal(status, 200);
  assert.deepEqual(body.classLevelPermissions.protectedFields, { '*': ['secret'] });
  const id = made.body.objectId;
  const publicRead = await publicRest(ctx, 'GET', `/classes/${className}/${id}`);
  assert.equal(publicRead.status, 200);
  assert.deepEqual(Object.keys(publicRead.body).sort(), ['ACL', 'createdAt', 'objectId', 'updatedAt']);
  const where = encodeURIComponent(JSON.stringify({ objectId: id }));
  const found = await publicRest(ctx, 'GET', `/classes/${className}?where=${where}`);
  assert.equal(found.body.results.length, 1);
  assert.equal('secret' in found.body.results[0], false);
  assert.equal((await ctx.rest('GET', `/classes/${className}/${id}`)).body.secret, 'hidden');
}

/** The newest _JobStatus row of e2eJob whose message is `message`, polled every 200 ms for `seconds`. */
async function jobRun(ctx, message, seconds) {
  const where = encodeURIComponent(JSON.stringify({ jobName: 'e2eJob', message }));
  for (let i = 0; i < seconds * 5; i++) {
    const { body } = await ctx.rest('GET', `/classes/_JobStatus?where=${where}&order=-createdAt&limit=1`);
    if (body.results && body.results.length) return body.results[0];
    await ctx.page.waitForTimeout(200);
  }
  return undefined;
}

/** Jobs → Scheduled → "Schedule a job": e2eJob, starting immediately, stored in _JobSchedule; the
 * server's scheduler runs it as soon as it is written (a _JobStatus row); then the schedule is edited and
 * deleted from the page. */
async function jobSchedule(ctx, assert) {
  const { page } = ctx;
  await page.goto(ctx.url('jobs/scheduled'));
  await page.getByText('Schedule a job').first().click();
  await page.getByPlaceholder('Pick a good name…').fill('e2e schedule');
  await page.getByRole('combobox').click();
  await page.getByText('e2eJob', { exact: true }).last().click();
  await page.locator('textarea').fill('{"n": 3}');
  await page.getByText('will run').waitFor();
  await ctx.shot('job-schedule-form');
  await page.getByRole('button', { name: 'Schedule', exact: true }).click();
  await page.getByText('e2e schedule').first().waitFor();
  const listed = await ctx.rest('GET', '/classes/_JobSchedule');
  assert.equal(listed.status, 200);
  assert.equal(listed.body.results.length, 1);
  const schedule = listed.body.results[0];
  assert.deepEqual(
    { jobName: schedule.jobName, description: schedule.description, params: JSON.parse(schedule.params) },
    { jobName: 'e2eJob', description: 'e2e schedule', params: { n: 3 } });
  assert.ok(Date.parse(schedule.startAfter) <= Date.now(), `startAfter ${schedule.startAfter} is not "immediately"`);
  // The scheduler ticks every 15 s, and at once when a schedule is written: this one, due now, runs now.
  const run = await jobRun(ctx, 'processed 3', 10);
  assert.ok(run, 'the scheduler did not run the schedule written to start now');
  assert.equal(run.status, 'succeeded');
  await ctx.shot('job-schedule-list');
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const description = page.locator('input[value="e2e schedule"]');
  await description.fill('e2e schedule, edited');
  await page.getByRole('button', { name: 'Schedule', exact: true }).click();
  await page.getByText('e2e schedule, edited').first().waitFor();
  const edited = await ctx.rest('GET', `/classes/_JobSchedule/${schedule.objectId}`);
  assert.equal(edited.status, 200);
  assert.equal(edited.body.description, 'e2e schedule, edited');
  assert.equal(edited.body.jobName, 'e2eJob');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByText('Delete job schedule?').waitFor();
  await page.getByRole('button', { name: 'Delete', exact: true }).last().click();
  await page.getByText('e2e schedule, edited').waitFor({ state: 'detached' });
  assert.deepEqual(await ctx.rest('GET', '/classes/_JobSchedule'), { status: 200, body: { results: [] } });
}

/** The texts of the sidebar's links on the page `path` (the open section shows its subsections). */
async function sidebarLinks(ctx, path, heading) {
  await ctx.page.goto(ctx.url(path));
  await ctx.page.getByText(heading).first().waitFor();
  const prefix = `/apps/${ctx.app}/`;
  return ctx.page.locator(`a[href^="${prefix}"]`).evaluateAll((links) => links.map((a) => a.textContent.trim()));
}

/** The app list shows the server's version (GET /serverInfo); App Settings → Dashboard renders; the
 * sidebar offers exactly the features /serverInfo announces (no Push: no push adapter here). */
async function appSettings(ctx, assert) {
  const { page } = ctx;
  const { status, body } = await ctx.rest('GET', '/serverInfo');
  assert.equal(status, 200);
  assert.deepEqual(body.features, {
    globalConfig: { create: true, read: true, update: true, delete: true },
    hooks: { create: true, read: true, update: true, delete: true },
    cloudCode: { jobs: true },
    logs: { level: true, size: true, order: true, until: true, from: true },
    push: { immediatePush: false, scheduledPush: false, storedPushData: false, pushAudiences: false,
            localization: false },
    schemas: { addField: true, removeField: true, addClass: true, removeClass: true, clearAllDataFromClass: true,
               exportClass: false, editClassLevelPermissions: true, editPointerPermissions: true },
    settings: { securityCheck: false },
  });
  await page.goto(`${ctx.dashboard}/apps`);
  await page.getByText(`Server version: ${body.parseServerVersion}`).waitFor();
  await ctx.shot('apps');
  assert.deepEqual(await sidebarLinks(ctx, 'settings/dashboard', 'Export Column Preferences'),
    ['Core', 'Dashboard', 'Data Browser', 'Cloud Config', 'Keyboard Shortcuts']);
  await page.getByText('Dashboard Configuration').first().waitFor();
  await ctx.shot('settings-dashboard');
  // Core's entries (Config, the open page, is not a link); no Cloud Code, no Push section
  assert.deepEqual(await sidebarLinks(ctx, 'config', 'Parameter'),
    ['Browser', 'Views', 'Canvas', 'Agent', 'Webhooks', 'Jobs', 'Logs', 'API Console', 'App Settings']);
}

/** Cloud Code: like Parse Server, /serverInfo does not announce cloudCode.viewCode, so the dashboard
 * offers no Cloud Code page and says so when it is opened. */
async function cloudCode(ctx, assert) {
  const { page } = ctx;
  await page.goto(ctx.url('cloud_code'));
  await page.getByText('Feature unavailable').waitFor();
  await page.getByText('API Console', { exact: true }).waitFor();
  assert.equal(await page.getByText('Cloud Code', { exact: true }).count(), 0);
  await ctx.shot('cloud-code');
}

export const adminSteps = { classLevelPermissions, protectedFields, jobSchedule, appSettings, cloudCode };
