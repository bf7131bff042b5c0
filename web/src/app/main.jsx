// The Home Health Aide app: log in, then the pages of the user's role.
import { render } from 'preact';
import { useEffect, useState, useCallback } from 'preact/hooks';
import Parse, { config, describeError } from '../shared/parse.js';
import '../shared/style.css';
import { Board, Technicians, Parts, Logs } from './dispatch.jsx';
import { MyRoute } from './technician.jsx';
import { Profile } from './profile.jsx';

const STAFF_PAGES = [['board', 'Job board'], ['technicians', 'Technicians'], ['parts', 'Parts'], ['logs', 'Service logs'], ['profile', 'Profile']];
const TECH_PAGES = [['route', 'My route'], ['parts', 'Parts'], ['profile', 'Profile']];

function Login({ onIn, notify }) {
  const [mode, setMode] = useState('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  async function submit(e) {
    e.preventDefault();
    try {
      if (mode === 'login') {
        onIn(await Parse.User.logIn(username, password));
      } else {
        const user = new Parse.User({ username, password });
        if (email) user.set('email', email);
        onIn(await user.signUp());
      }
    } catch (err) {
      notify(describeError(err), 'error');
    }
  }
  return (
    <div class="card login">
      <h2>{mode === 'login' ? 'Log in' : 'Sign up'}</h2>
      <form onSubmit={submit}>
        <label for="username">Username</label>
        <input id="username" name="username" value={username} onInput={(e) => setUsername(e.target.value)} autocomplete="username" />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" value={password} onInput={(e) => setPassword(e.target.value)} autocomplete="current-password" />
        {mode === 'signup' && (<><label for="email">Email</label>
          <input id="email" type="email" value={email} onInput={(e) => setEmail(e.target.value)} /></>)}
        <p><button type="submit">{mode === 'login' ? 'Log in' : 'Sign up'}</button>{' '}
          <button type="button" class="secondary" onClick={() => setMode(mode === 'login' ? 'signup' : 'login')}>
            {mode === 'login' ? 'Create an account' : 'I have an account'}</button></p>
      </form>
      <p class="muted">Also here: <a href={config.playgroundPath}>API playground</a> · <a href="/docs">Docs</a></p>
    </div>
  );
}

function App() {
  const [user, setUser] = useState(Parse.User.current());
  const [page, setPage] = useState(null);
  const [alerts, setAlerts] = useState([]);
  const notify = useCallback((text, kind = 'info') => {
    const id = Math.random();
    setAlerts((a) => [...a, { id, text, kind }].slice(-4));  // the newest four stay visible
    setTimeout(() => setAlerts((a) => a.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 5000);
  }, []);
  useEffect(() => {
    if (user) user.fetch().then(setUser).catch((err) => {
      if (err.code === 209) { Parse.User.logOut().catch(() => {}); setUser(null); } else notify(describeError(err), 'error');
    });
  }, []);
  const role = user && user.get('role');
  const staff = role === 'dispatcher' || role === 'manager';
  const pages = staff ? STAFF_PAGES : role === 'technician' ? TECH_PAGES : [['profile', 'Profile']];
  const current = pages.some(([k]) => k === page) ? page : pages[0][0];
  async function logOut() {
    try { await Parse.User.logOut(); } catch (err) { notify(describeError(err), 'error'); }
    setUser(null); setPage(null);
  }
  const props = { user, notify, staff, role };
  return (
    <>
      <header class="top">
        <strong>Home Health Aide</strong>
        {user && pages.map(([key, title]) => (
          <a href={`#${key}`} class={key === current ? 'active' : ''} onClick={(e) => { e.preventDefault(); setPage(key); }}>{title}</a>))}
        <a href={config.playgroundPath}>Playground</a><a href="/docs">Docs</a>
        {user && <span class="who">{user.get('username')} ({role || 'no role'}) <button class="link" onClick={logOut}>Log out</button></span>}
      </header>
      <main>
        {!user && <Login onIn={setUser} notify={notify} />}
        {user && current === 'board' && <Board {...props} />}
        {user && current === 'technicians' && <Technicians {...props} />}
        {user && current === 'parts' && <Parts {...props} />}
        {user && current === 'logs' && <Logs {...props} />}
        {user && current === 'route' && <MyRoute {...props} />}
        {user && current === 'profile' && <Profile {...props} onChange={setUser} />}
      </main>
      <div class="alerts" aria-live="polite">
        {alerts.map((a) => <div class={`alert ${a.kind}`} role={a.kind === 'error' ? 'alert' : 'status'}>{a.text}</div>)}
      </div>
    </>
  );
}

render(<App />, document.getElementById('app'));
