// Streaming input: fast path agrees with JSON.parse, malformed records are counted with line numbers
// (bad JSON, missing key, binary junk, a 10 MB line), --strict is fatal, formats and chunking work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Analyzer, type AnalysisResult } from '../../src/analysis/analyzer.js';
import { analyzeInput, parseCsvLine, type InputOptions } from '../../src/analysis/input.js';
import { InputError } from '../../src/errors.js';
import { partitionForKey } from '../../src/hash/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kpart-input-'));
let fileNo = 0;

function file(content: string | Buffer, ext = '.jsonl'): string {
  const p = join(dir, `in-${fileNo++}${ext}`);
  writeFileSync(p, content);
  return p;
}

async function analyze(
  source: string | Buffer[],
  options: InputOptions = {},
  partitions = 8,
): Promise<AnalysisResult> {
  const an = new Analyzer({ partitions, strategies: ['murmur2'] });
  if (typeof source === 'string') await analyzeInput(source, an, options);
  else
    await analyzeInput(
      undefined,
      an,
      options,
      undefined,
      (async function* () {
        yield* source;
      })(),
    );
  return an.result();
}

/** What the result must be, computed with JSON.parse per line. */
function expected(
  lines: string[],
  partitions = 8,
): { counts: number[]; bytes: number[]; malformed: number[] } {
  const counts = new Array<number>(partitions).fill(0);
  const bytes = new Array<number>(partitions).fill(0);
  const malformed: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === '') return;
    try {
      const o = JSON.parse(l) as Record<string, unknown>;
      if (
        o === null ||
        typeof o !== 'object' ||
        Array.isArray(o) ||
        o['key'] === undefined ||
        (o['key'] !== null && typeof o['key'] === 'object')
      )
        throw new Error();
      if (o['key'] === null) return; // keyless: murmur2 puts it on one partition; not checked here
      const p = partitionForKey(String(o['key']), partitions);
      counts[p]!++;
      bytes[p]! += Buffer.byteLength(l);
    } catch {
      malformed.push(i + 1);
    }
  });
  return { counts, bytes, malformed };
}

test('fast path and JSON.parse path agree with an independent JSON.parse placement (property)', async () => {
  const value = fc.jsonValue({ maxDepth: 2 });
  const record = fc.record({
    before: fc.dictionary(fc.string({ maxLength: 4 }), value, { maxKeys: 2 }),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null)),
    after: fc.dictionary(fc.string({ maxLength: 4 }), value, { maxKeys: 2 }),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(record, { minLength: 1, maxLength: 30 }),
      fc.array(
        fc.constantFrom(
          '',
          ' ',
          '{"key":',
          'junk',
          '{"nokey":1}',
          '[1]',
          '{"key":"a"}x',
          '{"key":"a",}',
          '{"key":[1]}',
          '{"key":"dup","key":"b"}',
          '{"key":"\\u0041"}',
          '{"key":"b","k\\u0065y":"a"}',
          '{"key":"a","n":01}',
          '{"key":"a","n":-0.5e+3}',
        ),
        { maxLength: 5 },
      ),
      async (recs, odd) => {
        const lines = recs.map((r) => {
          const o: Record<string, unknown> = { ...r.before };
          delete o['key'];
          o['key'] = r.key;
          for (const [k, v] of Object.entries(r.after)) if (k !== 'key') o[k] = v;
          return JSON.stringify(o);
        });
        lines.splice(1, 0, ...odd);
        const content = lines.join('\n');
        const exp = expected(lines);
        for (const fast of [true, false]) {
          const r = await analyze(file(content), { fast });
          assert.deepEqual(r.malformedLines, exp.malformed, `fast=${fast}`);
          const s = r.strategies[0]!;
          const keyless = r.keyless;
          const sum = s.counts.reduce((a, b) => a + b, 0);
          assert.equal(sum, exp.counts.reduce((a, b) => a + b, 0) + keyless);
          if (keyless === 0) {
            assert.deepEqual(s.counts, exp.counts, `fast=${fast}`);
            assert.deepEqual(s.bytes, exp.bytes, `fast=${fast}`);
          }
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('escapes and duplicates: the last "key" wins, as in JSON.parse, on the fast path too', async () => {
  const r = await analyze(
    file(['{"key":"b","k\\u0065y":"a"}', '{"key":"x","key":"a"}', '{"key":"\\u0061"}'].join('\n')),
  );
  assert.deepEqual(
    r.hotKeys.map((h) => [h.key, h.records]),
    [['a', 3]],
  );
});

test('malformed records are counted with their first line numbers; nothing crashes', async () => {
  const big = '{"key":"big","pad":"' + 'x'.repeat(10 * 1024 * 1024) + '"}';
  const junk = Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x80, 0x7b]);
  const parts: (string | Buffer)[] = [
    '{"key":"a"}\n', // 1 ok
    '{"key": "b"\n', // 2 bad JSON
    '{"id":3}\n', // 3 missing key
    junk,
    Buffer.from('\n'), // 4 binary junk
    big + '\n', // 5 a 10 MB line
    '{"key":"c"}\n', // 6 ok
    '\n', // 7 blank: no record, not malformed
    '{"key":"\xe9t\xe9"}\n', // 8 ok, non-ASCII (UTF-8 written by Buffer.from)
    '{"key":{"nested":1}}\n', // 9 key is an object
  ];
  const p = file(Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x) : x))));
  const r = await analyze(p);
  assert.equal(r.records, 3);
  assert.equal(r.malformed, 5);
  assert.deepEqual(r.malformedLines, [2, 3, 4, 5, 9]);
  assert.equal(r.malformedReasons['bad JSON'], 1);
  assert.equal(r.malformedReasons['missing key field'], 1);
  assert.equal(r.malformedReasons['line too long'], 1);
  assert.equal(r.malformedReasons['binary data (invalid UTF-8 or control characters)'], 1);
  assert.ok(r.hotKeys.some((h) => h.key === 'été'));
  // --strict: the first malformed record is fatal, naming its line
  await assert.rejects(
    analyze(p, { strict: true }),
    (e: unknown) => e instanceof InputError && /^line 2: bad JSON/.test(e.message),
  );
});

test('a long line is malformed however the input is chunked (stdin in small pieces)', async () => {
  const content = Buffer.from('{"key":"a"}\n{"key":"' + 'y'.repeat(3000) + '"}\n{"key":"b"}\n{"key":"a"}');
  const pieces: Buffer[] = [];
  for (let i = 0; i < content.length; i += 7) pieces.push(content.subarray(i, i + 7));
  const r = await analyze(pieces, { maxLineBytes: 1000 });
  assert.equal(r.records, 3);
  assert.deepEqual(r.malformedLines, [2]);
  assert.equal(r.hotKeys[0]!.key, 'a');
  assert.equal(r.hotKeys[0]!.records, 2);
});

test('lines crossing read-buffer boundaries (a 20 MB file, two alternating buffers) are all counted exactly', async () => {
  const parts: string[] = [];
  const counts = new Array<number>(8).fill(0);
  for (let i = 0; i < 700_000; i++) {
    const key = `k${(i * 7919) % 5003}`;
    // varying lengths so line ends fall everywhere relative to the 8 MiB chunks
    parts.push(`{"key":"${key}","pad":"${'x'.repeat(i % 23)}"}`);
    counts[partitionForKey(key, 8)]!++;
  }
  const p = file(parts.join('\n') + '\n');
  for (const maxLineBytes of [undefined, 64]) {
    const r = await analyze(p, maxLineBytes === undefined ? {} : { maxLineBytes });
    assert.equal(r.records, 700_000);
    assert.equal(r.malformed, 0);
    assert.deepEqual(r.strategies[0]!.counts, counts);
  }
});

test('CRLF line ends: size excludes the terminator', async () => {
  const r = await analyze(file('{"key":"a"}\r\n{"key":"bb"}\r\n'));
  assert.equal(r.records, 2);
  assert.equal(r.bytes, '{"key":"a"}'.length + '{"key":"bb"}'.length);
});

test('dotted key paths, --value-size and --timestamp', async () => {
  const lines = [
    '{"user":{"id":"u1"},"sz":100,"ts":"2024-01-01T00:00:00Z"}',
    '{"user":{"id":"u1"},"sz":50,"ts":1}',
    '{"user":{},"sz":5,"ts":1}',
    '{"user":{"id":"u2"},"sz":"x","ts":1}',
  ];
  const r = await analyze(file(lines.join('\n')), { key: 'user.id', valueSize: 'sz', timestamp: 'ts' });
  assert.equal(r.records, 2);
  assert.equal(r.bytes, 150);
  assert.deepEqual(r.malformedLines, [3, 4]);
  assert.equal(r.hotKeys[0]!.key, 'u1');
});

test('CSV with a header and quoted fields, and one key per line', async () => {
  const csv = 'id,name,tenant\n1,"Smith, J",acme\n2,"say ""hi""",acme\n3,x\n4,"open,globex\n5,y,globex\n';
  const r = await analyze(file(csv, '.csv'), { key: 'tenant' });
  assert.equal(r.records, 3);
  assert.deepEqual(r.malformedLines, [4, 5]);
  assert.deepEqual(
    r.hotKeys.map((h) => [h.key, h.records]),
    [
      ['acme', 2],
      ['globex', 1],
    ],
  );
  await assert.rejects(analyze(file(csv, '.csv'), { key: 'nope' }), /not a column/);
  assert.deepEqual(parseCsvLine('a,"b,c",""'), ['a', 'b,c', '']);

  const keys = 'k1\nk2\nk1\n\x00bin\nk3';
  const r2 = await analyze(file(keys, '.txt'));
  assert.equal(r2.records, 4);
  assert.deepEqual(r2.malformedLines, [4]);
  const counts = new Array<number>(8).fill(0);
  for (const k of ['k1', 'k2', 'k1', 'k3']) counts[partitionForKey(k, 8)]!++;
  assert.deepEqual(r2.strategies[0]!.counts, counts);
  // auto-detection without an extension hint
  assert.equal((await analyze(file('a,b\n1,2\n', '.dat'), { key: 'b' })).hotKeys[0]!.key, '2');
  assert.equal((await analyze(file('{"key":"z"}\n', '.dat'))).hotKeys[0]!.key, 'z');
});

test('a missing file is an InputError (exit 2)', async () => {
  await assert.rejects(
    analyze(join(dir, 'nope.jsonl')),
    (e: unknown) => e instanceof InputError && /ENOENT/.test(e.message),
  );
});

test('CSV: a quoted field may span lines (RFC 4180); one stray quote makes only its own line malformed', async () => {
  const hot = (r: AnalysisResult): Array<[string, number]> =>
    r.hotKeys.map((h) => [h.key, h.records] as [string, number]).sort();
  // Record "b" spans lines 3-5 (a blank line inside the field too); its size counts the inner newlines.
  const multi = 'id,note\na,plain\nb,"first\n\nthird, with ""quotes"""\nc,after\n';
  for (const source of [
    file(multi, '.csv'),
    [Buffer.from(multi.slice(0, 20)), Buffer.from(multi.slice(20))],
  ]) {
    const r = await analyze(source, { key: 'id', format: 'csv' });
    assert.equal(r.records, 3);
    assert.equal(r.malformed, 0);
    assert.deepEqual(hot(r), [
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    const bLine = 'b,"first\n\nthird, with ""quotes"""';
    assert.equal(r.bytes, 'a,plain'.length + Buffer.byteLength(bLine) + 'c,after'.length);
  }
  // CRLF files: the same records.
  const crlf = await analyze(file(multi.replace(/\n/g, '\r\n'), '.csv'), { key: 'id' });
  assert.deepEqual(hot(crlf), [
    ['a', 1],
    ['b', 1],
    ['c', 1],
  ]);

  // A quote that never closes: line 3 is malformed, lines 4 and 5 are read again on their own.
  const stray = 'id,note\na,x\nb,"oops\nc,y\nd,z\n';
  const s1 = await analyze(file(stray, '.csv'), { key: 'id' });
  assert.equal(s1.records, 3);
  assert.deepEqual(s1.malformedLines, [3]);
  assert.deepEqual(hot(s1), [
    ['a', 1],
    ['c', 1],
    ['d', 1],
  ]);
  // ... also when the record outgrows --max-line-bytes before the input ends (the lines after it still count).
  const long = 'id,note\nb,"oops\n' + Array.from({ length: 50 }, (_, i) => `k${i},v`).join('\n') + '\n';
  const s2 = await analyze(file(long, '.csv'), { key: 'id', maxLineBytes: 64 });
  assert.equal(s2.records, 50);
  assert.deepEqual(s2.malformedLines, [2]);
  // --strict names the line the stray quote is on.
  await assert.rejects(
    analyze(file(stray, '.csv'), { key: 'id', strict: true }),
    (e: Error) => e instanceof InputError && /^line 3: bad CSV \(unterminated quote\)/.test(e.message),
  );
  // A header whose quote never closes is fatal, naming line 1.
  await assert.rejects(analyze(file('"id,note\na,b\n', '.csv'), { key: 'id' }), /line 1: bad CSV header/);
});

test('property: RFC 4180 CSV with commas, quotes and newlines in fields reads back every record and byte', async () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é'), maxLength: 6 });
  const quote = (f: string): string => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(field, field), { minLength: 1, maxLength: 30 }), async (rows) => {
      const lines = rows.map(([k, note]) => `${quote(k)},${quote(note)}`);
      const r = await analyze(file('key,note\n' + lines.join('\n') + '\n', '.csv'), { key: 'key' }, 4);
      assert.equal(r.malformed, 0);
      assert.equal(r.records, rows.length);
      assert.equal(
        r.bytes,
        lines.reduce((a, l) => a + Buffer.byteLength(l), 0),
      );
      const counts = [0, 0, 0, 0];
      for (const [k] of rows) counts[partitionForKey(k, 4)]!++;
      assert.deepEqual(r.strategies[0]!.counts, counts);
    }),
    { numRuns: 150 },
  );
});
