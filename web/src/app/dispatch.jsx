// The dispatcher's pages: job board, technicians and their map, parts inventory, service logs.
import { useEffect, useState } from 'preact/hooks';
import Parse, { describeError } from '../shared/parse.js';
import { useLive } from './live.js';

const STATUSES = ['open', 'assigned', 'in_progress', 'completed', 'cancelled'];
export const LOW_STOCK = 3;

function when(date) {
  return date ? date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '—';
}

async function attempt(notify, action, done) {
  try {
    const result = await action();
    if (done) notify(done, 'info');
    return result;
  } catch (err) {
    notify(describeError(err), 'error');
    return null;
  }
}

function NewJob({ notify, onCreated }) {
  // an hour from now, but never past today's last minute (UTC): the technician's page lists today's visits
  const inAnHour = new Date(Date.now() + 3600e3).toISOString();
  const endOfToday = `${new Date().toISOString().slice(0, 10)}T23:59`;
  const today = inAnHour.slice(0, 10) === endOfToday.slice(0, 10) ? inAnHour.slice(0, 16) : endOfToday;
  const [f, setF] = useState({ description: '', address: '', latitude: '41.8781', longitude: '-87.6298', scheduledTime: today });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  async function submit(e) {
    e.preventDefault();
    const job = new Parse.Object('Job', {
      description: f.description, address: f.address,
      location: new Parse.GeoPoint(Number(f.latitude), Number(f.longitude)),
      scheduledTime: new Date(f.scheduledTime + 'Z'),
    });
    if (await attempt(notify, () => job.save(), `Job created: ${f.description}`)) {
      setF({ ...f, description: '', address: '' });
      onCreated();
    }
  }
  return (
    <form class="card grid" onSubmit={submit} aria-label="New job">
      <div><label for="job-description">Description</label><input id="job-description" value={f.description} onInput={set('description')} /></div>
      <div><label for="job-address">Address</label><input id="job-address" value={f.address} onInput={set('address')} /></div>
      <div><label for="job-lat">Latitude</label><input id="job-lat" value={f.latitude} onInput={set('latitude')} /></div>
      <div><label for="job-lon">Longitude</label><input id="job-lon" value={f.longitude} onInput={set('longitude')} /></div>
      <div><label for="job-time">Scheduled (UTC)</label><input id="job-time" type="datetime-local" value={f.scheduledTime} onInput={set('scheduledTime')} /></div>
      <div><button type="submit">Create job</button></div>
    </form>
  );
}

function JobCard({ job, technicians, notify, reload }) {
  const status = job.get('status');
  const tech = job.get('technician');
  const techName = tech && (technicians.find((t) => t.id === tech.id)?.get('name') || tech.id);
  async function route() {
    const r = await attempt(notify, () => Parse.Cloud.run('assignNearestTechnician', { jobId: job.id }));
    if (r) { notify(`Routed to ${r.technician.get('name')} (${r.distanceKm} km)`); reload(); }
  }
  async function save(fields, message) {
    if (await attempt(notify, () => job.save(fields), message)) reload(); else { job.revert(); reload(); }
  }
  return (
    <div class={`job ${status}`} data-job={job.id}>
      <strong>{job.get('description')}</strong>
      <div class="muted">{job.get('address')} · {when(job.get('scheduledTime'))}</div>
      {techName && <div>Technician: <span class="tech-name">{techName}</span></div>}
      <div class="actions">
        {status === 'open' && <button onClick={route}>Route to nearest</button>}
        {(status === 'open' || status === 'assigned') && (
          <select aria-label="Reassign" onChange={(e) => e.target.value && save({ technician: technicians.find((t) => t.id === e.target.value) }, 'Reassigned')}>
            <option value="">{status === 'open' ? 'Assign to…' : 'Reassign to…'}</option>
            {technicians.filter((t) => !tech || t.id !== tech.id).map((t) => <option value={t.id}>{t.get('name')} ({t.get('availability')})</option>)}
          </select>)}
        {['open', 'assigned', 'in_progress'].includes(status) && <button class="danger" onClick={() => save({ status: 'cancelled' }, 'Job cancelled')}>Cancel</button>}
      </div>
    </div>
  );
}

function useTechnicians() {
  const [list, setList] = useState([]);
  const load = () => new Parse.Query('Technician').ascending('name').limit(1000).find().then(setList).catch(() => {});
  useEffect(() => { load(); }, []);
  return [list, load];
}

export function Board({ notify }) {
  const [jobs, setJobs] = useState([]);
  const [technicians, loadTechnicians] = useTechnicians();
  const load = () => new Parse.Query('Job').descending('scheduledTime').limit(1000).find().then(setJobs)
    .catch((err) => notify(describeError(err), 'error'));
  useEffect(() => { load(); }, []);
  useLive('Job', (kind, job) => {
    if (kind === 'update') notify(`Live: job "${job.get('description')}" is now ${job.get('status')}`, 'live');
    load();
  });
  useLive('Technician', (kind, t) => {
    if (kind === 'update') notify(`Live: ${t.get('name')} is ${t.get('availability')}`, 'live');
    loadTechnicians();
  });
  return (
    <>
      <h2>Job board</h2>
      <NewJob notify={notify} onCreated={load} />
      <div class="columns">
        {STATUSES.map((s) => (
          <div class="column" data-status={s}>
            <h3>{s.replace('_', ' ')} ({jobs.filter((j) => j.get('status') === s).length})</h3>
            {jobs.filter((j) => j.get('status') === s).map((j) => <JobCard key={j.id + j.updatedAt} job={j} technicians={technicians} notify={notify} reload={load} />)}
          </div>))}
      </div>
    </>
  );
}

/** Technicians' positions on an SVG of their own bounding box: no map tiles. */
export function TechnicianMap({ technicians, jobs = [] }) {
  const points = [...technicians.map((t) => t.get('location')), ...jobs.map((j) => j.get('location'))].filter(Boolean);
  if (!points.length) return <p class="muted">No positions yet.</p>;
  const W = 640, H = 420, pad = 40;
  const lats = points.map((p) => p.latitude), lons = points.map((p) => p.longitude);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const span = Math.max(maxLat - minLat, (maxLon - minLon) * Math.cos((minLat * Math.PI) / 180), 0.01);
  const k = Math.min(W, H) / span * 0.8;
  const cx = (minLon + maxLon) / 2, cy = (minLat + maxLat) / 2;
  const cos = Math.cos((cy * Math.PI) / 180);
  const x = (p) => W / 2 + (p.longitude - cx) * cos * k;
  const y = (p) => H / 2 - (p.latitude - cy) * k;
  const colour = { available: '#2e8b57', busy: '#d08a00', off_duty: '#8a8a8a' };
  const grid = [];
  for (let i = 1; i < 8; i++) grid.push(<line x1={(W / 8) * i} y1="0" x2={(W / 8) * i} y2={H} stroke="#d7e2ee" />);
  for (let i = 1; i < 6; i++) grid.push(<line x1="0" y1={(H / 6) * i} x2={W} y2={(H / 6) * i} stroke="#d7e2ee" />);
  const km = 1 / 111.2 * k;  // pixels per km north-south
  return (
    <svg class="map" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Technician map">
      {grid}
      <line x1={pad} y1={H - 16} x2={pad + km} y2={H - 16} stroke="#1d2733" stroke-width="3" />
      <text x={pad} y={H - 22} font-size="11">1 km</text>
      {jobs.filter((j) => j.get('location')).map((j) => (
        <rect x={x(j.get('location')) - 5} y={y(j.get('location')) - 5} width="10" height="10" fill="#3b5b8c"><title>{j.get('description')}</title></rect>))}
      {technicians.filter((t) => t.get('location')).map((t) => (
        <g class="tech-dot" data-name={t.get('name')}>
          <circle cx={x(t.get('location'))} cy={y(t.get('location'))} r="8" fill={colour[t.get('availability')] || '#555'} stroke="#fff" stroke-width="2" />
          <text x={x(t.get('location')) + 11} y={y(t.get('location')) + 4} font-size="12">{t.get('name')}</text>
        </g>))}
    </svg>
  );
}

export function Technicians({ notify }) {
  const [technicians, load] = useTechnicians();
  const [jobs, setJobs] = useState([]);
  useEffect(() => { new Parse.Query('Job').containedIn('status', ['open', 'assigned', 'in_progress']).limit(1000).find().then(setJobs).catch(() => {}); }, []);
  useLive('Technician', (kind, t) => { if (kind === 'update') notify(`Live: ${t.get('name')} is ${t.get('availability')}`, 'live'); load(); });
  async function setAvailability(t, availability) {
    if (await attempt(notify, () => t.save({ availability }), `${t.get('name')}: ${availability}`)) load(); else { t.revert(); load(); }
  }
  return (
    <>
      <h2>Technicians</h2>
      <div class="card"><TechnicianMap technicians={technicians} jobs={jobs} />
        <p class="muted">● technician (green available, amber busy, grey off duty) · ■ open job</p></div>
      <table>
        <thead><tr><th>Name</th><th>Availability</th><th>Location</th><th>Open jobs</th><th></th></tr></thead>
        <tbody>{technicians.map((t) => (
          <tr data-technician={t.get('name')}>
            <td>{t.get('name')}</td><td><span class={`badge ${t.get('availability')}`}>{t.get('availability')}</span></td>
            <td>{t.get('location') ? `${t.get('location').latitude.toFixed(4)}, ${t.get('location').longitude.toFixed(4)}` : '—'}</td>
            <td>{(t.get('assignedJobs') || []).length}</td>
            <td><select aria-label={`Availability of ${t.get('name')}`} value={t.get('availability')} onChange={(e) => setAvailability(t, e.target.value)}>
              {['available', 'busy', 'off_duty'].map((a) => <option value={a}>{a}</option>)}</select></td>
          </tr>))}</tbody>
      </table>
    </>
  );
}

export function Parts({ notify, staff }) {
  const [parts, setParts] = useState([]);
  const load = () => new Parse.Query('PartsInventory').ascending('partName').limit(1000).find().then(setParts).catch((err) => notify(describeError(err), 'error'));
  useEffect(() => { load(); }, []);
  useLive('PartsInventory', load);
  async function change(part, amount, message) {
    part.increment('quantity', amount);
    if (await attempt(notify, () => part.save(), message)) load(); else { part.revert(); load(); }
  }
  const low = parts.filter((p) => (p.get('quantity') || 0) < LOW_STOCK);
  return (
    <>
      <h2>Parts inventory</h2>
      {low.length > 0 && <div class="card" data-low-stock>Low stock (under {LOW_STOCK}): {low.map((p) => `${p.get('partName')} (${p.get('quantity')})`).join(', ')}</div>}
      <table>
        <thead><tr><th>Part</th><th>In stock</th><th>Reserved for</th><th></th></tr></thead>
        <tbody>{parts.map((p) => (
          <tr class={(p.get('quantity') || 0) < LOW_STOCK ? 'low' : ''} data-part={p.get('partName')}>
            <td>{p.get('partName')}</td><td class="qty">{p.get('quantity')}</td><td>{p.get('job') ? p.get('job').id : '—'}</td>
            <td><button onClick={() => change(p, 5, `Restocked ${p.get('partName')}`)}>Restock +5</button>{' '}
              {!staff && <button class="secondary" onClick={() => change(p, -1, `Took one ${p.get('partName')}`)}>Take one</button>}</td>
          </tr>))}</tbody>
      </table>
    </>
  );
}

export function Logs({ notify }) {
  const [logs, setLogs] = useState([]);
  useEffect(() => {
    new Parse.Query('ServiceLog').include('technician').include('job').descending('serviceTime').limit(200).find().then(setLogs)
      .catch((err) => notify(describeError(err), 'error'));
  }, []);
  return (
    <>
      <h2>Service logs</h2>
      <table>
        <thead><tr><th>When</th><th>Technician</th><th>Job</th><th>Note</th></tr></thead>
        <tbody>{logs.map((l) => (
          <tr><td>{when(l.get('serviceTime'))}</td><td>{l.get('technician')?.get('name')}</td>
            <td>{l.get('job')?.get('description')}</td><td>{l.get('description')}</td></tr>))}</tbody>
      </table>
      {!logs.length && <p class="muted">No visits completed yet.</p>}
    </>
  );
}
