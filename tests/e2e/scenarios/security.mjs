// Users, sessions, roles and permissions as an app uses them: Parse.User signUp / logIn / logOut /
// become / current, a Parse.Role hierarchy, Parse.ACL on objects, CLPs set through Parse.Schema,
// protectedFields. Two users: ann (staff, through a role hierarchy) and bob (no role).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MASTER, Parse, dropClasses, rejectsWithCode, uniqueClass } from '../lib/parse.mjs';

Parse.User.enableUnsafeCurrentUser(); // node: keep a current user like a browser app does

const suffix = randomBytes(4).toString('hex');
const Doc = uniqueClass('E2EDoc');
const Report = uniqueClass('E2EReport');
const Profile = uniqueClass('E2EProfile');
const users = {};
const roles = {};

async function signUpUser(name) {
  const user = new Parse.User();
  user.set({ username: `${name}_${suffix}`, password: `${name}-pw`, email: `${name}_${suffix}@example.com` });
  await user.signUp();
  const token = user.getSessionToken();
  // Forget the current user locally, keeping its session (logOut would revoke it; a second
  // logIn from this "device" would replace it, sessions being one per user and installation).
  await Parse.CoreManager.getUserController().removeUserFromDisk();
  return { user, token };
}

before(async () => {
  users.ann = await signUpUser('ann');
  users.bob = await signUpUser('bob');
  users.cy = await signUpUser('cy'); // the session tests log cy in and out; ann and bob keep theirs
  // Staff members hold Admins too: Admins.roles contains Staff.
  const roleAcl = new Parse.ACL();
  roleAcl.setPublicReadAccess(true);
  roles.staff = new Parse.Role(`Staff_${suffix}`, roleAcl);
  roles.staff.getUsers().add(users.ann.user);
  await roles.staff.save(null, MASTER);
  roles.admins = new Parse.Role(`Admins_${suffix}`, roleAcl);
  roles.admins.getRoles().add(roles.staff);
  await roles.admins.save(null, MASTER);
});

after(async () => {
  await Parse.User.logOut().catch(() => {});
  for (const object of [roles.admins, roles.staff, users.ann?.user, users.bob?.user, users.cy?.user]) {
    if (object) await object.destroy(MASTER).catch(() => {});
  }
  await dropClasses();
});

describe('users and sessions', () => {
  test('logIn makes the user current, with a revocable session token', async () => {
    const user = await Parse.User.logIn(`cy_${suffix}`, 'cy-pw');
    assert.equal(Parse.User.current().id, users.cy.user.id);
    assert.match(user.getSessionToken(), /^r:[0-9a-f]{32}$/);
    assert.equal(user.get('email'), `cy_${suffix}@example.com`);
  });

  test('logOut revokes the session and clears the current user', async () => {
    const user = await Parse.User.logIn(`cy_${suffix}`, 'cy-pw');
    const token = user.getSessionToken();
    await Parse.User.logOut();
    assert.equal(Parse.User.current(), null);
    await rejectsWithCode(Parse.User.become(token), Parse.Error.INVALID_SESSION_TOKEN);
  });

  test('become restores a user from its session token', async () => {
    const user = await Parse.User.become(users.bob.token);
    assert.equal(user.id, users.bob.user.id);
    assert.equal(Parse.User.current().getUsername(), `bob_${suffix}`);
    await Parse.CoreManager.getUserController().removeUserFromDisk();
  });

  test('a wrong password is OBJECT_NOT_FOUND', async () => {
    await rejectsWithCode(Parse.User.logIn(`cy_${suffix}`, 'nope'), Parse.Error.OBJECT_NOT_FOUND,
      'Invalid username/password.');
  });

  test('a username taken in another case is USERNAME_TAKEN', async () => {
    const user = new Parse.User();
    user.set({ username: `ANN_${suffix}`, password: 'x' });
    await rejectsWithCode(user.signUp(), Parse.Error.USERNAME_TAKEN);
  });

  test('another user cannot modify a user', async () => {
    const ann = await new Parse.Query(Parse.User).get(users.ann.user.id, MASTER);
    ann.set('nick', 'pwned');
    await rejectsWithCode(ann.save(null, { sessionToken: users.bob.token }), Parse.Error.SESSION_MISSING);
  });
});

describe('roles and ACLs', () => {
  test('a role hierarchy grants what the top role may read', async () => {
    const acl = new Parse.ACL();
    acl.setRoleReadAccess(`Admins_${suffix}`, true);
    const report = await new Parse.Object(Report).save({ title: 'quarterly', ACL: acl }, MASTER);
    const seen = await new Parse.Query(Report).get(report.id, { sessionToken: users.ann.token });
    assert.equal(seen.get('title'), 'quarterly');
    await rejectsWithCode(new Parse.Query(Report).get(report.id, { sessionToken: users.bob.token }),
      Parse.Error.OBJECT_NOT_FOUND);
  });

  test('a private object is invisible and unwritable to others', async () => {
    const doc = new Parse.Object(Doc);
    doc.set('text', 'ann only');
    doc.setACL(new Parse.ACL(users.ann.user));
    await doc.save(null, { sessionToken: users.ann.token });
    const found = await new Parse.Query(Doc).find({ sessionToken: users.bob.token });
    assert.deepEqual(found, []);
    assert.equal(await new Parse.Query(Doc).count({ sessionToken: users.bob.token }), 0);
    const handle = Parse.Object.extend(Doc).createWithoutData(doc.id);
    handle.set('text', 'bob was here');
    await rejectsWithCode(handle.save(null, { sessionToken: users.bob.token }), Parse.Error.OBJECT_NOT_FOUND);
    await rejectsWithCode(handle.destroy({ sessionToken: users.bob.token }), Parse.Error.OBJECT_NOT_FOUND);
    const mine = await new Parse.Query(Doc).get(doc.id, { sessionToken: users.ann.token });
    assert.equal(mine.get('text'), 'ann only');
  });

  test('public read with owner write', async () => {
    const acl = new Parse.ACL(users.ann.user);
    acl.setPublicReadAccess(true);
    const doc = await new Parse.Object(Doc).save({ text: 'read me', ACL: acl }, { sessionToken: users.ann.token });
    const seen = await new Parse.Query(Doc).get(doc.id, { sessionToken: users.bob.token });
    seen.set('text', 'changed');
    await rejectsWithCode(seen.save(null, { sessionToken: users.bob.token }), Parse.Error.OBJECT_NOT_FOUND);
  });
});

describe('class-level permissions and protected fields', () => {
  before(async () => {
    const schema = new Parse.Schema(Profile);
    schema.addString('name').addString('salary');
    schema.setCLP({
      find: { requiresAuthentication: true },
      get: { requiresAuthentication: true },
      count: { requiresAuthentication: true },
      create: { [`role:Staff_${suffix}`]: true },
      update: { [`role:Staff_${suffix}`]: true },
      delete: {},
      addField: {},
      protectedFields: { '*': ['salary'] },
    });
    await schema.save();
  });

  test('requiresAuthentication refuses anonymous queries', async () => {
    // Parse Server 9 shortens this message unless enableSanitizedErrorResponse is false.
    await rejectsWithCode(new Parse.Query(Profile).find(), Parse.Error.OBJECT_NOT_FOUND, /^Permission denied/);
  });

  test('only the role named by the CLP may create', async () => {
    const created = await new Parse.Object(Profile).save({ name: 'zed', salary: '100' },
      { sessionToken: users.ann.token });
    assert.ok(created.id);
    await rejectsWithCode(new Parse.Object(Profile).save({ name: 'x' }, { sessionToken: users.bob.token }),
      Parse.Error.OPERATION_FORBIDDEN);
  });

  test('protected fields are hidden from users but not from the master key', async () => {
    const [seen] = await new Parse.Query(Profile).find({ sessionToken: users.bob.token });
    assert.equal(seen.get('name'), 'zed');
    assert.equal(seen.get('salary'), undefined);
    const [full] = await new Parse.Query(Profile).find(MASTER);
    assert.equal(full.get('salary'), '100');
  });

  test('a user cannot read another user\'s email', async () => {
    const ann = await new Parse.Query(Parse.User).get(users.ann.user.id, MASTER);
    ann.setACL(new Parse.ACL({ '*': { read: true }, [ann.id]: { read: true, write: true } }));
    await ann.save(null, MASTER);
    const seen = await new Parse.Query(Parse.User).get(users.ann.user.id, { sessionToken: users.bob.token });
    assert.equal(seen.getUsername(), `ann_${suffix}`);
    assert.equal(seen.get('email'), undefined);
  });
});
