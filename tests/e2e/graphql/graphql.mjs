// The GraphQL API through real clients from the npm registry: graphql-request sends the operations,
// and the `graphql` package (the reference implementation) rebuilds our schema from introspection with
// buildClientSchema and validates the operations against it. Objects saved with the Parse JS SDK show
// up in GraphQL, and GraphQL writes show up in the SDK.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLClient, ClientError, gql } from 'graphql-request';
import { buildClientSchema, getIntrospectionQuery, parse, validate, assertValidSchema } from 'graphql';
import { Parse, MASTER } from '../lib/parse.mjs';

const GRAPHQL_URL = process.env.GRAPHQL_URL;
const keys = { 'X-Parse-Application-Id': process.env.APP_ID, 'X-Parse-Javascript-Key': process.env.JS_KEY };
const client = new GraphQLClient(GRAPHQL_URL, { headers: keys });
const master = new GraphQLClient(GRAPHQL_URL, { headers: { ...keys, 'X-Parse-Master-Key': process.env.MASTER_KEY } });

async function clientSchema() {
  const introspection = await master.request(getIntrospectionQuery());
  const schema = buildClientSchema(introspection);
  assertValidSchema(schema);
  return schema;
}

function checked(schema, source) {
  const errors = validate(schema, parse(source));
  assert.deepEqual(errors.map((e) => e.message), []);
  return source;
}

test('the introspected schema is valid and carries Parse types', async () => {
  const schema = await clientSchema();
  for (const name of ['User', 'Role', 'Viewer', 'Node', 'ParseObject', 'ACL', 'PageInfo', 'UserConnection',
    'CreateUserFieldsInput', 'UserWhereInput', 'UserOrder', 'Date', 'Bytes', 'File', 'Upload', 'GeoPoint']) {
    assert.ok(schema.getType(name), `type ${name} is missing`);
  }
  assert.equal(String(schema.getQueryType().getFields().users.type), 'UserConnection!');
  assert.deepEqual(Object.keys(schema.getMutationType().getFields()).filter((n) => n.endsWith('User')),
    ['createUser', 'updateUser', 'deleteUser']);
});

test('a class created through the SDK is served by GraphQL on the next request', async () => {
  const className = `Gql${Date.now().toString(36)}Item`;
  const item = await new Parse.Object(className).save({ title: 'from sdk', rank: 1 }, MASTER);
  const schema = await clientSchema();
  const lower = className[0].toLowerCase() + className.slice(1);
  const find = checked(schema, `query { ${lower}s(where: { rank: { greaterThan: 0 } }, order: [rank_DESC]) {
    count edges { cursor node { id objectId title rank } } } }`);
  const found = (await client.request(find))[`${lower}s`];
  assert.equal(found.count, 1);
  assert.equal(found.edges[0].node.objectId, item.id);
  assert.equal(found.edges[0].node.title, 'from sdk');

  const create = checked(schema, `mutation($fields: Create${className}FieldsInput) {
    create${className}(input: { fields: $fields, clientMutationId: "e2e" }) { clientMutationId ${lower} { id objectId title rank } } }`);
  const created = await client.request(create, { fields: { title: 'from graphql', rank: 2 } });
  assert.equal(created[`create${className}`].clientMutationId, 'e2e');
  const node = created[`create${className}`][lower];
  const viaSdk = await new Parse.Query(className).get(node.objectId);
  assert.equal(viaSdk.get('title'), 'from graphql');
  assert.equal(Buffer.from(node.id, 'base64').toString(), `${className}:${node.objectId}`);

  const byId = checked(schema, `query($id: ID!) { ${lower}(id: $id) { title } }`);
  assert.deepEqual(await client.request(byId, { id: node.id }), { [lower]: { title: 'from graphql' } });
  await Parse.Object.destroyAll([item, viaSdk], MASTER);
  await new Parse.Schema(className).purge();
  await new Parse.Schema(className).delete();
});

test('sign up, viewer and errors with Parse codes', async () => {
  const schema = await clientSchema();
  const username = `gql_${Date.now().toString(36)}`;
  const signUp = checked(schema, `mutation($u: String!) { signUp(input: { fields: { username: $u, password: "pw" } }) {
    viewer { sessionToken user { username } } } }`);
  const { signUp: { viewer } } = await client.request(signUp, { u: username });
  assert.equal(viewer.user.username, username);
  const me = new GraphQLClient(GRAPHQL_URL, { headers: { ...keys, 'X-Parse-Session-Token': viewer.sessionToken } });
  assert.deepEqual(await me.request(gql`{ viewer { user { username } } }`), { viewer: { user: { username } } });
  const sdkUser = await new Parse.Query(Parse.User).equalTo('username', username)
    .first({ sessionToken: viewer.sessionToken });
  assert.equal(sdkUser.getUsername(), username);

  await assert.rejects(client.request(gql`{ user(id: "missing") { id } }`), (error) => {
    assert.ok(error instanceof ClientError);
    assert.equal(error.response.errors[0].message, 'Object not found.');
    assert.deepEqual(error.response.errors[0].extensions, { code: 101 });
    return true;
  });
  await assert.rejects(client.request(gql`{ classes { name } }`), (error) => {
    assert.deepEqual(error.response.errors[0].extensions, { code: 119 });
    return true;
  });
  await me.request(gql`mutation { logOut(input: {}) { ok } }`);
  await assert.rejects(me.request(gql`{ health }`), (error) => {  // enableSanitizedErrorResponse's default
    assert.equal(error.response.status, 400);
    assert.deepEqual(JSON.parse(error.response.body), { code: 209, error: 'Permission denied' });
    return true;
  });
  await sdkUser.destroy(MASTER);
});
