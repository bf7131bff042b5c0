// GraphiQL (React) inside the Preact playground, talking to the server's GraphQL path.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/graphiql.css';

const roots = new WeakMap();

/** Render GraphiQL into `element` with these request headers (re-rendered when they change). */
export function mountGraphiQL(element, url, headers) {
  if (!element) return;
  let root = roots.get(element);
  if (!root) { root = createRoot(element); roots.set(element, root); }
  const fetcher = createGraphiQLFetcher({ url, headers });
  root.render(React.createElement(GraphiQL, { fetcher, defaultQuery: '{\n  health\n}\n' }));
}
