/**
 * Streaming input for `kpart analyze`: JSONL, CSV (header row) or one key per line, from a file or stdin,
 * in bounded memory (one read buffer; a line longer than --max-line-bytes is skipped, not buffered).
 *
 * Speed: a readline + JSON.parse loop tops out near 1 M records/s because it builds a string and a whole
 * object per line. The scanner here works on bytes: it finds newlines in a large read buffer, validates each
 * JSONL line with a byte-level JSON grammar check and locates the top-level key field on the way, then hands
 * the key's byte range to the analyzer, which hashes it in place. Anything the fast path does not handle
 * (non-ASCII bytes, escapes in the key, a non-string key, a dotted path, duplicate fields, invalid JSON,
 * a missing field) goes to the exact slow path: UTF-8 check + JSON.parse, which also produces the
 * malformed-record reasons. So the fast path only ever accepts lines JSON.parse would accept, with the same key.
 */
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { extname } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { AnalysisRecord } from './analyzer.js';

/** Where the scanner sends records: the Analyzer, or any other consumer (e.g. the repartition analysis). */
export interface RecordSink {
  add(record: AnalysisRecord): void;
  /** The key is buf[start, end) (valid only during the call). */
  addKeyRange(buf: Uint8Array, start: number, end: number, size: number): void;
  addMalformed(line: number, reason: string): void;
}

export const InputFormat = { auto: 'auto', jsonl: 'jsonl', csv: 'csv', lines: 'lines' } as const;
export type InputFormat = (typeof InputFormat)[keyof typeof InputFormat];
export type ConcreteFormat = Exclude<InputFormat, 'auto'>;

export const MalformedReason = {
  badJson: 'bad JSON',
  notObject: 'not a JSON object',
  missingKey: 'missing key field',
  objectKey: 'key field is an object or array',
  binary: 'binary data (invalid UTF-8 or control characters)',
  tooLong: 'line too long',
  badTimestamp: 'missing or bad timestamp field',
  badValueSize: 'missing or bad value-size field',
  badCsv: 'bad CSV (unterminated quote)',
  shortRow: 'CSV row has fewer columns than the header',
} as const;

export interface InputOptions {
  format?: InputFormat;
  /** Key field (JSONL, dotted paths allowed) or CSV column. Default "key". Ignored for `lines`. */
  key?: string;
  /** Field/column holding the timestamp (ms since epoch or an ISO date). */
  timestamp?: string;
  /** Field/column holding the record size in bytes (instead of the line length). */
  valueSize?: string;
  /** Malformed records are fatal (InputError, exit 2). */
  strict?: boolean;
  /** Longer lines are malformed. Default 1 MiB. */
  maxLineBytes?: number;
  /** Parse each record's value (JSON object / CSV row) for strategies that route on fields. */
  needValue?: boolean;
  /** Set false to force JSON.parse on every JSONL line (tests check both paths agree). Default true. */
  fast?: boolean;
}

export interface InputSummary {
  format: ConcreteFormat;
  /** Physical lines read (including blank and header lines). */
  lines: number;
  bytesRead: number;
  /** JSONL records handled by the byte-level fast path. */
  fastRecords: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

// JSON byte constants
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const NL = 0x0a;
const CR = 0x0d;

// fast-path outcomes
const SLOW = 0;
const FOUND = 1;
const KEYLESS = 2;

const MAX_DEPTH = 64;

/** 1 for bytes a JSON string may contain unescaped on the fast path: printable ASCII except quote and backslash. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;
/** 1 for ASCII digits. */
const DIGIT = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) DIGIT[c] = 1;
/** 1 for JSON whitespace. */
const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Extension hint: .jsonl/.ndjson/.json → jsonl, .csv → csv, .txt/.keys → lines; otherwise sniffed. */
export function formatFromPath(path: string | undefined): ConcreteFormat | undefined {
  if (!path || path === '-') return undefined;
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.txt' || ext === '.keys') return 'lines';
  return undefined;
}

/**
 * Splits one CSV record (RFC 4180 quoting; a quoted field may hold newlines when the caller joined the
 * lines); null when a quote is unterminated.
 */
export function parseCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line.charCodeAt(i) === QUOTE) {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        v += line.slice(i, q);
        if (line.charCodeAt(q + 1) === QUOTE) {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // text between a closing quote and the comma is kept, as most CSV readers do
      const c = line.indexOf(',', i);
      if (c < 0) {
        out.push(v + line.slice(i));
        return out;
      }
      out.push(v + line.slice(i, c));
      i = c + 1;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

/**
 * Whether a CSV line leaves a quoted field open, given whether it starts inside one (it continues a record
 * whose quoted field spans lines). Same grammar as parseCsvLine: a quote opens a field only at its start,
 * `""` inside is a literal quote, and a closing quote ends the quoting up to the next comma.
 */
export function endsInsideQuote(line: string, inside: boolean): boolean {
  let fieldStart = !inside;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inside) {
      if (c === QUOTE) {
        if (line.charCodeAt(i + 1) === QUOTE) i++;
        else inside = false;
      }
    } else if (c === COMMA) fieldStart = true;
    else {
      if (c === QUOTE && fieldStart) inside = true;
      fieldStart = false;
    }
  }
  return inside;
}

/** Reads obj[path], then obj.a.b for "a.b" (a top-level field literally named "a.b" wins). */
export function getPath(obj: unknown, path: string, segments: readonly string[]): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(obj, path)) return (obj as Record<string, unknown>)[path];
  if (segments.length < 2) return undefined;
  let cur: unknown = obj;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, s))
      return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

/** Parses a timestamp field: a number (ms) or a date string; NaN when neither. */
function toTimestamp(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : Date.parse(v);
  }
  return NaN;
}

function toSize(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : NaN;
}

/**
 * Push-based record scanner: feed() it buffer ranges, it analyzes every complete line and returns where the
 * unconsumed tail (an incomplete last line) begins; finish() handles a last line without a newline and end()
 * closes the input.
 */
export class RecordScanner {
  format: ConcreteFormat | undefined;
  lines = 0;
  fastRecords = 0;

  private readonly keyPath: string;
  private readonly keySegments: string[];
  private readonly keyField: Buffer;
  private readonly fastEligible: boolean;
  private readonly maxLine: number;
  private skipping = false;
  private csvHeader: string[] | undefined;
  private csvKey = -1;
  private csvTs = -1;
  private csvSize = -1;
  private csvNeed = 0;
  /**
   * A CSV record whose quoted field goes on over the next line(s) (RFC 4180): its lines so far with their
   * byte sizes, the line number it started on and its total bytes. Bounded by maxLineBytes; a quote that never closes (limit or end of
   * input) makes only the first line malformed, and the lines after it are read again on their own, so one
   * stray quote cannot swallow the rest of the file.
   */
  private csvPending: { lines: string[]; sizes: number[]; first: number; bytes: number } | undefined;
  // fast-path scratch state (fields, so the hot loop allocates nothing)
  private keyStart = 0;
  private keyEnd = 0;
  private esc = false;

  constructor(
    private readonly analyzer: RecordSink,
    private readonly options: InputOptions = {},
    formatHint?: ConcreteFormat,
  ) {
    const f = options.format ?? 'auto';
    this.format = f === 'auto' ? formatHint : f;
    this.keyPath = options.key ?? 'key';
    if (this.keyPath === '') throw new UsageError('--key must not be empty');
    this.keySegments = this.keyPath.split('.');
    this.keyField = Buffer.from(this.keyPath, 'utf8');
    this.maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.fastEligible =
      options.fast !== false &&
      !options.needValue &&
      options.timestamp === undefined &&
      options.valueSize === undefined &&
      this.keySegments.length === 1 &&
      /^[\x20-\x7e]*$/.test(this.keyPath) &&
      !/["\\]/.test(this.keyPath);
  }

  /** Analyzes complete lines in buf[start, end); returns the index of the first unconsumed byte. */
  feed(buf: Buffer, start: number, end: number): number {
    let pos = start;
    if (this.skipping) {
      const nl = buf.indexOf(NL, pos);
      if (nl < 0 || nl >= end) return end;
      this.skipping = false;
      pos = nl + 1;
    }
    for (;;) {
      const nl = pos < end ? buf.indexOf(NL, pos) : -1;
      if (nl < 0 || nl >= end) break;
      this.line(buf, pos, nl);
      pos = nl + 1;
    }
    if (end - pos > this.maxLine) {
      // an over-long line still going on: count it now, drop its bytes until its newline arrives
      this.lines++;
      this.malformed(MalformedReason.tooLong);
      this.skipping = true;
      return end;
    }
    return pos;
  }

  /**
   * Handles the final line (no trailing newline) in buf[start, end). Writes a newline sentinel at buf[end]
   * when there is room (the byte after the data is the caller's scratch space), see scanJson.
   */
  finish(buf: Buffer, start: number, end: number): void {
    if (this.skipping) return;
    if (end < buf.length) buf[end] = NL;
    if (end > start) this.line(buf, start, end);
  }

  /** End of input (after finish(), if there was a last line without a newline). */
  end(): void {
    // a CSV record still waiting for its closing quote never gets one
    while (this.csvPending) this.abandonCsvPending();
  }

  private malformed(reason: string, line = this.lines): void {
    if (this.options.strict) throw new InputError(`line ${line}: ${reason} (--strict)`, 'E_MALFORMED');
    this.analyzer.addMalformed(line, reason);
  }

  private line(buf: Buffer, s: number, e: number): void {
    this.lines++;
    if (e > s && buf[e - 1] === CR) e--;
    if (e - s > this.maxLine) return this.malformed(MalformedReason.tooLong);
    // blank lines separate nothing and carry no record
    let p = s;
    while (p < e && (buf[p] === 0x20 || buf[p] === 0x09)) p++;
    // (inside a quoted CSV field that spans lines, a blank line is part of the field)
    if (p === e && this.csvPending === undefined) return;
    if (this.format === undefined)
      this.format =
        buf[p] === LBRACE
          ? 'jsonl'
          : buf.indexOf(COMMA, s) >= 0 && buf.indexOf(COMMA, s) < e
            ? 'csv'
            : 'lines';
    switch (this.format) {
      case 'jsonl':
        if (this.fastEligible) {
          const r = this.scanJson(buf, s, e);
          if (r === FOUND) {
            this.fastRecords++;
            this.analyzer.addKeyRange(buf, this.keyStart, this.keyEnd, e - s);
            return;
          }
          if (r === KEYLESS) {
            this.fastRecords++;
            this.analyzer.add({ key: null, size: e - s });
            return;
          }
        }
        return this.slowJson(buf, s, e);
      case 'csv':
        return this.csvLine(buf, s, e);
      case 'lines':
        return this.keyLine(buf, s, e);
    }
  }

  private keyLine(buf: Buffer, s: number, e: number): void {
    let high = false;
    for (let i = s; i < e; i++) {
      const c = buf[i]!;
      if (c < 0x20 ? c !== 0x09 : c === 0x7f) return this.malformed(MalformedReason.binary);
      if (c >= 0x80) high = true;
    }
    if (high && !isUtf8(buf.subarray(s, e))) return this.malformed(MalformedReason.binary);
    this.analyzer.addKeyRange(buf, s, e, e - s);
  }

  private decode(buf: Buffer, s: number, e: number): string | undefined {
    const view = buf.subarray(s, e);
    if (!isUtf8(view)) return undefined;
    return view.toString('utf8');
  }

  private slowJson(buf: Buffer, s: number, e: number): void {
    const text = this.decode(buf, s, e);
    if (text === undefined) return this.malformed(MalformedReason.binary);
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return this.malformed(MalformedReason.badJson);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
      return this.malformed(MalformedReason.notObject);
    const k = getPath(obj, this.keyPath, this.keySegments);
    if (k === undefined) return this.malformed(MalformedReason.missingKey);
    if (k !== null && typeof k === 'object') return this.malformed(MalformedReason.objectKey);
    // a number or boolean key is what a producer would send as its text ("42")
    const key = k === null ? null : String(k);
    this.emit(key, obj, e - s, (f) => getPath(obj, f, f.split('.')));
  }

  private emit(
    key: string | null,
    value: unknown,
    lineSize: number,
    field: (name: string) => unknown,
    lineNo = this.lines,
  ): void {
    let size = lineSize;
    let timestamp: number | undefined;
    if (this.options.valueSize !== undefined) {
      size = toSize(field(this.options.valueSize));
      if (Number.isNaN(size)) return this.malformed(MalformedReason.badValueSize, lineNo);
    }
    if (this.options.timestamp !== undefined) {
      timestamp = toTimestamp(field(this.options.timestamp));
      if (Number.isNaN(timestamp)) return this.malformed(MalformedReason.badTimestamp, lineNo);
    }
    this.analyzer.add({ key, size, value: this.options.needValue ? value : undefined, timestamp });
  }

  private csvLine(buf: Buffer, s: number, e: number): void {
    const text = this.decode(buf, s, e);
    if (text === undefined) {
      // a binary line cannot continue a quoted field: the pending record (if any) is abandoned first
      while (this.csvPending) this.abandonCsvPending();
      return this.malformed(MalformedReason.binary);
    }
    this.csvText(text, this.lines, e - s);
  }

  /** Drops the pending record's first line as malformed and reads its other lines again, one by one. */
  private abandonCsvPending(): void {
    const p = this.csvPending!;
    this.csvPending = undefined;
    if (!this.csvHeader)
      throw new InputError(`line ${p.first}: bad CSV header (unterminated quote)`, 'E_CSV_HEADER');
    this.malformed(MalformedReason.badCsv, p.first);
    for (let i = 1; i < p.lines.length; i++) {
      const line = p.lines[i]!;
      if (line.trim() === '') continue; // blank lines carry no record
      this.csvText(line, p.first + i, p.sizes[i]!);
    }
  }

  /** One CSV line of text (line number `lineNo`, `size` bytes), joined to a pending multi-line record if any. */
  private csvText(line: string, lineNo: number, size: number): void {
    let text = line;
    let first = lineNo;
    let bytes = size;
    const p = this.csvPending;
    if (p) {
      p.lines.push(line);
      p.sizes.push(size);
      p.bytes += 1 + size; // the newline inside the quoted field counts
      if (endsInsideQuote(line, true)) {
        // still open (checked on the new line only, so a long record costs linear time); too long to be one
        // record means the quote was a stray one
        if (p.bytes > this.maxLine) this.abandonCsvPending();
        return;
      }
      text = p.lines.join('\n');
      first = p.first;
      bytes = p.bytes;
    }
    const fields = parseCsvLine(text);
    if (!fields) {
      // unreachable when `p` was set (the quote state said closed); a new record opens a quoted field
      if (!p) this.csvPending = { lines: [line], sizes: [size], first: lineNo, bytes: size };
      else this.abandonCsvPending();
      return;
    }
    this.csvPending = undefined;
    this.csvRecord(fields, first, bytes);
  }

  private csvRecord(fields: string[], lineNo: number, size: number): void {
    if (!this.csvHeader) {
      this.csvHeader = fields.map((f) => f.trim());
      const col = (flag: string, name: string | undefined): number => {
        if (name === undefined) return -1;
        const i = this.csvHeader!.indexOf(name);
        if (i < 0)
          throw new UsageError(
            `${flag} "${name}" is not a column of the CSV header (columns: ${this.csvHeader!.join(', ')})`,
          );
        return i;
      };
      this.csvKey = col('--key', this.keyPath);
      this.csvTs = col('--timestamp', this.options.timestamp);
      this.csvSize = col('--value-size', this.options.valueSize);
      this.csvNeed = Math.max(this.csvKey, this.csvTs, this.csvSize) + 1;
      return;
    }
    if (fields.length < this.csvNeed) return this.malformed(MalformedReason.shortRow, lineNo);
    const header = this.csvHeader;
    let row: Record<string, string> | undefined;
    if (this.options.needValue) {
      row = {};
      header.forEach((h, i) => (row![h] = fields[i] ?? ''));
    }
    this.emit(fields[this.csvKey]!, row, size, (name) => fields[header.indexOf(name)], lineNo);
  }

  // ---- the JSONL fast path: exact JSON grammar over ASCII bytes, top-level key located on the way ----

  /**
   * FOUND (key range in keyStart/keyEnd), KEYLESS (key field is null), or SLOW (let JSON.parse decide).
   * The inner loops over string and digit runs do not test `p < e`: b[e] is always a byte that ends a run
   * (the line's \n or \r, the sentinel finish() writes, or past the buffer's end, which reads undefined),
   * and the position is checked against e once the run stops. That halves the per-byte work.
   */
  private scanJson(b: Buffer, s: number, e: number): number {
    let p = s;
    if (WS[b[p]!] === 1) p = this.ws(b, p, e);
    if (p >= e || b[p] !== LBRACE) return SLOW;
    p = p + 1;
    if (WS[b[p]!] === 1) p = this.ws(b, p, e);
    let found = SLOW;
    if (p < e && b[p] === RBRACE) p++;
    else {
      const field = this.keyField;
      const flen = field.length;
      for (;;) {
        if (p >= e || b[p] !== QUOTE) return SLOW;
        const nameStart = p + 1;
        this.esc = false;
        p = this.str(b, p, e);
        // an escaped member name may spell the key field ("k\u0065y"): only JSON.parse can tell
        if (p < 0 || this.esc) return SLOW;
        let match = p - 1 - nameStart === flen;
        for (let i = 0; match && i < flen; i++) if (b[nameStart + i] !== field[i]) match = false;
        if (WS[b[p]!] === 1) p = this.ws(b, p, e);
        if (p >= e || b[p] !== COLON) return SLOW;
        p = p + 1;
        if (WS[b[p]!] === 1) p = this.ws(b, p, e);
        if (match) {
          if (found !== SLOW) return SLOW; // duplicate field: JSON.parse keeps the last one
          const c = b[p];
          if (c === QUOTE) {
            this.esc = false;
            const q = this.str(b, p, e);
            if (q < 0 || this.esc) return SLOW;
            this.keyStart = p + 1;
            this.keyEnd = q - 1;
            found = FOUND;
            p = q;
          } else if (
            c === 0x6e &&
            p + 4 <= e &&
            b[p + 1] === 0x75 &&
            b[p + 2] === 0x6c &&
            b[p + 3] === 0x6c
          ) {
            found = KEYLESS;
            p += 4;
          } else return SLOW;
        } else {
          p = this.value(b, p, e, 1);
          if (p < 0) return SLOW;
        }
        if (WS[b[p]!] === 1) p = this.ws(b, p, e);
        if (p >= e) return SLOW;
        const c = b[p];
        if (c === COMMA) {
          p = p + 1;
          if (WS[b[p]!] === 1) p = this.ws(b, p, e);
          continue;
        }
        if (c === RBRACE) {
          p++;
          break;
        }
        return SLOW;
      }
    }
    if (WS[b[p]!] === 1) p = this.ws(b, p, e);
    return p === e ? found : SLOW;
  }

  private ws(b: Buffer, p: number, e: number): number {
    while (p < e && WS[b[p]!] === 1) p++;
    return p;
  }

  /** b[p] is a quote; returns the index after the closing quote, or -1. Sets esc when a backslash was seen. */
  private str(b: Buffer, p: number, e: number): number {
    p++;
    while (p < e) {
      // runs of plain characters are the common case: one table lookup per byte (b[e] stops the run)
      while (PLAIN[b[p]!] === 1) p++;
      if (p >= e) return -1;
      const c = b[p]!;
      if (c === QUOTE) return p + 1;
      if (c === BACKSLASH) {
        this.esc = true;
        const d = b[p + 1];
        if (d === 0x75) {
          if (p + 6 > e || !isHex(b[p + 2]!) || !isHex(b[p + 3]!) || !isHex(b[p + 4]!) || !isHex(b[p + 5]!))
            return -1;
          p += 6;
          continue;
        }
        if (
          d === QUOTE ||
          d === BACKSLASH ||
          d === 0x2f ||
          d === 0x62 ||
          d === 0x66 ||
          d === 0x6e ||
          d === 0x72 ||
          d === 0x74
        ) {
          p += 2;
          continue;
        }
        return -1;
      }
      if (c < 0x20 || c >= 0x80) return -1; // control characters are invalid; non-ASCII goes to the UTF-8-checked slow path
      p++;
    }
    return -1;
  }

  /** Skips one JSON value at b[p]; returns the index after it, or -1. */
  private value(b: Buffer, p: number, e: number, depth: number): number {
    if (p >= e) return -1;
    const c = b[p]!;
    if (c === QUOTE) return this.str(b, p, e);
    if (c === LBRACE || c === LBRACKET) {
      if (depth >= MAX_DEPTH) return -1;
      const isObj = c === LBRACE;
      const close = isObj ? RBRACE : RBRACKET;
      p = p + 1;
      if (WS[b[p]!] === 1) p = this.ws(b, p, e);
      if (p < e && b[p] === close) return p + 1;
      for (;;) {
        if (isObj) {
          if (p >= e || b[p] !== QUOTE) return -1;
          p = this.str(b, p, e);
          if (p < 0) return -1;
          if (WS[b[p]!] === 1) p = this.ws(b, p, e);
          if (p >= e || b[p] !== COLON) return -1;
          p = p + 1;
          if (WS[b[p]!] === 1) p = this.ws(b, p, e);
        }
        p = this.value(b, p, e, depth + 1);
        if (p < 0) return -1;
        if (WS[b[p]!] === 1) p = this.ws(b, p, e);
        if (p >= e) return -1;
        const d = b[p];
        if (d === COMMA) {
          p = p + 1;
          if (WS[b[p]!] === 1) p = this.ws(b, p, e);
          continue;
        }
        return d === close ? p + 1 : -1;
      }
    }
    if (c === 0x74)
      return p + 4 <= e && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65 ? p + 4 : -1; // true
    if (c === 0x66)
      return p + 5 <= e && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73 && b[p + 4] === 0x65
        ? p + 5
        : -1; // false
    if (c === 0x6e)
      return p + 4 <= e && b[p + 1] === 0x75 && b[p + 2] === 0x6c && b[p + 3] === 0x6c ? p + 4 : -1; // null
    // number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    if (c === 0x2d) p++;
    if (p >= e) return -1;
    if (b[p] === 0x30) p++;
    else if (DIGIT[b[p]!] === 1) while (DIGIT[b[p]!] === 1) p++;
    else return -1;
    if (p < e && b[p] === 0x2e) {
      p++;
      if (p >= e || DIGIT[b[p]!] !== 1) return -1;
      while (DIGIT[b[p]!] === 1) p++;
    }
    if (p < e && (b[p] === 0x65 || b[p] === 0x45)) {
      p++;
      if (p < e && (b[p] === 0x2b || b[p] === 0x2d)) p++;
      if (p >= e || DIGIT[b[p]!] !== 1) return -1;
      while (DIGIT[b[p]!] === 1) p++;
    }
    return p > e ? -1 : p;
  }
}

export interface ReadProgress {
  (bytesRead: number, totalBytes: number | undefined): void;
}

/**
 * Streams a file (or stdin for undefined/"-") through a RecordScanner into `analyzer`.
 *
 * Files are read with two buffers: while the scanner works on one, the next read is already running in
 * libuv's thread pool into the other, so the disk/page-cache copy overlaps the scan instead of adding to it.
 * Each buffer has a reserved head of maxLineBytes + 1 where the previous buffer's incomplete last line (never
 * longer than that: the scanner drops over-long lines) is copied in front of the new data.
 * Memory: 2 × (8 MiB + maxLineBytes + 1) for files, one such buffer for stdin, whatever the input size.
 */
export async function analyzeInput(
  source: string | undefined,
  analyzer: RecordSink,
  options: InputOptions = {},
  onProgress?: ReadProgress,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<InputSummary> {
  const scanner = new RecordScanner(analyzer, options, formatFromPath(source));
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const chunk = 8 * 1024 * 1024;
  const reserve = maxLine + 1;
  let bytesRead = 0;
  const summary = (): InputSummary => ({
    format: scanner.format ?? 'lines',
    lines: scanner.lines,
    bytesRead,
    fastRecords: scanner.fastRecords,
  });
  if (source === undefined || source === '-') {
    const size = reserve + chunk;
    const buf = Buffer.allocUnsafe(size);
    let filled = 0;
    for await (const raw of stdin) {
      const piece = typeof raw === 'string' ? Buffer.from(raw) : raw;
      let off = 0;
      while (off < piece.length) {
        const n = piece.copy(buf, filled, off);
        off += n;
        filled += n;
        bytesRead += n;
        if (filled === size || off === piece.length) {
          const used = scanner.feed(buf, 0, filled);
          if (used > 0) {
            buf.copy(buf, 0, used, filled);
            filled -= used;
          }
        }
      }
      onProgress?.(bytesRead, undefined);
    }
    scanner.finish(buf, 0, filled);
    scanner.end();
    return summary();
  }
  const readError = (err: unknown): InputError =>
    new InputError(
      `cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'E_READ',
    );
  let fh;
  try {
    fh = await open(source, 'r');
  } catch (err) {
    throw readError(err);
  }
  const bufs = [Buffer.allocUnsafe(reserve + chunk), Buffer.allocUnsafe(reserve + chunk)] as const;
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    const total = (await fh.stat()).size;
    let cur = 0;
    let tail: Buffer | undefined; // the previous buffer's incomplete last line (a view, copied before reuse)
    pending = fh.read(bufs[0], reserve, chunk, null);
    for (;;) {
      let n: number;
      try {
        ({ bytesRead: n } = await pending);
      } catch (err) {
        pending = undefined;
        throw readError(err);
      }
      pending = undefined;
      if (n === 0) break;
      const buf = bufs[cur]!;
      let start = reserve;
      if (tail) {
        start = reserve - tail.length;
        tail.copy(buf, start);
        tail = undefined;
      }
      // the other buffer's tail has been copied out: it is free for the next read
      pending = fh.read(bufs[cur ^ 1]!, reserve, chunk, null);
      bytesRead += n;
      const end = reserve + n;
      const used = scanner.feed(buf, start, end);
      if (used < end) tail = buf.subarray(used, end);
      onProgress?.(bytesRead, total);
      cur ^= 1;
    }
    if (tail) {
      // finish() may write a sentinel right after the data: give it a buffer with room
      const last = bufs[cur]!;
      tail.copy(last, 0);
      scanner.finish(last, 0, tail.length);
    }
    scanner.end();
  } finally {
    if (pending) await pending.catch(() => undefined);
    await fh.close();
  }
  return summary();
}
