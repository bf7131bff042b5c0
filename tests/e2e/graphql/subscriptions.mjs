// GraphQL subscriptions through the graphql-ws client (the protocol's reference implementation):
// objects saved with the Parse JS SDK arrive as `next` messages of a subscription on a LiveQuery class.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Parse, MASTER } from '../lib/parse.mjs';

const WS_URL = process.env.GRAPHQL_URL.replace(/^http/, 'ws');
const keys = { 'X-Parse-Application-Id': process.env.APP_ID, 'X-Parse-Javascript-Key': process.env.JS_KEY };

test('SDK writes reach a GraphQL subscription with the where filter applied', async () => {
  const className = `GqlLive${Date.now().toString(36)}`; // the e2e server's liveQuery.classNames: GqlLive.*
  const schema = new Parse.Schema(className);
  schema.addString('title').addBoolean('open');
  await schema.save();
  const lower = className[0].toLowerCase() + className.slice(1);
  const client = createClient({ url: WS_URL, webSocketImpl: WebSocket, connectionParams: keys, lazy: false });
  const events = [];
  let ready;
  const firstTwo = new Promise((resolve, reject) => {
    ready = client.subscribe(
      { query: `subscription { ${lower}(where: { open: { equalTo: true } }) { event object { title } original { title } } }` },
      {
        next: (message) => { events.push(message); if (events.length === 2) resolve(); },
        error: reject,
        complete: () => {},
      },
    );
  });
  // graphql-ws acknowledges no subscribe; the server handles a connection's messages in order, so once a
  // later (refused) operation is answered, the subscription above is in place.
  const refused = await new Promise((resolve) => {
    client.subscribe({ query: '{ health }' }, { next: () => {}, error: resolve, complete: () => {} });
  });
  assert.equal(refused[0].message, 'Only subscription operations are served over graphql-ws here.');
  await new Parse.Object(className).save({ title: 'closed', open: false });
  const item = await new Parse.Object(className).save({ title: 'first', open: true });
  await item.save({ title: 'second' });
  await firstTwo;
  assert.deepEqual(events, [
    { data: { [lower]: { event: 'create', object: { title: 'first' }, original: null } } },
    { data: { [lower]: { event: 'update', object: { title: 'second' }, original: { title: 'first' } } } },
  ]);
  ready();
  await client.dispose();
  await new Parse.Schema(className).purge();
  await new Parse.Schema(className).delete(MASTER);
});
