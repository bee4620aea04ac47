/**
 * Deadline for a promise the caller cannot cancel (KafkaJS admin/consumer/producer calls).
 */
import { ClusterError } from '../errors.js';

/**
 * Races `p` against a deadline of `ms` milliseconds, rejecting with ClusterError E_TIMEOUT
 * ("<what> did not answer within <ms> ms") when it passes first. The loser's timer is cleared either way (a
 * pending timer would keep a CLI process alive after its answer). The underlying request is not cancelled
 * (KafkaJS has no cancellation), so callers also cap KafkaJS's own retries (see src/cli/cluster-options.ts).
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ClusterError(`${what} did not answer within ${ms} ms`, 'E_TIMEOUT')),
        ms,
      );
    }),
  ]);
}
