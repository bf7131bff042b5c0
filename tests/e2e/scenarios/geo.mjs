// Geo: GeoPoint and Polygon fields, near / within* / withinGeoBox / withinPolygon / polygonContains.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Parse, dropClasses, rejectsWithCode, sortedValues, uniqueClass, values } from '../lib/parse.mjs';

const Place = uniqueClass('E2EPlace');
const Region = uniqueClass('E2ERegion');

after(dropClasses);

const point = (lat, lng) => new Parse.GeoPoint(lat, lng);
// Fixtures stay within longitude ±90°: Parse Server 9.10 on PostgreSQL validates Polygon vertices
// with latitude and longitude swapped, so it rejects polygons lying west of -90° or east of 90°.
const PARIS = point(48.8566, 2.3522);
const VERSAILLES = point(48.8049, 2.1204); // 17.9 km from Paris
const ORLEANS = point(47.903, 1.9093); // 111 km
const LYON = point(45.764, 4.8357); // 392 km (243 mi)
const BERLIN = point(52.52, 13.405); // 878 km
const NYC = point(40.7128, -74.006); // 5837 km

const places = () => new Parse.Query(Place);

before(async () => {
  for (const [name, loc] of [
    ['nyc', NYC],
    ['berlin', BERLIN],
    ['paris', PARIS],
    ['lyon', LYON],
    ['orleans', ORLEANS],
    ['versailles', VERSAILLES],
  ]) {
    await new Parse.Object(Place).save({ name, loc });
  }
  await new Parse.Object(Place).save({ name: 'nowhere' });
  const ileDeFrance = new Parse.Polygon([
    [49.2, 1.4],
    [49.2, 3.6],
    [48.1, 3.6],
    [48.1, 1.4],
  ]);
  const manhattan = new Parse.Polygon([
    [40.88, -74.02],
    [40.88, -73.9],
    [40.7, -73.9],
    [40.7, -74.02],
  ]);
  await new Parse.Object(Region).save({ name: 'ile-de-france', area: ileDeFrance });
  await new Parse.Object(Region).save({ name: 'manhattan', area: manhattan });
});

describe('GeoPoint queries', () => {
  test('near sorts by distance and skips objects without a location', async () => {
    assert.deepEqual(values(await places().near('loc', PARIS).find()), [
      'paris',
      'versailles',
      'orleans',
      'lyon',
      'berlin',
      'nyc',
    ]);
    assert.deepEqual(values(await places().near('loc', NYC).limit(3).find()), ['nyc', 'versailles', 'paris']);
  });

  test('withinKilometers, sorted by distance', async () => {
    assert.deepEqual(values(await places().withinKilometers('loc', PARIS, 150).find()), [
      'paris',
      'versailles',
      'orleans',
    ]);
    assert.deepEqual(values(await places().withinKilometers('loc', PARIS, 20).find()), [
      'paris',
      'versailles',
    ]);
  });

  test('withinMiles, sorted by distance', async () => {
    assert.deepEqual(values(await places().withinMiles('loc', PARIS, 300).find()), [
      'paris',
      'versailles',
      'orleans',
      'lyon',
    ]);
    assert.deepEqual(values(await places().withinMiles('loc', PARIS, 30).find()), ['paris', 'versailles']);
  });

  test('withinRadians, sorted by distance', async () => {
    // 0.03 rad is 191 km.
    assert.deepEqual(values(await places().withinRadians('loc', PARIS, 0.03).find()), [
      'paris',
      'versailles',
      'orleans',
    ]);
  });

  test('within* unsorted returns the same set', async () => {
    const found = await places().withinKilometers('loc', PARIS, 150, false).find();
    assert.deepEqual(sortedValues(found), ['orleans', 'paris', 'versailles']);
    const miles = await places().withinMiles('loc', LYON, 300, false).find();
    assert.deepEqual(sortedValues(miles), ['lyon', 'orleans', 'paris', 'versailles']);
    const radians = await places().withinRadians('loc', BERLIN, 0.01, false).find();
    assert.deepEqual(sortedValues(radians), ['berlin']);
  });

  test('near combined with other constraints and count', async () => {
    const found = await places().near('loc', PARIS).notEqualTo('name', 'paris').limit(2).find();
    assert.deepEqual(values(found), ['versailles', 'orleans']);
    assert.equal(await places().withinKilometers('loc', PARIS, 150, false).count(), 3);
  });

  test('withinGeoBox: south-west and north-east corners', async () => {
    const found = await places().withinGeoBox('loc', point(47.5, 1.5), point(49.5, 3.0)).find();
    assert.deepEqual(sortedValues(found), ['orleans', 'paris', 'versailles']);
    const east = await places().withinGeoBox('loc', point(45.0, 4.0), point(53.0, 14.0)).find();
    assert.deepEqual(sortedValues(east), ['berlin', 'lyon']);
  });

  test('withinPolygon with GeoPoints', async () => {
    const triangle = [point(49.2, 1.5), point(49.2, 3.5), point(47.5, 2.5)];
    assert.deepEqual(sortedValues(await places().withinPolygon('loc', triangle).find()), [
      'paris',
      'versailles',
    ]);
    const quad = [point(47.5, 1.5), point(49.5, 1.5), point(49.5, 3.0), point(47.5, 3.0)];
    assert.deepEqual(sortedValues(await places().withinPolygon('loc', quad).find()), [
      'orleans',
      'paris',
      'versailles',
    ]);
  });

  test('a GeoPoint round-trips exactly', async () => {
    const [paris] = await places().equalTo('name', 'paris').find();
    const loc = paris.get('loc');
    assert.ok(loc instanceof Parse.GeoPoint);
    assert.equal(loc.latitude, 48.8566);
    assert.equal(loc.longitude, 2.3522);
  });
});

describe('Polygon queries', () => {
  test('polygonContains finds polygons holding a point', async () => {
    const regions = () => new Parse.Query(Region);
    assert.deepEqual(values(await regions().polygonContains('area', PARIS).find()), ['ile-de-france']);
    assert.deepEqual(values(await regions().polygonContains('area', point(40.78, -73.97)).find()), [
      'manhattan',
    ]);
    assert.deepEqual(await regions().polygonContains('area', LYON).find(), []);
  });

  test('a Polygon round-trips with its ring closed', async () => {
    const [region] = await new Parse.Query(Region).equalTo('name', 'ile-de-france').find();
    const area = region.get('area');
    assert.ok(area instanceof Parse.Polygon);
    assert.deepEqual(area.coordinates, [
      [49.2, 1.4],
      [49.2, 3.6],
      [48.1, 3.6],
      [48.1, 1.4],
      [49.2, 1.4],
    ]);
    assert.equal(area.containsPoint(PARIS), true);
  });
});

describe('geo schema rules', () => {
  test('an object with two GeoPoint fields is rejected with 111', async () => {
    const Two = uniqueClass('E2ETwoGeo');
    await rejectsWithCode(
      new Parse.Object(Two).save({ home: PARIS, work: LYON }),
      Parse.Error.INCORRECT_TYPE,
      'there can only be one geopoint field in a class',
    );
  });
});
