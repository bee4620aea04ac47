/**
 * `kpart place --strategy <name> --partitions <N> [--hex] [--json] [FILE]`: reads one key per line from FILE
 * or stdin and prints the partition of each, one per line, in input order. With --hex each line is the key's
 * bytes hex-encoded; without it the line's own bytes (UTF-8) are the key. An empty line is an empty key (not a
 * null key). Input is streamed in chunks, so arbitrarily large files run in constant memory; output honours
 * stdout back-pressure.
 */
import type { Command } from 'commander';
import { createReadStream, fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import { createStrategy, strategyNames } from '../../partitioners/registry.js';
import { validateFor, type Partitioner, type PartitionContext } from '../../partitioners/types.js';
import { parsePositiveInt } from '../options.js';

interface PlaceFlags {
  strategy: string;
  partitions: string;
  hex?: boolean;
  json?: boolean;
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Opens FILE (or stdin), failing with one line when it cannot be read. */
async function openInput(file: string | undefined): Promise<Readable> {
  if (file === undefined || file === '-') return process.stdin;
  const stream = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', (fd: number) => {
      // open(2) succeeds on a directory; reading it would fail later with EISDIR (exit 1), so refuse it here.
      if (fstatSync(fd).isDirectory()) {
        stream.destroy();
        reject(new InputError(`cannot read ${file}: is a directory`, 'E_INPUT_FILE'));
      } else resolve();
    });
    stream.once('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'ENOENT'
          ? 'no such file'
          : e.code === 'EISDIR'
            ? 'is a directory'
            : e.code === 'EACCES'
              ? 'permission denied'
              : e.message;
      reject(new InputError(`cannot read ${file}: ${why}`, 'E_INPUT_FILE'));
    });
  });
  return stream;
}

/** Writes with back-pressure: resolves once stdout can take more. */
function writeOut(s: string): Promise<void> | undefined {
  if (process.stdout.write(s)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

export async function placeStream(
  input: Readable,
  partitioner: Partitioner,
  partitionCount: number,
  hex: boolean,
  json: boolean,
): Promise<number> {
  const ctx: PartitionContext = { partitionCount };
  let lineNo = 0;
  let out = json ? '[' : '';
  let first = true;
  let rest: Buffer | null = null;
  let pending: Buffer[] = []; // chunks after `rest` that hold no newline yet

  const place = (line: Buffer): void => {
    lineNo++;
    let end = line.length;
    if (end > 0 && line[end - 1] === 0x0d) end--; // CRLF input
    const raw = line.subarray(0, end);
    let key: Uint8Array;
    if (hex) {
      const text = raw.toString('latin1').trim();
      if (!HEX.test(text)) {
        // Printable ASCII as is, anything else (binary junk, terminal control codes) as \xNN.
        const clipped = text.length > 40 ? text.slice(0, 40) : text;
        const shown =
          clipped.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) +
          (text.length > 40 ? '...' : '');
        throw new InputError(`line ${lineNo}: not a hex-encoded key: "${shown}"`, 'E_HEX');
      }
      key = Buffer.from(text, 'hex');
    } else {
      key = raw;
    }
    const p = partitioner.partition({ key }, ctx);
    if (json) {
      out += first ? String(p) : `,${p}`;
      first = false;
    } else {
      out += `${p}\n`;
    }
  };

  try {
    await consume();
  } catch (e) {
    // Lines placed before a bad one are still printed (in order), then the error ends the run.
    if (out.length > 0 && !json) process.stdout.write(out);
    throw e;
  }
  if (json) out += ']\n';
  if (out.length > 0) {
    const w = writeOut(out);
    if (w) await w;
  }
  return lineNo;

  async function consume(): Promise<void> {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      let buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (rest !== null || pending.length > 0) {
        // A line (key) spanning chunks: collect its pieces and join them once its newline arrives, so a
        // huge key costs linear, not quadratic, copying.
        if (buf.indexOf(0x0a) < 0) {
          pending.push(Buffer.from(buf)); // copy: the chunk may be reused
          continue;
        }
        buf = Buffer.concat([...(rest === null ? [] : [rest]), ...pending, buf]);
        rest = null;
        pending = [];
      }
      let start = 0;
      for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
        place(buf.subarray(start, nl));
        start = nl + 1;
        if (out.length >= 65536) {
          const w = writeOut(out);
          out = '';
          if (w) await w;
        }
      }
      if (start < buf.length) rest = Buffer.from(buf.subarray(start)); // copy: the chunk may be reused
    }
    if (pending.length > 0) {
      rest = Buffer.concat([...(rest === null ? [] : [rest]), ...pending]);
      pending = [];
    }
    if (rest !== null && rest.length > 0) place(rest); // last line without a newline
  }
}

export function register(program: Command): void {
  program
    .command('place')
    .description('print the partition of each key (one per line, from FILE or stdin) under a strategy')
    .argument('[file]', 'file with one key per line (default: stdin); an empty line is an empty key')
    .requiredOption('-s, --strategy <name>', `partitioning strategy: ${strategyNames().join(', ')}`)
    .requiredOption('-p, --partitions <N>', 'number of partitions of the topic')
    .option('--hex', 'each line is the key bytes, hex-encoded')
    .option('--json', 'print a JSON array of partitions instead of one per line')
    .action(async (file: string | undefined, flags: PlaceFlags) => {
      const partitions = parsePositiveInt('--partitions', flags.partitions, 0x7fffffff);
      const partitioner = createStrategy(flags.strategy);
      validateFor(partitioner, partitions);
      const input = await openInput(file);
      await placeStream(input, partitioner, partitions, flags.hex === true, flags.json === true);
    });
}
