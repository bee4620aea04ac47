/**
 * `kpart assign --strategy <name> --input group.json [--json]`: runs one assignor on a group description
 * (see docs/assignors.md for the file format) and prints the assignment. With --json the output is exactly
 * `{ "assignment": { member: { topic: [partitions ascending] } } }`, plus `revoked` for cooperative-sticky.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { assign, partitionCounts } from '../../assignors/index.js';
import { loadAwareAssign } from '../../assignors/load-aware.js';
import { groupWarnings, validateGroup } from '../../assignors/model.js';
import {
  AssignorName,
  type Assignment,
  type AssignmentResult,
  type GroupDescription,
} from '../../assignors/types.js';
import { parseChoice } from '../options.js';
import { formatTable, printJson } from '../output.js';

interface AssignFlags {
  strategy: string;
  input: string;
  json?: boolean;
}

/** Total partitions a group file may describe (the benchmarks go to 1,000,000). */
export const MAX_PARTITIONS = 10_000_000;

/** Reads and validates a group file; every problem is an InputError (exit 2, one line). */
export function readGroupFile(path: string): GroupDescription {
  let text: string;
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path} is not valid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  validateGroup(parsed as GroupDescription);
  // A group file is checked before any assignor builds per-partition state: a mistyped count such as
  // 99999999999 would otherwise run until memory runs out instead of failing with one line.
  const total = Object.values((parsed as GroupDescription).topics).reduce((a, n) => a + n, 0);
  if (total > MAX_PARTITIONS) {
    throw new InputError(
      `${path}: ${total} partitions in all, more than kpart assign handles (${MAX_PARTITIONS}); check the counts`,
    );
  }
  return parsed as GroupDescription;
}

function fmtPartitions(a: Assignment[string] | undefined): string {
  if (!a || Object.keys(a).length === 0) return '-';
  return Object.entries(a)
    .map(([t, ps]) => `${t}:${ps.join(',')}`)
    .join(' ');
}

export function renderAssignment(
  strategy: string,
  result: AssignmentResult,
  extra?: Record<string, number>,
): string {
  const counts = partitionCounts(result.assignment);
  const headers = ['MEMBER', 'PARTITIONS', 'ASSIGNED'];
  if (result.revoked) headers.push('REVOKED');
  if (extra) headers.push('LOAD');
  const rows = Object.keys(result.assignment).map((m) => {
    const row: (string | number)[] = [m, counts[m] ?? 0, fmtPartitions(result.assignment[m])];
    if (result.revoked) row.push(fmtPartitions(result.revoked[m]));
    if (extra) row.push(extra[m] ?? 0);
    return row;
  });
  return `strategy ${strategy}\n${formatTable(headers, rows)}`;
}

export function register(program: Command): void {
  program
    .command('assign')
    .description(
      'assign partitions to a consumer group with one assignor (range, roundrobin, sticky, cooperative-sticky, load-aware)',
    )
    .requiredOption('--strategy <name>', `assignor: ${Object.values(AssignorName).join(', ')}`)
    .requiredOption(
      '--input <file>',
      'group description JSON ("-" for stdin): { "topics": {...}, "members": [...] }',
    )
    .option('--json', 'print { "assignment": ... } (and "revoked" for cooperative-sticky)')
    .action((flags: AssignFlags) => {
      const strategy = parseChoice('--strategy', flags.strategy, AssignorName);
      const group = readGroupFile(flags.input);
      const warnings = groupWarnings(group, { weights: strategy === AssignorName.LOAD_AWARE });
      for (const w of warnings) process.stderr.write(`kpart: warning: ${w}\n`);
      let loads: Record<string, number> | undefined;
      let result: AssignmentResult;
      if (strategy === AssignorName.LOAD_AWARE) {
        const r = loadAwareAssign(group);
        result = { assignment: r.assignment };
        loads = r.stats.loads;
      } else {
        result = assign(strategy, group);
      }
      if (flags.json) {
        printJson(
          result.revoked
            ? { assignment: result.assignment, revoked: result.revoked }
            : { assignment: result.assignment },
        );
        return;
      }
      process.stdout.write(renderAssignment(strategy, result, loads) + '\n');
    });
}
