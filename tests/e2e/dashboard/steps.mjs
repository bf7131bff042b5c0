// The dashboard pages an admin uses, one step each; each checks its effect through the REST API.
// Steps share `ctx.state` (the class created first is used by the later ones) and run in this order.

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
  await page.goto(ctx.url('browser'));
  await page.getByText('Create a class').click();
  await page.getByPlaceholder('Give it a good name...').fill(className);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText(`${className}`, { exact: true }).first().waitFor();
  await page.getByText('No data to display').waitFor();
  await ctx.shot('class-created');
  const { status, body } = await ctx.rest('GET', `/schemas/${className}`);
  assert.equal(status, 200);
  assert.equal(body.className, className);
  assert.deepEqual(body.fields, {
    objectId: { type: 'String' }, createdAt: { type: 'Date' }, updatedAt: { type: 'Date' }, ACL: { type: 'ACL' },
  });
  assert.deepEqual(body.classLevelPermissions.find, { '*': true });
}

export const steps = { dataBrowser, createClass };
