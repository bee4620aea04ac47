/**
 * Builds the commander program and runs it with kpart's error contract:
 *   - usage errors (unknown command/flag, bad value): exit 2, one line on stderr, no stack;
 *   - KpartError from a command: its exitCode, one line;
 *   - anything else: exit 1, one line (set KPART_DEBUG=1 for the stack).
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { KpartError } from '../errors.js';
import { commands } from './commands/index.js';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('kpart')
    .description(
      'Kafka partitioning made measurable and correct: partitioners, skew analysis, assignors, live lag.',
    )
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      // commander's own error text is printed by run() as a single line instead.
      outputError: () => undefined,
    });
  for (const register of commands) register(program);
  return program;
}

export function firstLine(message: string): string {
  const line = message.split('\n').find((l) => l.trim().length > 0) ?? message;
  return line.replace(/^error:\s*/i, '').trim();
}

/** Runs the CLI; resolves to the exit code (the caller sets process.exitCode). */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return 0;
      process.stderr.write(`kpart: ${firstLine(err.message)}\n`);
      return 2;
    }
    if (err instanceof KpartError) {
      process.stderr.write(`kpart: ${firstLine(err.message)}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`kpart: ${firstLine(message)}\n`);
    if (process.env['KPART_DEBUG'] && err instanceof Error && err.stack)
      process.stderr.write(err.stack + '\n');
    return 1;
  }
}
