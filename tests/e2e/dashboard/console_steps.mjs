// The API Console's other two consoles: GraphQL (GraphiQL on the app's graphQLServerURL, with the app id
// and master key headers) and JS (code run in the page with the dashboard's Parse SDK). Each runs what an
// admin would type there and checks the answer shown and its effect through the REST API.
import { openPage } from './data_browser.mjs';

/** Replaces the GraphiQL query editor's text (CodeMirror) with `query`. */
async function setQuery(page, query) {
  await page.locator('.graphiql-query-editor .CodeMirror').first().evaluate((editor, text) => {
    editor.CodeMirror.setValue(text);
  }, query);
}

/** Runs the GraphiQL query (its play button); answers the server's JSON answer, once it is shown. */
async function runQuery(page) {
  const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql'
    && !(r.request().postData() || '').includes('IntrospectionQuery'));
  answer.catch(() => {});
  await page.locator('.graphiql-execute-button').click();
  const response = await answer;
  return { headers: response.request().headers(), body: await response.json() };
}

/** The text of GraphiQL's response pane once it holds `text`. */
async function responseShows(page, text) {
  await page.locator('.graphiql-response').getByText(text).first().waitFor();
}

/** GraphQL Console: a create mutation on a class made through REST (the new object read back through
 * REST), then a query of that class with an order and a count, shown in the response pane. GraphiQL
 * sends the app id and the master key as headers. */
async function graphqlConsole(ctx, assert) {
  const { page } = ctx;
  const className = `Gql${ctx.stamp}Item`;  // Parse names its list field in the plural: …Items
  const field = className[0].toLowerCase() + className.slice(1);
  const fields = { title: { type: 'String' }, rank: { type: 'Number' } };
  assert.equal((await ctx.rest('POST', `/schemas/${className}`, { className, fields })).status, 200);
  assert.equal((await ctx.rest('POST', `/classes/${className}`, { title: 'from REST', rank: 2 })).status, 201);
  await openPage(ctx, 'api_console/graphql');
  await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor();
  await setQuery(page, `mutation { create${className}(input: {fields: {title: "from GraphiQL", rank: 1}}) `
    + `{ ${field} { objectId title rank } } }`);
  const created = await runQuery(page);
  assert.deepEqual([created.headers['x-parse-application-id'], created.headers['x-parse-master-key']],
    [ctx.appId, ctx.masterKey]);
  const made = created.body.data[`create${className}`][field];
  assert.deepEqual({ title: made.title, rank: made.rank }, { title: 'from GraphiQL', rank: 1 });
  await responseShows(page, made.objectId);
  const stored = await ctx.rest('GET', `/classes/${className}/${made.objectId}`);
  assert.deepEqual([stored.status, stored.body.title, stored.body.rank], [200, 'from GraphiQL', 1]);

  const plural = `${field}s`;
  await setQuery(page, `{ ${plural}(order: rank_ASC) { count edges { node { title rank } } } }`);
  const listed = await runQuery(page);
  assert.deepEqual(listed.body, { data: { [plural]: { count: 2, edges: [
    { node: { title: 'from GraphiQL', rank: 1 } }, { node: { title: 'from REST', rank: 2 } }] } } });
  await responseShows(page, '"from REST"');
  await ctx.shot('graphql-console');
}

/** Replaces the JS Console's code (the Ace editor of the open tab) with `code`. */
async function setCode(page, code) {
  await page.locator('.ace_text-input').first().focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

/** JS Console: code that reads a class as a client (the SDK sends the JavaScript key, no master key) and
 * saves an object with useMasterKey; what it logs is shown in the console output, and the saved object
 * is there through REST. */
async function jsConsole(ctx, assert) {
  const { page } = ctx;
  const className = `DashJs${ctx.stamp}`;
  for (const rank of [3, 1, 2]) {
    assert.equal((await ctx.rest('POST', `/classes/${className}`, { rank })).status, 201);
  }
  await openPage(ctx, 'api_console/js_console');
  await setCode(page, [
    `const rows = await new Parse.Query('${className}').ascending('rank').find();`,
    `console.log('ranks ' + rows.map((row) => row.get('rank')).join(' < '));`,
    `const saved = await new Parse.Object('${className}').save({ rank: 4, note: 'js console' }, { useMasterKey: true });`,
    `console.log('saved ' + saved.id);`,
  ].join('\n'));
  const find = page.waitForRequest((r) => new URL(r.url()).pathname.endsWith(`/classes/${className}`)
    && (r.postData() || '').includes('"_method":"GET"'));
  const save = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith(`/classes/${className}`)
    && !(r.request().postData() || '').includes('"_method"'));
  [find, save].forEach((promise) => promise.catch(() => {}));  // awaited below unless the click fails
  await page.getByText('Run', { exact: true }).click();
  const findBody = JSON.parse((await find).postData());
  assert.deepEqual([findBody._JavaScriptKey, '_MasterKey' in findBody], [ctx.jsKey, false]);
  const saveResponse = await save;
  assert.equal(saveResponse.status(), 201);
  assert.equal(JSON.parse(saveResponse.request().postData())._MasterKey, ctx.masterKey);
  const { objectId } = await saveResponse.json();
  await page.getByText('ranks 1 < 2 < 3', { exact: true }).waitFor();
  await page.getByText(`saved ${objectId}`, { exact: true }).waitFor();
  await ctx.shot('js-console');
  const stored = await ctx.rest('GET', `/classes/${className}/${objectId}`);
  assert.deepEqual([stored.status, stored.body.rank, stored.body.note], [200, 4, 'js console']);
}

export const consoleSteps = { graphqlConsole, jsConsole };
