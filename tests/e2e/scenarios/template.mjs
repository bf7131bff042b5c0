// The Home Health Aide template, played with the Parse JS SDK as a dispatcher and two technicians:
// log in, list available technicians, schedule a job, route it, a wrong technician is refused,
// check and take parts, start and complete the job, read the service log.
// Needs a server with the repository's schema.json and cloud/ loaded (test_sdk.py starts one);
// the accounts are made with the master key, as an admin would, everything else through sessions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { MASTER, Parse, rejectsWithCode } from '../lib/parse.mjs';

const { OPERATION_FORBIDDEN, VALIDATION_ERROR } = Parse.Error;
const suffix = randomBytes(4).toString('hex');
const PASSWORD = 'e2e-template-pw';
const Technician = Parse.Object.extend('Technician');
const Job = Parse.Object.extend('Job');
const Part = Parse.Object.extend('PartsInventory');
const ServiceLog = Parse.Object.extend('ServiceLog');

// A random spot per run, so technicians of earlier runs on the same server are never nearer.
const base = { lat: randomInt(-50, 50) + 0.5, lng: randomInt(-150, 150) + 0.5 };
const at = (dLat, dLng = 0) => new Parse.GeoPoint(base.lat + dLat, base.lng + dLng);

const people = {}; // name -> { user, token, tech }
const made = []; // objects to destroy afterwards
let job;
let part;

async function account(name, role) {
  const user = new Parse.User();
  user.set({ username: `${name}_${suffix}`, password: PASSWORD, role });
  await user.save(null, MASTER); // an admin creates staff accounts; cloud/users.py adds the _Role
  made.push(user);
  const loggedIn = await Parse.User.logIn(`${name}_${suffix}`, PASSWORD);
  people[name] = { user, token: loggedIn.getSessionToken() };
}

const as = (name) => ({ sessionToken: people[name].token });

before(async () => {
  await account('dana', 'dispatcher');
  await account('tara', 'technician');
  await account('theo', 'technician');
  for (const [name, location] of [['tara', at(0)], ['theo', at(0.05)]]) {
    const tech = new Technician({ name: `${name} ${suffix}`, user: people[name].user, location, availability: 'available' });
    await tech.save(null, as('dana'));
    people[name].tech = tech;
    made.push(tech);
  }
  part = new Part({ partName: `HEPA filter ${suffix}`, quantity: 2 });
  await part.save(null, as('dana'));
  made.push(part);
});

after(async () => {
  for (const object of made.reverse()) await object.destroy(MASTER).catch(() => {});
});

describe('the Home Health Aide flow', () => {
  test('the dispatcher logs in with the dispatcher role', async () => {
    const dana = await Parse.User.logIn(`dana_${suffix}`, PASSWORD);
    assert.equal(dana.get('role'), 'dispatcher');
    // one session per user and installation: this login replaced the one made in before()
    people.dana.token = dana.getSessionToken();
  });

  test('the dispatcher lists the available technicians', async () => {
    const query = new Parse.Query(Technician)
      .equalTo('availability', 'available')
      .endsWith('name', suffix)
      .ascending('name');
    const found = await query.find(as('dana'));
    assert.deepEqual(found.map((t) => t.id), [people.tara.tech.id, people.theo.tech.id]);
  });

  test('the dispatcher schedules a job; it starts open', async () => {
    job = new Job({
      description: `Oxygen concentrator service ${suffix}`,
      scheduledTime: new Date(Date.now() + 3600 * 1000),
      location: at(0.002),
      address: '12 Example Street',
    });
    await job.save(null, as('dana'));
    made.push(job);
    await job.fetch(as('dana'));
    assert.equal(job.get('status'), 'open');
  });

  test('a technician cannot schedule jobs', async () => {
    const mine = new Job({ description: 'x', scheduledTime: new Date() });
    await rejectsWithCode(mine.save(null, as('tara')), OPERATION_FORBIDDEN);
  });

  test('assignNearestTechnician routes the job to the nearest available technician', async () => {
    const result = await Parse.Cloud.run('assignNearestTechnician', { jobId: job.id }, as('dana'));
    assert.ok(result.technician instanceof Parse.Object);
    assert.equal(result.technician.id, people.tara.tech.id);
    assert.equal(result.job.get('status'), 'assigned');
    assert.ok(result.distanceKm > 0.2 && result.distanceKm < 0.25, `distance ${result.distanceKm}`);
    const tara = await people.tara.tech.fetch(as('dana'));
    assert.deepEqual(tara.get('assignedJobs').map((p) => p.id), [job.id]);
  });

  test('the wrong technician cannot update the job, nor even find it', async () => {
    const handle = Job.createWithoutData(job.id);
    handle.set('status', 'in_progress');
    await rejectsWithCode(handle.save(null, as('theo')), OPERATION_FORBIDDEN,
      'Only the assigned technician or a dispatcher can update this job');
    const seen = await new Parse.Query(Job).equalTo('objectId', job.id).find(as('theo'));
    assert.equal(seen.length, 0);
  });

  test("the assigned technician sees the job on the day's route", async () => {
    const route = await Parse.Cloud.run('technicianRoute', { technicianId: people.tara.tech.id }, as('tara'));
    assert.deepEqual(route.stops.map((s) => s.job.id), [job.id]);
    assert.equal(route.stops[0].order, 1);
    await rejectsWithCode(
      Parse.Cloud.run('technicianRoute', { technicianId: people.tara.tech.id }, as('theo')), OPERATION_FORBIDDEN);
  });

  test('the technician checks the parts in stock and takes one', async () => {
    const inStock = await new Parse.Query(Part).equalTo('available', true).equalTo('partName', `HEPA filter ${suffix}`)
      .find(as('tara'));
    assert.equal(inStock.length, 1);
    const filters = inStock[0];
    filters.increment('quantity', -1);
    filters.set('job', job);
    await filters.save(null, as('tara'));
    assert.equal(filters.get('quantity'), 1);
    filters.increment('quantity', -5);
    await rejectsWithCode(filters.save(null, as('tara')), VALIDATION_ERROR, /Not enough HEPA filter/);
    filters.revert();
    filters.set('quantity', 50);
    await rejectsWithCode(filters.save(null, as('tara')), OPERATION_FORBIDDEN, 'Only a dispatcher or a manager can add stock');
  });

  test('the technician cannot skip straight to completed', async () => {
    const mine = Job.createWithoutData(job.id);
    mine.set('status', 'completed');
    await rejectsWithCode(mine.save(null, as('tara')), VALIDATION_ERROR, 'A job cannot go from assigned to completed');
  });

  test('the technician starts the job and becomes busy', async () => {
    const mine = Job.createWithoutData(job.id);
    mine.set('status', 'in_progress');
    await mine.save(null, as('tara'));
    const tara = await people.tara.tech.fetch(as('tara'));
    assert.equal(tara.get('availability'), 'busy');
  });

  test('completing the job writes the service log and frees the technician', async () => {
    const mine = Job.createWithoutData(job.id);
    mine.set('status', 'completed');
    await mine.save(null, { ...as('tara'), context: { serviceNote: `Filter replaced ${suffix}` } });
    const logs = await new Parse.Query(ServiceLog).equalTo('job', job).find(as('dana'));
    assert.equal(logs.length, 1);
    made.push(logs[0]);
    assert.equal(logs[0].get('description'), `Filter replaced ${suffix}`);
    assert.equal(logs[0].get('technician').id, people.tara.tech.id);
    assert.ok(logs[0].get('serviceTime') instanceof Date);
    const tara = await people.tara.tech.fetch(as('dana'));
    assert.equal(tara.get('availability'), 'available');
    assert.deepEqual(tara.get('assignedJobs'), []);
  });

  test('a completed job is final, even for the dispatcher', async () => {
    const reopen = Job.createWithoutData(job.id);
    reopen.set('status', 'open');
    await rejectsWithCode(reopen.save(null, as('dana')), VALIDATION_ERROR, 'A completed job cannot be changed');
  });

  test('a technician sets their own availability, not a colleague\'s', async () => {
    const own = Technician.createWithoutData(people.theo.tech.id);
    own.set('availability', 'off_duty');
    await own.save(null, as('theo'));
    const other = Technician.createWithoutData(people.tara.tech.id);
    other.set('availability', 'off_duty');
    await rejectsWithCode(other.save(null, as('theo')), OPERATION_FORBIDDEN);
  });
});
