// The API playground: the live schema's classes and fields, a REST request builder with its curl,
// and GraphiQL on the server's GraphQL path.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import Parse, { config, mount, serverURL } from '../shared/parse.js';
import '../shared/style.css';
import './playground.css';
import { mountGraphiQL } from './graphiql.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

function keysHeaders(keys) {
  const h = { 'X-Parse-Application-Id': keys.appId };
  if (keys.sessionToken) h['X-Parse-Session-Token'] = keys.sessionToken;
  if (keys.masterKey) h['X-Parse-Master-Key'] = keys.masterKey;
  if (keys.javascriptKey) h['X-Parse-JavaScript-Key'] = keys.javascriptKey;
  return h;
}

function buildUrl(req) {
  const params = new URLSearchParams();
  for (const k of ['where', 'order', 'limit', 'include', 'keys']) if (req[k]) params.set(k, req[k]);
  const q = params.toString();
  return `${serverURL}${req.path.startsWith('/') ? '' : '/'}${req.path}${q ? `?${q}` : ''}`;
}

const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

export function curlFor(req, keys) {
  const parts = [`curl -X ${req.method}`, quote(buildUrl(req))];
  for (const [k, v] of Object.entries(keysHeaders(keys))) parts.push(`-H ${quote(`${k}: ${v}`)}`);
  if (req.method !== 'GET' && req.method !== 'DELETE' && req.body.trim()) {
    parts.push(`-H 'Content-Type: application/json'`, `-d ${quote(req.body)}`);
  }
  return parts.join(' \\\n  ');
}

function Schema({ doc, pick }) {
  if (!doc) return <p class="muted">Loading the live schema…</p>;
  const schemas = doc.components.schemas;
  const classes = (doc.tags || []).map((t) => t.name).filter((n) => schemas[n]);
  return (
    <div class="schema" aria-label="Classes">
      {classes.map((name) => (
        <details open={name !== '_User'} data-class={name}>
          <summary><a href="#" onClick={(e) => { e.preventDefault(); pick(name); }}>{name}</a></summary>
          <ul>{Object.entries(schemas[name].properties).map(([field, s]) => (
            <li><code>{field}</code> <span class="muted">{typeName(s)}</span></li>))}</ul>
        </details>))}
    </div>
  );
}

function typeName(s) {
  if (s.type) return s.type;
  if (s.$ref) return s.$ref.split('/').pop();
  if (s.allOf) return s.description || typeName(s.allOf[0]);
  return 'any';
}

function Playground() {
  const current = Parse.User.current();
  const [keys, setKeys] = useState({ appId: config.appId, sessionToken: current ? current.getSessionToken() : '', masterKey: config.masterKey || '', javascriptKey: config.javascriptKey || '' });
  const [req, setReq] = useState({ method: 'GET', path: '/classes/Job', where: '', order: '', limit: '10', include: '', keys: '', body: '' });
  const [resp, setResp] = useState(null);
  const [doc, setDoc] = useState(null);
  const [tab, setTab] = useState('rest');
  useEffect(() => { fetch('/openapi.json').then((r) => r.json()).then(setDoc).catch(() => {}); }, []);
  useEffect(() => { if (tab === 'graphql') mountGraphiQL(document.getElementById('graphiql'), `${location.origin}${config.graphQLPath}`, keysHeaders(keys)); }, [tab, keys]);
  const set = (k) => (e) => setReq({ ...req, [k]: e.target.value });
  const setKey = (k) => (e) => setKeys({ ...keys, [k]: e.target.value });
  function pick(name) {
    const special = { _User: '/users', _Role: '/roles', _Session: '/sessions', _Installation: '/installations' };
    setReq({ ...req, path: special[name] || `/classes/${name}` });
  }
  async function send(e) {
    e.preventDefault();
    const started = performance.now();
    const headers = keysHeaders(keys);
    const init = { method: req.method, headers };
    if (req.method !== 'GET' && req.method !== 'DELETE' && req.body.trim()) { headers['Content-Type'] = 'application/json'; init.body = req.body; }
    try {
      const r = await fetch(buildUrl(req), init);
      const text = await r.text();
      let pretty = text;
      try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON */ }
      setResp({ status: r.status, text: pretty, ms: Math.round(performance.now() - started) });
    } catch (err) {
      setResp({ status: 0, text: String(err), ms: 0 });
    }
  }
  return (
    <>
      <header class="top"><strong>API playground</strong><a href="/">App</a><a href="/docs">Docs</a><a href="/openapi.json">OpenAPI</a>
        <a href="#rest" class={tab === 'rest' ? 'active' : ''} onClick={(e) => { e.preventDefault(); setTab('rest'); }}>REST</a>
        <a href="#graphql" class={tab === 'graphql' ? 'active' : ''} onClick={(e) => { e.preventDefault(); setTab('graphql'); }}>GraphQL</a></header>
      <main class="pg">
        <form class="card grid keys" aria-label="Keys">
          <div><label for="k-app">Application id</label><input id="k-app" value={keys.appId} onInput={setKey('appId')} /></div>
          <div><label for="k-session">Session token</label><input id="k-session" value={keys.sessionToken} onInput={setKey('sessionToken')} placeholder="from the app's login, or paste one" /></div>
          <div><label for="k-master">Master key</label><input id="k-master" type="password" value={keys.masterKey} onInput={setKey('masterKey')} /></div>
          <div><label for="k-js">JavaScript key</label><input id="k-js" value={keys.javascriptKey} onInput={setKey('javascriptKey')} /></div>
        </form>
        {tab === 'rest' && (
          <div class="pg-cols">
            <aside class="card"><h3>Live schema</h3><Schema doc={doc} pick={pick} /></aside>
            <section>
              <form class="card" onSubmit={send} aria-label="REST request">
                <div class="line">
                  <select aria-label="Method" value={req.method} onChange={set('method')}>{METHODS.map((m) => <option>{m}</option>)}</select>
                  <span class="muted">{mount}</span>
                  <input aria-label="Path" value={req.path} onInput={set('path')} />
                  <button type="submit">Send</button>
                </div>
                <div class="grid">
                  {['where', 'order', 'limit', 'include', 'keys'].map((k) => (
                    <div><label for={`q-${k}`}>{k}</label><input id={`q-${k}`} value={req[k]} onInput={set(k)} placeholder={k === 'where' ? '{"status": "open"}' : ''} /></div>))}
                </div>
                <label for="q-body">Body (JSON, for POST / PUT)</label>
                <textarea id="q-body" rows="4" value={req.body} onInput={set('body')} />
              </form>
              <div class="card"><h3>curl</h3><pre class="curl">{curlFor(req, keys)}</pre></div>
              {resp && <div class="card response"><h3>Response <span class="status">{resp.status}</span> <span class="muted">{resp.ms} ms</span></h3><pre>{resp.text}</pre></div>}
            </section>
          </div>)}
        {tab === 'graphql' && <div id="graphiql" class="graphiql-box" />}
      </main>
    </>
  );
}

render(<Playground />, document.getElementById('playground'));
