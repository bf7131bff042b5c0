// The technician's page: today's route in visiting order, start/complete, take parts, availability.
import { useEffect, useState } from 'preact/hooks';
import Parse, { describeError } from '../shared/parse.js';
import { useLive } from './live.js';
import { TechnicianMap } from './dispatch.jsx';

const today = () => new Date().toISOString().slice(0, 10);

function Stop({ stop, parts, notify, reload }) {
  const job = stop.job;
  const status = job.get('status');
  const [note, setNote] = useState('');
  const [part, setPart] = useState('');
  async function act(action, message) {
    try { await action(); notify(message); } catch (err) { notify(describeError(err), 'error'); }
    reload();
  }
  const take = () => act(async () => {
    const p = parts.find((x) => x.id === part);
    if (!p) throw new Error('Choose a part first');
    p.increment('quantity', -1);
    p.set('job', job);
    try { await p.save(); } catch (err) { p.revert(); throw err; }
  }, 'Part taken from stock');
  return (
    <div class={`card job ${status}`} data-job={job.id}>
      <div class="stop">
        <div class="n">{stop.order}</div>
        <div style="flex:1">
          <strong>{job.get('description')}</strong> <span class="badge">{status.replace('_', ' ')}</span>
          <div class="muted">{job.get('address')} · booked {job.get('scheduledTime')?.toISOString().slice(11, 16)} UTC
            {stop.eta && <> · ETA {new Date(stop.eta).toISOString().slice(11, 16)}</>}
            {stop.distanceKm != null && <> · {stop.distanceKm} km from the previous stop</>}</div>
          <div class="actions">
            {status === 'assigned' && <button onClick={() => act(() => job.save({ status: 'in_progress' }), 'Job started')}>Start</button>}
            {status === 'in_progress' && (<>
              <input aria-label="Service note" placeholder="Service note" value={note} onInput={(e) => setNote(e.target.value)} style="flex:1;min-width:140px" />
              <button onClick={() => act(() => job.save({ status: 'completed' }, { context: { serviceNote: note || undefined } }), 'Job completed')}>Complete</button>
            </>)}
          </div>
          <div class="actions">
            <select aria-label="Part" value={part} onChange={(e) => setPart(e.target.value)}>
              <option value="">Part to take…</option>
              {parts.filter((p) => p.get('available')).map((p) => <option value={p.id}>{p.get('partName')} ({p.get('quantity')} left)</option>)}
            </select>
            <button class="secondary" onClick={take}>Take one</button>
          </div>
        </div>
      </div>
    </div>
  );
}

export function MyRoute({ user, notify }) {
  const [me, setMe] = useState(null);
  const [route, setRoute] = useState(null);
  const [parts, setParts] = useState([]);
  const [onlyToday, setOnlyToday] = useState(true);
  async function load() {
    try {
      const mine = me || await new Parse.Query('Technician').equalTo('user', user).first();
      if (!mine) { notify('No Technician record belongs to this user', 'error'); return; }
      await mine.fetch();
      setMe(mine);
      const params = { technicianId: mine.id, ...(onlyToday ? { date: today() } : {}) };
      setRoute(await Parse.Cloud.run('technicianRoute', params));
      setParts(await new Parse.Query('PartsInventory').ascending('partName').limit(1000).find());
    } catch (err) { notify(describeError(err), 'error'); }
  }
  useEffect(() => { load(); }, [onlyToday]);
  useLive('Job', () => load());
  async function setAvailability(availability) {
    try { await me.save({ availability }); notify(`You are ${availability}`); } catch (err) { me.revert(); notify(describeError(err), 'error'); }
    load();
  }
  return (
    <>
      <h2>My route {onlyToday ? `for today (${today()})` : '(all open jobs)'}</h2>
      {me && (
        <div class="card">
          <strong>{me.get('name')}</strong> <span class={`badge ${me.get('availability')}`} data-availability>{me.get('availability')}</span>
          <div class="actions" style="margin-top:6px">
            {['available', 'off_duty'].map((a) => <button class={me.get('availability') === a ? '' : 'secondary'} onClick={() => setAvailability(a)}>{a === 'available' ? 'I am available' : 'Off duty'}</button>)}
            <button class="secondary" onClick={() => setOnlyToday(!onlyToday)}>{onlyToday ? 'Show all open jobs' : 'Only today'}</button>
          </div>
        </div>)}
      {route && <p class="muted">{route.stops.length} stop(s), {route.totalKm} km in total, ordered to shorten travel (nearest-neighbour + 2-opt within each visit's time window).</p>}
      {route && route.stops.map((s) => <Stop key={s.job.id + s.job.updatedAt} stop={s} parts={parts} notify={notify} reload={load} />)}
      {route && !route.stops.length && <p class="muted">No visits on this route.</p>}
      {me && route && route.stops.length > 0 && <div class="card"><TechnicianMap technicians={[me]} jobs={route.stops.map((s) => s.job)} /></div>}
    </>
  );
}
