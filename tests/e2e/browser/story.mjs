// The Home Health Aide story in a real browser (Debian chromium driven by playwright-core).
// BASE_URL: the server's origin; SHOTS: a folder for screenshots; PART: `graphql` runs only the
// playground's GraphQL request. Each step asserts what the user sees.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SHOTS;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const shot = (page, name) => page.screenshot({ path: `${SHOTS}/${name}.png` });

async function logIn(context, username) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${username}] page error:`, e.message));
  await page.goto(`${BASE}/`);
  await page.fill('#username', username);
  await page.fill('#password', 'homehealth');
  await page.click('button[type=submit]');
  await page.waitForSelector('.who');
  return page;
}

const alertWith = (page, text) => page.locator('.alert', { hasText: text }).first();

try {
  if (process.env.PART === 'graphql') {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${BASE}/playground#graphql`);
    await page.click('text=GraphQL');
    await page.waitForSelector('.graphiql-container');
    // GraphiQL ignores a run before its editor holds the default query (it loads the schema first)
    await page.waitForFunction(() => /health/.test(document.querySelector('.graphiql-query-editor')?.textContent || ''));
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => /"health":\s*true/.test(document.querySelector('.result-window')?.textContent || ''), null, { timeout: 10000 });
    await shot(page, 'playground-graphql');
    console.log('graphql ok');
  } else {
    const office = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const field = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const dana = await logIn(office, 'dana');
    await dana.waitForSelector('.column[data-status=open] .job');
    await shot(dana, 'login-board');

    // 1. the dispatcher creates a job near Alex and routes it
    const stamp = Date.now();
    const title = `Nebulizer: no mist ${stamp}`;
    const note = `Replaced the compressor filter (${stamp})`;
    await dana.fill('#job-description', title);
    await dana.fill('#job-address', '2300 N Lincoln Ave');
    await dana.fill('#job-lat', '41.9240');
    await dana.fill('#job-lon', '-87.6480');
    // scheduled for today (UTC), whatever the hour the suite runs at: the technician's page lists today's visits
    await dana.fill('#job-time', new Date().toISOString().slice(0, 16));
    await dana.click('text=Create job');
    const card = dana.locator('.job', { hasText: title });
    await card.locator('text=Route to nearest').waitFor();
    assert.equal(await card.evaluate((el) => el.closest('.column').dataset.status), 'open');
    await card.locator('text=Route to nearest').click();
    await alertWith(dana, 'Routed to Alex Kowalski').waitFor();
    await dana.locator('.column[data-status=assigned] .job', { hasText: title }).waitFor();
    await shot(dana, 'board');

    // 2. the technician's page (phone-sized) shows it on today's route
    const alex = await logIn(field, 'alex');
    const stop = alex.locator('.job', { hasText: title });
    await stop.waitFor();
    await shot(alex, 'technician-route');

    // 3. takes a part for it: stock goes down
    const cannula = await alex.locator('select[aria-label=Part] option', { hasText: 'Nasal cannula, adult' }).first().textContent();
    const before = Number(/\((\d+) left\)/.exec(cannula)[1]);
    await stop.locator('select[aria-label=Part]').selectOption({ label: cannula });
    await stop.locator('text=Take one').click();
    await alertWith(alex, 'Part taken from stock').waitFor();

    // 4. starts it: the dispatcher's board updates live, with an alert, without reload
    const started = Date.now();
    await alex.locator('.job', { hasText: title }).locator('text=Start').click();
    await alertWith(dana, `job "${title}" is now in_progress`).waitFor({ timeout: 5000 });
    await dana.locator('.column[data-status=in_progress] .job', { hasText: title }).waitFor({ timeout: 5000 });
    console.log(`live update after ${Date.now() - started} ms`);
    await shot(dana, 'board-live');

    // 5. completes it with a note
    const running = alex.locator('.job', { hasText: title });
    await running.locator('input[aria-label="Service note"]').fill(note);
    await running.locator('text=Complete').click();
    await alertWith(alex, 'Job completed').waitFor();
    await dana.locator('.column[data-status=completed] .job', { hasText: title }).waitFor({ timeout: 5000 });

    // 6. a refused action shows the backend's message
    await alex.click('header >> text=Parts');
    await alex.locator('tr[data-part="Nasal cannula, adult"] >> text=Restock +5').click();
    await alertWith(alex, 'Error 119: Only a dispatcher or a manager can add stock').waitFor();
    await shot(alex, 'technician-refused');

    // 7. the dispatcher sees the stock down by one, the technicians' map, the service log
    await dana.click('header >> text=Parts');
    await dana.locator('tr[data-part="Nasal cannula, adult"] .qty', { hasText: String(before - 1) }).waitFor();
    await shot(dana, 'parts');
    await dana.click('header >> text=Technicians');
    await dana.locator('.tech-dot[data-name="Alex Kowalski"]').waitFor();
    await shot(dana, 'technicians-map');
    await dana.click('header >> text=Service logs');
    await dana.locator('td', { hasText: note }).waitFor();
    await shot(dana, 'service-logs');
    await dana.click('header >> text=Profile');
    await dana.locator('#p-username').waitFor();
    await shot(dana, 'profile');

    // 8. the playground sends a REST request with the session of the app
    await dana.goto(`${BASE}/playground`);
    await dana.locator('.schema details[data-class=Job]').waitFor();
    await dana.fill('#q-where', JSON.stringify({ description: title }));
    await dana.click('text=Send');
    await dana.locator('.response .status', { hasText: '200' }).waitFor();
    const body = JSON.parse(await dana.locator('.response pre').textContent());
    assert.equal(body.results.length, 1);
    assert.equal(body.results[0].status, 'completed');
    assert.match(await dana.locator('pre.curl').textContent(), /curl -X GET [\s\S]*\/classes\/Job\?where=/);
    await shot(dana, 'playground-rest');

    // 9. and the docs page
    await dana.goto(`${BASE}/docs`);
    await dana.locator('#er svg').waitFor();
    await shot(dana, 'docs');
    console.log('story ok');
  }
} finally {
  await browser.close();
}
