// Parse Dashboard against the server under test, in Debian chromium (playwright-core).
// SERVER_URL, DASHBOARD_URL, APP_NAME, APP_ID, MASTER_KEY, JS_KEY, REST_KEY, SETTINGS_CLASS (the
// dashboard's config.className), SHOTS (screenshot folder), RESULTS (a JSON file),
// CHROMIUM. Every step drives one page as an admin would and checks its effect through the REST API;
// a failing step is recorded (with a screenshot) and the next one still runs.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { steps } from './steps.mjs';
import { adminSteps } from './admin_steps.mjs';
import { rowSteps } from './row_steps.mjs';
import { configSteps } from './config_steps.mjs';
import { asUserSteps } from './as_user_steps.mjs';
import { consoleSteps } from './console_steps.mjs';
import { viewSteps } from './view_steps.mjs';

const env = process.env;
const ctx = {
  server: env.SERVER_URL,
  dashboard: env.DASHBOARD_URL.replace(/\/$/, ''),
  app: env.APP_NAME,
  appId: env.APP_ID,
  masterKey: env.MASTER_KEY,
  jsKey: env.JS_KEY,
  restKey: env.REST_KEY,
  settingsClass: env.SETTINGS_CLASS,
  shots: env.SHOTS,
  stamp: Date.now().toString(36),
  state: {},
};
const only = env.STEPS ? env.STEPS.split(',') : null;

/** A REST call with the master key; answers {status, body}. */
ctx.rest = async (method, path, body, extraHeaders = {}) => {
  const response = await fetch(`${ctx.server}${path}`, {
    method,
    headers: { 'X-Parse-Application-Id': ctx.appId, 'X-Parse-Master-Key': ctx.masterKey,
               'Content-Type': 'application/json', ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  return { status: response.status, body: parsed };
};

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
context.setDefaultTimeout(10000);
const page = await context.newPage();
const serverErrors = [];
page.on('pageerror', (e) => console.error('page error:', e.message));
page.on('response', (r) => {
  if (r.url().startsWith(ctx.server) && r.status() >= 400) {
    serverErrors.push(`${r.status()} ${r.request().method()} ${r.url()} ${r.request().postData()?.slice(0, 200)}`);
  }
});
ctx.page = page;
ctx.url = (path) => `${ctx.dashboard}/apps/${encodeURIComponent(ctx.app)}/${path}`;
ctx.shot = (name) => page.screenshot({ path: `${ctx.shots}/${name}.png` });

const results = {};
for (const [name, step] of Object.entries({ ...steps, ...adminSteps, ...rowSteps, ...configSteps, ...asUserSteps, ...consoleSteps, ...viewSteps })) {
  if (only && !only.includes(name)) continue;
  serverErrors.length = 0;
  try {
    const outcome = await step(ctx, assert);
    results[name] = outcome && outcome.skip ? { skip: outcome.skip } : { ok: true };
    console.log(`${name}: ${results[name].skip ? 'skip' : 'ok'}`);
  } catch (e) {
    await ctx.shot(`${name}-failed`).catch(() => {});
    results[name] = { error: `${e.stack || e}\nserver answers >= 400 during the step:\n${serverErrors.join('\n')}` };
    console.log(`${name}: FAILED ${e.message}`);
  }
}
writeFileSync(env.RESULTS, JSON.stringify(results, null, 2));
await browser.close();
