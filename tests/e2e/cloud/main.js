// The Parse Server twin of hooks.py: run the reference with `--cloud tests/e2e/cloud/main.js`
// to check scenarios/cloud.mjs against it.
const TASK = 'E2ECloudTask';
const NOTE = 'E2ECloudNote';
const LOG = 'E2ECloudLog';

Parse.Cloud.define('e2eHello', (req) => `Hello ${req.params.name ?? 'world'}`);
Parse.Cloud.define('e2eTyped', () => ({
  when: new Date('2024-05-01T12:00:00.000Z'),
  where: new Parse.GeoPoint(48.85, 2.35),
  list: [1, 'two'],
}));
Parse.Cloud.define('e2eRefuse', () => {
  throw new Parse.Error(Parse.Error.VALIDATION_ERROR, 'refused');
});
Parse.Cloud.define('e2eBoom', () => {
  throw new Error('boom');
});
Parse.Cloud.define('e2eNeedsUser', (req) => req.user.get('username'), { requireUser: true });
Parse.Cloud.define('e2eContext', (req) => req.context);
Parse.Cloud.define('e2eCountTasks', () => new Parse.Query(TASK).count({ useMasterKey: true }));

Parse.Cloud.beforeSave(TASK, (req) => {
  const title = req.object.get('title');
  if (title === 'reject') throw new Parse.Error(Parse.Error.VALIDATION_ERROR, 'Title rejected');
  if (title === 'explode') throw new Error('boom');
  if (typeof title === 'string') req.object.set('title', title.trim());
  if (req.object.get('status') == null) req.object.set('status', 'open');
  if ('note' in req.context) req.object.set('contextNote', req.context.note);
});
Parse.Cloud.afterSave(TASK, async (req) => {
  if (req.context.countSaves) {
    const entry = new Parse.Object(LOG);
    await entry.save({ task: req.object, text: 'saved' }, { useMasterKey: true });
  }
});
Parse.Cloud.beforeFind(NOTE, (req) => {
  req.query.notEqualTo('archived', true);
});
Parse.Cloud.job('e2eJob', async (req) => {
  await req.message('started');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return `processed ${req.params.n}`;
});
Parse.Cloud.job('e2eFailingJob', () => {
  throw new Error('job exploded');
});
