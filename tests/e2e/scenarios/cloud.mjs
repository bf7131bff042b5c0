// Cloud code: Parse.Cloud.run, beforeSave changing and rejecting, context, find hooks, jobs.
// Needs the hooks of tests/e2e/cloud (hooks.py for parse_clone, main.js for Parse Server):
// their class names are fixed, so this file purges and drops them afterwards.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MASTER, Parse, rejectsWithCode } from '../lib/parse.mjs';

const TASK = 'E2ECloudTask';
const NOTE = 'E2ECloudNote';
const LOG = 'E2ECloudLog';
const { SCRIPT_FAILED, VALIDATION_ERROR } = Parse.Error;
const users = [];

after(async () => {
  for (const user of users) await user.destroy(MASTER).catch(() => {});
  for (const name of [TASK, NOTE, LOG]) {
    const schema = new Parse.Schema(name);
    try {
      await schema.purge();
      await schema.delete();
    } catch (error) {
      if (error?.code !== Parse.Error.INVALID_CLASS_NAME) console.error(`# clean-up of ${name}: ${error?.message}`);
    }
  }
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Parse.Cloud.run', () => {
  test('returns the function result', async () => {
    assert.equal(await Parse.Cloud.run('e2eHello', { name: 'Ann' }), 'Hello Ann');
    assert.equal(await Parse.Cloud.run('e2eHello'), 'Hello world');
  });

  test('decodes Parse types in the result', async () => {
    const result = await Parse.Cloud.run('e2eTyped');
    assert.ok(result.when instanceof Date);
    assert.equal(result.when.toISOString(), '2024-05-01T12:00:00.000Z');
    assert.ok(result.where instanceof Parse.GeoPoint);
    assert.deepEqual([result.where.latitude, result.where.longitude], [48.85, 2.35]);
    assert.deepEqual(result.list, [1, 'two']);
  });

  test('an unknown function fails with 141', async () => {
    await rejectsWithCode(Parse.Cloud.run('e2eNoSuchFunction'), SCRIPT_FAILED,
      'Invalid function: "e2eNoSuchFunction"');
  });

  test('a ParseError keeps its code, any other error is 141', async () => {
    await rejectsWithCode(Parse.Cloud.run('e2eRefuse'), VALIDATION_ERROR, 'refused');
    await rejectsWithCode(Parse.Cloud.run('e2eBoom'), SCRIPT_FAILED, 'boom');
  });

  test('a requireUser validator needs a session', async () => {
    await rejectsWithCode(Parse.Cloud.run('e2eNeedsUser'), VALIDATION_ERROR,
      'Validation failed. Please login to continue.');
    const username = `e2e_cloud_${randomBytes(4).toString('hex')}`;
    const user = await Parse.User.signUp(username, 'pass');
    users.push(user);
    const answer = await Parse.Cloud.run('e2eNeedsUser', {}, { sessionToken: user.getSessionToken() });
    assert.equal(answer, username);
  });

  test('context reaches the function', async () => {
    assert.deepEqual(await Parse.Cloud.run('e2eContext', {}, { context: { from: 'sdk' } }), { from: 'sdk' });
  });
});

describe('beforeSave', () => {
  test('changes made by the hook are saved and come back to the SDK', async () => {
    const task = await new Parse.Object(TASK).save({ title: '  paint fence  ' });
    assert.equal(task.get('title'), 'paint fence');
    assert.equal(task.get('status'), 'open');
    const fetched = await new Parse.Query(TASK).get(task.id);
    assert.equal(fetched.get('title'), 'paint fence');
    assert.equal(fetched.get('status'), 'open');
  });

  test('changes on update come back too', async () => {
    const task = await new Parse.Object(TASK).save({ title: 'a', status: 'done' });
    task.set('title', '  b  ');
    await task.save();
    assert.equal(task.get('title'), 'b');
  });

  test('a ParseError rejects the save with its code', async () => {
    await rejectsWithCode(new Parse.Object(TASK).save({ title: 'reject' }), VALIDATION_ERROR, 'Title rejected');
    assert.equal(await new Parse.Query(TASK).equalTo('title', 'reject').count(), 0);
  });

  test('any other error rejects the save with 141', async () => {
    await rejectsWithCode(new Parse.Object(TASK).save({ title: 'explode' }), SCRIPT_FAILED, 'boom');
  });

  test('context passed to save reaches the hook', async () => {
    const task = await new Parse.Object(TASK).save({ title: 'ctx' }, { context: { note: 'from the sdk' } });
    assert.equal(task.get('contextNote'), 'from the sdk');
    const fetched = await new Parse.Query(TASK).get(task.id);
    assert.equal(fetched.get('contextNote'), 'from the sdk');
  });

  test('context reaches afterSave, which may write other classes', async () => {
    const task = await new Parse.Object(TASK).save({ title: 'counted' }, { context: { countSaves: true } });
    const entries = await new Parse.Query(LOG).equalTo('task', task).find();
    assert.deepEqual(entries.map((n) => n.get('text')), ['saved']);
  });
});

describe('beforeFind', () => {
  test('the hook narrows what queries return', async () => {
    const shown = await new Parse.Object(NOTE).save({ text: 'shown' });
    const archived = await new Parse.Object(NOTE).save({ text: 'hidden', archived: true });
    const texts = (await new Parse.Query(NOTE).containedIn('objectId', [shown.id, archived.id]).find())
      .map((n) => n.get('text'));
    assert.deepEqual(texts, ['shown']);
  });
});

describe('jobs', () => {
  const waitForJob = async (jobId) => {
    for (let i = 0; i < 200; i += 1) {
      const status = await Parse.Cloud.getJobStatus(jobId);
      if (status.get('status') !== 'running') return status;
      await sleep(25);
    }
    throw new Error(`job ${jobId} still running`);
  };

  test('a started job runs in the background and its status can be polled', async () => {
    const jobId = await Parse.Cloud.startJob('e2eJob', { n: 2 });
    assert.equal(typeof jobId, 'string');
    const status = await waitForJob(jobId);
    assert.equal(status.get('status'), 'succeeded');
    assert.equal(status.get('jobName'), 'e2eJob');
    assert.equal(status.get('message'), 'processed 2');
    assert.ok(status.get('finishedAt') instanceof Date);
  });

  test('a failing job ends as failed with its message', async () => {
    const status = await waitForJob(await Parse.Cloud.startJob('e2eFailingJob'));
    assert.equal(status.get('status'), 'failed');
    assert.equal(status.get('message'), 'job exploded');
  });

  test('an unknown job fails with 141', async () => {
    await rejectsWithCode(Parse.Cloud.startJob('e2eNoSuchJob'), SCRIPT_FAILED, 'Invalid job.');
  });
});
