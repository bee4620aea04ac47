import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GeoPartitioner, tableLookup } from '../../src/partitioners/geo.js';
import { loadMmdbLookup, openMmdbLookup } from '../../src/partitioners/geo-mmdb.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { murmur2, partitionForKey, toPositive } from '../../src/hash/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { sharedCopy, sharedFile, sharedOriginal } from '../support/shared.js';

const MMDB = 'geo/GeoIP2-City-Test.mmdb';
const mmdb = sharedFile(MMDB);

test("the repository's copy of the MaxMind test database is byte-identical to ../shared's", (t) => {
  if (!existsSync(sharedOriginal(MMDB)))
    return t.skip('no ../shared beside this clone: the copy is the source');
  assert.ok(
    readFileSync(sharedOriginal(MMDB)).equals(readFileSync(sharedCopy(MMDB))),
    'refresh test/fixtures/shared',
  );
});

test('MaxMind test database: regions at each level, unknown addresses undefined', async () => {
  const country = loadMmdbLookup(mmdb, 'country');
  assert.equal(country('81.2.69.142'), 'GB');
  assert.equal(country('89.160.20.112'), 'SE');
  assert.equal(country('216.160.83.56'), 'US');
  assert.equal(country('2001:218::1'), 'JP');
  assert.equal(country('10.0.0.1'), undefined);
  assert.equal(country('127.0.0.1'), undefined);
  assert.equal(country('not an ip'), undefined);
  assert.equal(loadMmdbLookup(mmdb, 'continent')('175.16.199.1'), 'AS');
  assert.equal(loadMmdbLookup(mmdb, 'subdivision')('2.125.160.216'), 'GB-ENG');
  assert.equal(loadMmdbLookup(mmdb, 'city')('214.0.1.5'), 'Melbourne');
  assert.equal(loadMmdbLookup(mmdb, 'city')('67.43.156.1'), undefined);
  assert.equal((await openMmdbLookup(mmdb, 'continent'))('214.78.120.1'), 'NA');
  assert.throws(() => loadMmdbLookup('/nonexistent.mmdb'), { code: 'E_INPUT' });
  assert.throws(() => loadMmdbLookup(new URL(import.meta.url).pathname), { code: 'E_INPUT' });
});

test('geo routing with the .mmdb: mapped continents to their partitions, unknown IPs to the fallback', () => {
  const geo = createStrategy('geo:continent', {
    mmdb,
    regions: { EU: [0, 1, 2], NA: [3, 4, 5] },
  }) as GeoPartitioner;
  const ctx = { partitionCount: 9 };
  assert.equal(
    geo.partition({ key: 'u1', value: { ip: '81.2.69.142' } }, ctx),
    [0, 1, 2][toPositive(murmur2('u1')) % 3],
  );
  assert.ok([3, 4, 5].includes(geo.partition({ key: 'u1', value: { ip: '216.160.83.56' } }, ctx)));
  // Unmapped region (AS): hashed by region name, one partition for the whole region.
  assert.equal(
    geo.partition({ key: 'u2', value: { ip: '175.16.199.9' } }, ctx),
    toPositive(murmur2('AS')) % 9,
  );
  // Unknown address → fallback (murmur2 of the key for keyed records).
  assert.equal(geo.partition({ key: 'u3', value: { ip: '10.0.0.1' } }, ctx), partitionForKey('u3', 9));
  assert.equal(geo.partition({ key: 'u3', value: { ip: '127.0.0.1' } }, ctx), partitionForKey('u3', 9));
  assert.equal(geo.partition({ key: 'u3', value: {} }, ctx), partitionForKey('u3', 9));
  assert.equal(geo.unknown, 3);
});

test('pluggable lookup, header source (X-Forwarded-For), lookup errors treated as unknown', () => {
  const geo = new GeoPartitioner({
    lookup: tableLookup({ '1.1.1.1': 'eu', '2.2.2.2': 'us' }),
    ipHeader: 'x-forwarded-for',
    regions: 'eu=0,us=1',
    fallback: { name: 'last', partition: (_r, c) => c.partitionCount - 1 },
  });
  const ctx = { partitionCount: 4 };
  assert.equal(geo.partition({ headers: { 'x-forwarded-for': '2.2.2.2, 10.0.0.1' } }, ctx), 1);
  assert.equal(geo.partition({ headers: { 'x-forwarded-for': Buffer.from('1.1.1.1') } }, ctx), 0);
  assert.equal(geo.partition({ headers: { 'x-forwarded-for': '9.9.9.9' } }, ctx), 3);
  const throwing = new GeoPartitioner({
    lookup: () => {
      throw new Error('boom');
    },
  });
  assert.equal(throwing.partition({ key: 'k', value: { ip: '1.1.1.1' } }, ctx), partitionForKey('k', 4));
  assert.equal(throwing.unknown, 1);
});

test('spec and option errors', () => {
  assert.throws(() => createStrategy('geo'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('geo:planet', { mmdb }), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('geo', { lookup: 'x' }), { code: 'E_STRATEGY_OPTION' });
  const g = createStrategy('geo:country:ip=client.addr', {
    lookup: (ip: string) => (ip === '1.2.3.4' ? 'SE' : undefined),
    regions: { SE: 2 },
  });
  assert.equal(g.partition({ value: { client: { addr: '1.2.3.4' } } }, { partitionCount: 3 }), 2);
});
