// Config as an admin fills it: one parameter of every type the "New parameter" dialog offers, one kept for
// the master key only, one edited and one deleted; GET /config reads back exactly that (run after
// steps.mjs's config step, whose String parameter stays).
import { answered, openPage, pickOption } from './data_browser.mjs';

/** The parameter dialog's value editor filled for `type` (Date: a day of the current month with hours and
 * minutes, as the picker sets them; File: {name, buffer}). */
async function fillValue(page, dialog, type, value) {
  if (type === 'Number') await dialog.locator('input[type=text]').last().fill(String(value));
  else if (type === 'Object' || type === 'Array') await dialog.locator('textarea').last().fill(JSON.stringify(value));
  else if (type === 'Boolean') await dialog.getByText(value ? 'True' : 'False', { exact: true }).click();
  else if (type === 'Date') {
    await dialog.getByText('Pick a date and time…').click();
    const picker = page.locator('div:has(> div > div > input[type=text] + span + input[type=text])').last();
    await picker.getByText(String(value.day), { exact: true }).first().click();
    const [hours, minutes] = await picker.locator('input[type=text]').all();
    await hours.fill(String(value.hours));
    await minutes.fill(String(value.minutes));
    await picker.getByRole('button', { name: 'Set time' }).click();
  } else if (type === 'File') {
    // The dialog uploads the file at once and takes it as the value only when the upload answers: till
    // then Create does nothing.
    const uploaded = answered(page, 'POST', `/files/${value.name}`);
    await dialog.locator('input[type=file]').setInputFiles({ name: value.name, mimeType: 'text/plain', buffer: value.buffer });
    const status = (await uploaded).status();
    if (status !== 201) throw new Error(`uploading ${value.name} answered ${status}`);
  }
}

/** The open parameter dialog (New parameter / Edit parameter). */
function parameterDialog(page) {
  return page.locator('div:has(> div > div:text-matches("^(New|Edit) parameter$"))').last();
}

/** "Create a parameter": `name` of `type` with `value`, masterKeyOnly set to Yes when asked; waits for
 * the PUT /config the dialog sends. */
async function createParameter(ctx, assert, name, type, value, masterKeyOnly = false) {
  const { page } = ctx;
  await page.getByText('Create a parameter', { exact: true }).first().click();
  await page.getByPlaceholder('New parameter').fill(name);
  await pickOption(page, 0, type);
  const dialog = parameterDialog(page);
  await fillValue(page, dialog, type, value);
  if (masterKeyOnly) {
    await page.getByText('Requires master key?').locator('xpath=ancestor::div[2]/following-sibling::div[1]')
      .getByText('Yes', { exact: true }).click();
  }
  const saved = answered(page, 'PUT', '/config');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  assert.equal((await saved).status(), 200, `saving ${name}`);
  await page.getByText(name, { exact: true }).first().waitFor();
}

/** New parameters of each type (the Number for the master key only), the Number edited, the Array
 * deleted: GET /config answers exactly those params and masterKeyOnly; without the master key the
 * master-key-only one is left out. */
async function configParameters(ctx, assert) {
  const { page } = ctx;
  assert.ok(ctx.state.paramName, 'the config step runs first');
  const now = new Date();
  const day = { day: 15, hours: 9, minutes: 30 };
  const iso = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), day.day, day.hours, day.minutes)).toISOString();
  const file = { name: 'config.txt', buffer: Buffer.from(`config file ${ctx.stamp}\n`) };
  const p = (type) => `cfg${type}${ctx.stamp}`;
  await openPage(ctx, 'config');
  await page.getByText(ctx.state.paramName, { exact: true }).waitFor();
  await createParameter(ctx, assert, p('Number'), 'Number', 42.5, true);
  await createParameter(ctx, assert, p('Boolean'), 'Boolean', true);
  // The page lists the Date as Type Object: it reads /config raw, and a Date comes back {__type, iso}
  // (Parse Server answers it so too); only Files and GeoPoints are decoded there.
  await createParameter(ctx, assert, p('Date'), 'Date', day);
  await createParameter(ctx, assert, p('Object'), 'Object', { nested: { list: [1, 'two'] } });
  await createParameter(ctx, assert, p('Array'), 'Array', [1, 'two', { three: 3 }]);
  // The dialog's GeoPoint editor hands the typed strings to Parse.GeoPoint, which throws (a TypeError in
  // the page, dashboard 9.2.0): that one is set through REST, and the page lists it as the server keeps it.
  const geoPoint = { __type: 'GeoPoint', latitude: 10.5, longitude: -20.25 };
  assert.equal((await ctx.rest('PUT', '/config', { params: { [p('GeoPoint')]: geoPoint } })).status, 200);
  await createParameter(ctx, assert, p('File'), 'File', file);
  await openPage(ctx, 'config');
  await page.locator('tr', { hasText: p('GeoPoint') }).getByText('(10.5, -20.25)').waitFor();
  await ctx.shot('config-types');

  await page.locator('tr', { hasText: p('Number') }).locator('td').nth(2).click();
  const edit = parameterDialog(page);
  await fillValue(page, edit, 'Number', 7);
  const edited = answered(page, 'PUT', '/config');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  assert.equal((await edited).status(), 200);

  await page.locator('tr', { hasText: p('Array') }).locator('td').last().locator('a').click();
  await page.getByPlaceholder('Parameter name').fill(p('Array'));
  const deleted = answered(page, 'PUT', '/config');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  assert.equal((await deleted).status(), 200);
  await page.getByText(p('Array'), { exact: true }).first().waitFor({ state: 'detached' });
  await ctx.shot('config-edited');

  const { status, body } = await ctx.rest('GET', '/config');
  assert.equal(status, 200);
  const { [p('File')]: storedFile, ...params } = body.params;
  assert.deepEqual(params, {
    [ctx.state.paramName]: 'from the dashboard',
    [p('Number')]: 7,
    [p('Boolean')]: true,
    [p('Date')]: { __type: 'Date', iso },
    [p('Object')]: { nested: { list: [1, 'two'] } },
    [p('GeoPoint')]: geoPoint,
  });
  assert.equal(storedFile.__type, 'File');
  assert.match(storedFile.name, /^[0-9a-f]{32}_config\.txt$/);
  assert.deepEqual(Buffer.from(await (await fetch(storedFile.url)).arrayBuffer()), file.buffer);
  // Every param written keeps a flag, false unless set (as Parse Server stores them); the dashboard's delete
  // sends the flag as a Delete op too, which removes it.
  assert.deepEqual(body.masterKeyOnly, {
    [ctx.state.paramName]: false, [p('Number')]: true, [p('Boolean')]: false, [p('Date')]: false,
    [p('Object')]: false, [p('GeoPoint')]: false, [p('File')]: false,
  });
  const response = await fetch(`${ctx.server}/config`, {
    headers: { 'X-Parse-Application-Id': ctx.appId, 'X-Parse-REST-API-Key': 'rest' } });
  assert.equal(response.status, 200);
  const publicParams = (await response.json()).params;
  assert.deepEqual(Object.keys(publicParams).sort(), Object.keys(body.params).filter((name) => name !== p('Number')).sort());
}

export const configSteps = { configParameters };
