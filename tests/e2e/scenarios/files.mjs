// Files: Parse.File save (JSON/base64 upload), attach to an object, fetch and download, destroy.
// Uploads run as a signed-up user: Parse Server's default fileUpload rules refuse the public
// (no session) and allow authenticated users; the master key is used only to destroy, as an
// app's server would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MASTER, Parse, dropClasses, rejectsWithCode, uniqueClass } from '../lib/parse.mjs';

const Job = uniqueClass('E2EJob');
const TEXT = 'Visit notes: blood pressure 120/80.';
const PHOTO = Uint8Array.from({ length: 600 }, (_, i) => (i * 7) % 256); // binary, not UTF-8
let user;
let session;
const saved = [];
const keep = (file) => {
  saved.push(file);
  return file;
};

// File urls are built from the server's configured URL; fetch them through the URL the scenario
// was given, so a server answering on 127.0.0.1 under the name localhost is still reached.
const reachable = (url) => new URL(new URL(url).pathname, process.env.SERVER_URL).href;

before(async () => {
  user = await Parse.User.signUp(`e2e_files_${randomBytes(6).toString('hex')}`, 'secret-pass');
  session = { sessionToken: user.getSessionToken() };
});

after(async () => {
  for (const file of saved) await file.destroy(MASTER).catch(() => {});
  await dropClasses();
  if (user) await user.destroy(MASTER);
});

describe('Parse.File', () => {
  test('save() uploads and answers a unique name and its url', async () => {
    const file = new Parse.File('notes.txt', { base64: Buffer.from(TEXT).toString('base64') }, 'text/plain');
    assert.equal(file.url(), undefined);
    assert.equal(await file.save(session).then(keep), file);
    assert.match(file.name(), /^[0-9a-f]{32}_notes\.txt$/);
    assert.match(file.url(), new RegExp(`/files/${process.env.APP_ID}/${file.name()}$`));
    const response = await fetch(reachable(file.url()));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/plain/);
    assert.equal(await response.text(), TEXT);
  });

  test('a file attached to an object comes back as a Parse.File that downloads', async () => {
    const photo = new Parse.File('photo.jpg', Array.from(PHOTO), 'image/jpeg');
    await photo.save(session).then(keep);
    const job = new Parse.Object(Job);
    job.set('photo', photo);
    await job.save(null, session);

    const fetched = await new Parse.Query(Job).get(job.id, session);
    const again = fetched.get('photo');
    assert.ok(again instanceof Parse.File);
    assert.equal(again.name(), photo.name());
    assert.equal(new URL(again.url()).pathname, new URL(photo.url()).pathname);
    const response = await fetch(reachable(again.url()));
    assert.equal(response.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), PHOTO);
  });

  test('an unsaved file is uploaded when its object is saved', async () => {
    const job = new Parse.Object(Job);
    job.set('form', new Parse.File('signed form.pdf', { base64: 'JVBERi0xLjQK' }, 'application/pdf'));
    await job.save(null, session);
    const form = keep((await new Parse.Query(Job).get(job.id, session)).get('form'));
    assert.match(form.name(), /^[0-9a-f]{32}_signed form\.pdf$/);
    assert.match(form.url(), /_signed%20form\.pdf$/);
    const response = await fetch(reachable(form.url()));
    assert.equal(Buffer.from(await response.arrayBuffer()).toString('base64'), 'JVBERi0xLjQK');
  });

  test('byte ranges of a file can be downloaded', async () => {
    const file = await new Parse.File('range.txt', { base64: Buffer.from(TEXT).toString('base64') })
      .save(session)
      .then(keep);
    const response = await fetch(reachable(file.url()), { headers: { Range: 'bytes=0-4' } });
    // Parse Server on its file-system adapter ignores Range (200, whole file); ours answers 206.
    assert.ok([200, 206].includes(response.status));
    const body = await response.text();
    assert.equal(body, response.status === 206 ? 'Visit' : TEXT);
  });

  test('metadata saved with a file is served by the metadata route', async () => {
    const file = new Parse.File('meta.txt', { base64: 'aGk=' }, 'text/plain');
    file.setMetadata({ visit: 'V-17' });
    await file.save(session).then(keep);
    const metadataUrl = reachable(file.url()).replace(`/files/${process.env.APP_ID}/`,
      `/files/${process.env.APP_ID}/metadata/`);
    const metadata = await (await fetch(metadataUrl)).json();
    // GridFS keeps metadata; Parse Server's file-system adapter answers {}.
    assert.ok(metadata.metadata === undefined || metadata.metadata.visit === 'V-17', JSON.stringify(metadata));
  });

  test('upload without a session is refused with 130 (public upload is off by default)', async () => {
    const file = new Parse.File('anon.txt', { base64: 'aGk=' }, 'text/plain');
    await rejectsWithCode(file.save(), Parse.Error.FILE_SAVE_ERROR, 'File upload by public is disabled.');
  });

  test('invalid file names are refused with 122', async () => {
    const file = new Parse.File('bad$name.txt', { base64: 'aGk=' }, 'text/plain');
    await rejectsWithCode(file.save(session), Parse.Error.INVALID_FILE_NAME);
  });

  test('destroy() with the master key deletes the file', async () => {
    const file = await new Parse.File('gone.txt', { base64: 'aGk=' }, 'text/plain').save(session);
    assert.equal((await fetch(reachable(file.url()))).status, 200);
    await file.destroy(MASTER);
    const response = await fetch(reachable(file.url()));
    assert.equal(response.status, 404);
    assert.equal(await response.text(), 'File not found.');
  });
});
