// LiveQuery: the SDK's own LiveQueryClient, connected to the server URL with ws://.
// A dispatcher watches jobs, a technician updates one, the dispatcher receives `update`; a user
// without read access receives nothing. The class name is fixed because the server must list it
// in liveQuery.classNames (test_sdk.py starts ours with {"classNames": ["E2ELiveJob"]}); each run
// tags its objects with a random value and subscribes only to its own tag.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MASTER, Parse } from '../lib/parse.mjs';

const JOB = 'E2ELiveJob';
const EVENT_TIMEOUT_MS = 5000;
const run = randomBytes(5).toString('hex');
const wsURL = process.env.SERVER_URL.replace(/^http/, 'ws');
const clients = [];
const objects = [];
const users = {};

async function signUp(role) {
  const user = new Parse.User();
  user.set({ username: `e2e_${role}_${run}`, password: 'pass-word-1' });
  await user.signUp();
  await Parse.User.logOut();
  return user;
}

/** A LiveQueryClient for one user (its session decides what it may receive). */
function liveClient(user) {
  const client = new Parse.LiveQueryClient({
    applicationId: process.env.APP_ID,
    serverURL: wsURL,
    javascriptKey: process.env.JS_KEY,
    sessionToken: user?.getSessionToken(),
  });
  client.open();
  clients.push(client);
  return client;
}

/** Subscribes and waits for `subscribed`; every event is recorded in `subscription.seen`. */
async function subscribe(client, query, user) {
  const subscription = client.subscribe(query, user?.getSessionToken());
  subscription.seen = [];
  for (const name of ['create', 'enter', 'update', 'leave', 'delete']) {
    subscription.on(name, (object, original) => subscription.seen.push({ name, object, original }));
  }
  await subscription.subscribePromise;
  return subscription;
}

/** The subscription's next event (index `n` of everything it saw), within a time limit. */
async function eventNumber(subscription, n) {
  const deadline = Date.now() + EVENT_TIMEOUT_MS;
  while (subscription.seen.length <= n) {
    assert.ok(Date.now() < deadline, `no event #${n + 1} within ${EVENT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return subscription.seen[n];
}

async function save(attrs, options, acl) {
  const job = new Parse.Object(JOB);
  if (acl) job.setACL(acl);
  await job.save({ run, ...attrs }, options);
  objects.push(job);
  return job;
}

before(async () => {
  for (const role of ['dispatcher', 'technician', 'outsider']) users[role] = await signUp(role);
});

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Parse.Object.destroyAll(objects, MASTER).catch(() => {});
  await Parse.Object.destroyAll(Object.values(users), MASTER).catch(() => {});
});

describe('LiveQuery with the SDK client', () => {
  test('the dispatcher receives the technician\'s update; an outsider receives nothing', async () => {
    const { dispatcher, technician, outsider } = users;
    const tag = `job-${run}`;
    const acl = new Parse.ACL();
    acl.setReadAccess(dispatcher, true);
    acl.setWriteAccess(dispatcher, true);
    acl.setReadAccess(technician, true);
    acl.setWriteAccess(technician, true);
    const job = await save({ tag, status: 'assigned' }, { sessionToken: dispatcher.getSessionToken() }, acl);

    const query = () => new Parse.Query(JOB).equalTo('tag', tag);
    const watching = await subscribe(liveClient(dispatcher), query(), dispatcher);
    const outside = await subscribe(liveClient(outsider), query(), outsider);

    const update = Parse.Object.extend(JOB).createWithoutData(job.id);
    await update.save({ status: 'in_progress' }, { sessionToken: technician.getSessionToken() });

    const event = await eventNumber(watching, 0);
    assert.equal(event.name, 'update');
    assert.equal(event.object.id, job.id);
    assert.equal(event.object.get('status'), 'in_progress');
    assert.equal(event.original.get('status'), 'assigned');
    assert.ok(event.object.getACL().getReadAccess(technician));

    // A public job with the same tag: the outsider's first event must be that one.
    const board = await save({ tag, status: 'open' }, { sessionToken: dispatcher.getSessionToken() });
    const first = await eventNumber(outside, 0);
    assert.equal(first.name, 'create');
    assert.equal(first.object.id, board.id);
    assert.equal((await eventNumber(watching, 1)).object.id, board.id);
  });

  test('create, leave, enter and delete as a job moves through a query', async () => {
    const { dispatcher } = users;
    const tag = `flow-${run}`;
    const query = new Parse.Query(JOB).equalTo('tag', tag).equalTo('status', 'open');
    const subscription = await subscribe(liveClient(dispatcher), query, dispatcher);

    const job = await save({ tag, status: 'open' }, { sessionToken: dispatcher.getSessionToken() });
    await job.save({ status: 'assigned' }, { sessionToken: dispatcher.getSessionToken() });
    await job.save({ status: 'open' }, { sessionToken: dispatcher.getSessionToken() });
    await job.destroy({ sessionToken: dispatcher.getSessionToken() });
    objects.splice(objects.indexOf(job), 1);

    const names = [];
    for (let n = 0; n < 4; n += 1) names.push((await eventNumber(subscription, n)).name);
    assert.deepEqual(names, ['create', 'leave', 'enter', 'delete']);
    const leave = subscription.seen[1];
    assert.equal(leave.object.get('status'), 'assigned');
    assert.equal(leave.original.get('status'), 'open');
  });

  test('select() limits the fields an event carries', async () => {
    const { dispatcher } = users;
    const tag = `keys-${run}`;
    const query = new Parse.Query(JOB).equalTo('tag', tag).select('status');
    const subscription = await subscribe(liveClient(dispatcher), query, dispatcher);
    await save({ tag, status: 'open', notes: 'not for this view' }, { sessionToken: dispatcher.getSessionToken() });
    const event = await eventNumber(subscription, 0);
    assert.equal(event.object.get('status'), 'open');
    assert.equal(event.object.get('notes'), undefined);
  });

  test('unsubscribe stops the events', async () => {
    const { dispatcher } = users;
    const tag = `unsub-${run}`;
    const client = liveClient(dispatcher);
    const gone = await subscribe(client, new Parse.Query(JOB).equalTo('tag', tag), dispatcher);
    const kept = await subscribe(client, new Parse.Query(JOB).equalTo('tag', tag), dispatcher);
    await client.unsubscribe(gone);
    const job = await save({ tag }, { sessionToken: dispatcher.getSessionToken() });
    assert.equal((await eventNumber(kept, 0)).object.id, job.id);
    assert.equal(gone.seen.length, 0);
  });
});
