/**
 * The core strategy names the tests expect the registry to hold, written out here (not read from the
 * registry) so a strategy that disappears from it fails the tests.
 */
export const CORE_STRATEGIES = [
  'murmur2',
  'fnv1a',
  'consistent',
  'consistent_random',
  'murmur2_random',
  'fnv1a_random',
  'random',
  'default',
  'sticky',
  'adaptive',
  'roundrobin',
  'legacy',
] as const;
