// Reading the data as one user sees it: the data browser's Browse → As User (a real login, then the
// user's session instead of the master key) and the REST Console's "Run as..." (the user's session
// found with the master key). Both read a class of three rows: public, the reader's own, another user's.
import { openPage, shownColumn } from './data_browser.mjs';

/** Two users (reader and other, each signed up: one session apiece) and a class whose three rows are
 * readable by everyone, by reader only and by other only; saved in ctx.state.asUser. */
async function usersAndRows(ctx, assert) {
  if (ctx.state.asUser) return ctx.state.asUser;
  const className = `DashAs${ctx.stamp}`;
  const signUp = async (username) => {
    const { status, body } = await ctx.rest('POST', '/users', { username, password: 'pw' });
    assert.equal(status, 201, JSON.stringify(body));
    return { objectId: body.objectId, username };
  };
  const reader = await signUp(`reader${ctx.stamp}`);
  const other = await signUp(`other${ctx.stamp}`);
  for (const [text, reads] of [['public', '*'], ['mine', reader.objectId], ['theirs', other.objectId]]) {
    const made = await ctx.rest('POST', `/classes/${className}`, { text, ACL: { [reads]: { read: true } } });
    assert.equal(made.status, 201);
  }
  ctx.state.asUser = { className, reader };
  return ctx.state.asUser;
}

/** The JSON bodies the page POSTs to server paths ending in each of `pathEnds` (the SDK sends every call
 * so, its keys and session token in the body), from now until stop(): {bodies: [[...], ...], stop}. */
function sentBodies(page, pathEnds) {
  const bodies = pathEnds.map(() => []);
  const listener = (request) => {
    const index = pathEnds.findIndex((end) => new URL(request.url()).pathname.endsWith(end));
    if (request.method() === 'POST' && index >= 0) bodies[index].push(JSON.parse(request.postData() || '{}'));
  };
  page.on('request', listener);
  return { bodies, stop: () => page.off('request', listener) };
}

/** The page's next response from a server path ending in `pathEnd` (its rejection caught: a step failing
 * before awaiting it fails alone). */
function nextResponse(page, pathEnd) {
  const response = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith(pathEnd));
  response.catch(() => {});
  return response;
}

/** The grid's `text` column, sorted, once it shows `count` rows. */
async function shownTexts(page, count) {
  for (let i = 0; i < 50; i++) {
    const texts = await shownColumn(page, 'text').catch(() => []);
    if (texts.length === count) return texts.sort();
    await page.waitForTimeout(100);
  }
  return (await shownColumn(page, 'text')).sort();
}

/** The toolbar's Browse / Browsing menu, opened, then its `item` pressed. The dashboard's menu items act
 * on mousedown and again on click (9.2.0): a whole click would switch "Use Master Key" on and off again,
 * so only the mousedown is sent, as the menu acts on it. */
async function browseMenu(page, title, item) {
  await page.locator('#browser_mount').getByText(title, { exact: true }).click();
  await page.getByText(item).first().dispatchEvent('mousedown');
}

/** Browse → As User with reader's username and password: the dashboard logs in (POST /login with the
 * JavaScript key, no master key) and reads with reader's session token and the JavaScript key: the
 * row of the other user is gone. "Use Master Key" reads with the master key and the session token (the
 * master key wins: every row); "Stop browsing" logs out (the session is deleted) and the master key
 * reads every row again. */
async function browseAsUser(ctx, assert) {
  const { page } = ctx;
  const { className, reader } = await usersAndRows(ctx, assert);
  const sent = sentBodies(page, [`/classes/${className}`, '/login', '/logout']);
  try {
    await browseAndStop(ctx, assert, className, reader, sent.bodies);
  } finally {
    sent.stop();
  }
}

/** browseAsUser's clicks and checks; `reads`, `logins`, `logouts`: the bodies the page sends. */
async function browseAndStop(ctx, assert, className, reader, [reads, logins, logouts]) {
  const { page } = ctx;
  const lastFind = () => reads.filter((body) => !body.count).at(-1);  // not the sidebar's counts
  await openPage(ctx, `browser/${className}`);
  assert.deepEqual(await shownTexts(page, 3), ['mine', 'public', 'theirs']);

  await browseMenu(page, 'Browse', 'As User');
  await page.getByText('Browse as User', { exact: true }).waitFor();
  const dialog = page.locator('div:has(> div > div:text-is("Browse as User"))').last();
  await dialog.locator('input:not([type=password])').fill(reader.username);
  await dialog.locator('input[type=password]').fill('pw');
  const login = nextResponse(page, '/login');
  await page.getByRole('button', { name: 'Browse', exact: true }).click();
  const { sessionToken } = await (await login).json();
  assert.match(sessionToken, /^r:[0-9a-f]{32}$/);
  assert.deepEqual(Object.keys(logins[0]).sort(),
    ['_ApplicationId', '_ClientVersion', '_InstallationId', '_JavaScriptKey', 'password', 'username']);
  assert.deepEqual([logins[0].username, logins[0]._JavaScriptKey], [reader.username, ctx.jsKey]);
  await page.locator('#browser_mount').getByText('Browsing', { exact: true }).waitFor();
  assert.deepEqual(await shownTexts(page, 2), ['mine', 'public']);
  const asReader = lastFind();
  assert.deepEqual([asReader._SessionToken, asReader._JavaScriptKey, '_MasterKey' in asReader],
    [sessionToken, ctx.jsKey, false]);
  await ctx.shot('browse-as-user');

  await browseMenu(page, 'Browsing', 'Use Master Key');
  assert.deepEqual(await shownTexts(page, 3), ['mine', 'public', 'theirs']);
  const withMaster = lastFind();
  assert.deepEqual([withMaster._SessionToken, withMaster._MasterKey, '_JavaScriptKey' in withMaster],
    [sessionToken, ctx.masterKey, false]);
  await ctx.shot('browse-as-user-master-key');

  const logout = nextResponse(page, '/logout');
  if (await page.getByText(/^Stop browsing/).isVisible()) await page.getByText(/^Stop browsing/).dispatchEvent('mousedown');
  else await browseMenu(page, 'Browsing', /^Stop browsing/);
  assert.deepEqual([(await logout).status(), logouts[0]._SessionToken], [200, sessionToken]);
  await page.locator('#browser_mount').getByText('Browse', { exact: true }).waitFor();
  assert.deepEqual(await shownTexts(page, 3), ['mine', 'public', 'theirs']);
  assert.equal(lastFind()._MasterKey, ctx.masterKey);
  const where = encodeURIComponent(JSON.stringify({ sessionToken }));
  assert.deepEqual(await ctx.rest('GET', `/sessions?where=${where}`), { status: 200, body: { results: [] } });
}

/** The REST Console's "Run as..." with reader's username: the console finds reader (the master key, an
 * `$or` of username and objectId), then a session of reader (_Session, the master key), and sends the
 * GET with that session token and the REST key: reader's rows only; the master key shows all three. */
async function runAsUser(ctx, assert) {
  const { page } = ctx;
  const { className, reader } = await usersAndRows(ctx, assert);
  await openPage(ctx, 'api_console');
  await page.getByPlaceholder('classes/_User').fill(`classes/${className}`);
  const sessionLookup = nextResponse(page, '/classes/_Session');
  await page.getByPlaceholder('Username or ID').fill(reader.username);
  await page.getByPlaceholder('Username or ID').blur();
  const { results: [session] } = await (await sessionLookup).json();
  assert.equal(session.user.objectId, reader.objectId);
  const sent = nextResponse(page, `/classes/${className}`);
  await page.getByRole('button', { name: 'Send Query' }).click();
  const answer = await sent;
  const headers = answer.request().headers();
  assert.deepEqual([headers['x-parse-session-token'], headers['x-parse-rest-api-key'], headers['x-parse-master-key']],
    [session.sessionToken, ctx.restKey, undefined]);
  assert.deepEqual((await answer.json()).results.map((row) => row.text).sort(), ['mine', 'public']);
  const results = page.locator('div', { hasText: /^\{\s*"results":/ }).last();
  await results.getByText('"mine"').waitFor();
  await results.getByText('"public"').waitFor();
  assert.equal(await results.getByText('"theirs"').count(), 0);
  await results.getByText('"mine"').scrollIntoViewIfNeeded();
  await ctx.shot('api-console-run-as');
}

export const asUserSteps = { browseAsUser, runAsUser };
