/**
 * MaxMind `.mmdb` loader for geo routing. The file is read once here (sync or async) and wrapped as a pure
 * in-memory `GeoLookup`, so `GeoPartitioner` itself never touches the file system. Works with GeoIP2 /
 * GeoLite2 City and Country databases (the record layout is the same for the fields used here).
 */
import { readFileSync } from 'node:fs';
import maxmind, { Reader, type CityResponse } from 'maxmind';
import { InputError, UsageError } from '../errors.js';
import type { GeoLookup } from './geo.js';

/** Which part of the GeoIP2 record names the region. */
export const GeoLevel = {
  continent: 'continent',
  country: 'country',
  subdivision: 'subdivision',
  city: 'city',
} as const;
export type GeoLevel = (typeof GeoLevel)[keyof typeof GeoLevel];

/** GeoIP2 City and Country records share the fields read here (Country records have no city/subdivisions). */
type GeoRecord = CityResponse;

export function parseGeoLevel(raw: unknown): GeoLevel {
  if (raw === undefined || raw === null || raw === '') return 'country';
  if (typeof raw === 'string' && raw in GeoLevel) return raw as GeoLevel;
  throw new UsageError(
    `geo level must be one of ${Object.keys(GeoLevel).join(', ')}, got ${JSON.stringify(raw)}`,
    'E_STRATEGY',
  );
}

/**
 * Region naming per level: continent code ("EU"), country ISO code ("GB"), country-subdivision ("GB-ENG",
 * first subdivision) or English city name ("London"). Records without the level's data are unknown.
 */
function regionFrom(rec: GeoRecord | null, level: GeoLevel): string | undefined {
  if (rec === null) return undefined;
  switch (level) {
    case 'continent':
      return rec.continent?.code;
    case 'country':
      return rec.country?.iso_code ?? rec.registered_country?.iso_code;
    case 'subdivision': {
      const c = rec.country?.iso_code;
      const s = rec.subdivisions?.[0]?.iso_code;
      return c !== undefined && s !== undefined ? `${c}-${s}` : undefined;
    }
    case 'city':
      return rec.city?.names?.en;
  }
}

function wrap(reader: Reader<GeoRecord>, level: GeoLevel): GeoLookup {
  return (ip) => {
    // mmdb-lib throws on text that is not an IP address; the lookup contract is "undefined when unknown".
    if (!maxmind.validate(ip)) return undefined;
    return regionFrom(reader.get(ip), level);
  };
}

/** Reads an .mmdb file synchronously (for CLI/registry use) and returns a pure lookup. */
export function loadMmdbLookup(path: string, level: GeoLevel = 'country'): GeoLookup {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read MaxMind database ${path}: ${(e as Error).message}`, 'E_INPUT');
  }
  try {
    return wrap(new Reader<GeoRecord>(buf), level);
  } catch (e) {
    throw new InputError(`${path} is not a MaxMind .mmdb database: ${(e as Error).message}`, 'E_INPUT');
  }
}

/** Async variant through maxmind.open (gzip-aware, optional LRU cache). */
export async function openMmdbLookup(path: string, level: GeoLevel = 'country'): Promise<GeoLookup> {
  try {
    return wrap(await maxmind.open<GeoRecord>(path), level);
  } catch (e) {
    throw new InputError(`cannot open MaxMind database ${path}: ${(e as Error).message}`, 'E_INPUT');
  }
}
