// Own profile: username, email, password. Users edit only themselves (the server's ACLs say so too).
import { useState } from 'preact/hooks';
import { describeError } from '../shared/parse.js';

export function Profile({ user, notify, onChange }) {
  const [username, setUsername] = useState(user.get('username') || '');
  const [email, setEmail] = useState(user.get('email') || '');
  const [password, setPassword] = useState('');
  async function save(e) {
    e.preventDefault();
    const fields = { username, email: email || undefined };
    if (password) fields.password = password;
    try { onChange(await user.save(fields)); setPassword(''); notify('Profile saved'); } catch (err) { user.revert(); notify(describeError(err), 'error'); }
  }
  return (
    <form class="card" onSubmit={save} style="max-width:480px">
      <h2>My profile</h2>
      <p class="muted">Role: {user.get('role') || 'none'} (changed only by a manager)</p>
      <label for="p-username">Username</label><input id="p-username" value={username} onInput={(e) => setUsername(e.target.value)} />
      <label for="p-email">Email</label><input id="p-email" type="email" value={email} onInput={(e) => setEmail(e.target.value)} />
      <label for="p-password">New password</label><input id="p-password" type="password" value={password} onInput={(e) => setPassword(e.target.value)} autocomplete="new-password" />
      <p><button type="submit">Save</button></p>
    </form>
  );
}
