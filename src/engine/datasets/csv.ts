import { DatasetError } from './types';
import type { SpecOf } from '../../schema/datasetSpec';

const MB = 1024 * 1024;

/**
 * One limit for the app's file picker, the desktop and CLI readers and the loader. Parsing streams
 * into typed arrays, so a file at the limit needs the text plus at most about twice its size in
 * arrays (measured by `npx tsx test/bench/csvMemory.ts`).
 */
export const MAX_CSV_BYTES = 100 * MB;
/** Beyond this many rows per-row bookkeeping, not values, would dominate memory; no browser run trains on more. */
export const MAX_CSV_ROWS = 5_000_000;
/** A label column with more distinct values than this is a measurement, not classes. */
export const MAX_CSV_CLASSES = 1_000;

/** "100 MB": limits are shown in whole megabytes. */
export const CSV_LIMIT_TEXT = `${Math.round(MAX_CSV_BYTES / MB)} MB`;

/**
 * For callers that can see a file's size before reading it (CLI, Electron main, the file picker):
 * refuse a 1 GB file without loading it. `loadDataset` repeats the check on the text it is given.
 */
export function checkCsvSize(bytes: number, name = 'the CSV file'): void {
  if (bytes > MAX_CSV_BYTES)
    throw new DatasetError(
      'too-large',
      `${name} is ${(bytes / MB).toFixed(1)} MB; ResCanvas reads CSV files up to ${CSV_LIMIT_TEXT}. Use a sample of the rows, or fewer columns.`,
    );
}

interface CsvRecord {
  /** 1-based line in the file where the record starts: what an editor shows. */
  line: number;
  cells: string[];
}

type Delimiter = ',' | ';' | '\t';
const DELIMITERS: Record<SpecOf<'csv'>['delimiter'], Delimiter | undefined> = { auto: undefined, comma: ',', semicolon: ';', tab: '\t' };
const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/** The delimiter that splits the first lines into the most, equally many, cells. */
function detectDelimiter(text: string): Delimiter {
  const lines = text
    .split(/\r?\n/, 50)
    .filter((l) => l.trim() !== '')
    .slice(0, 10);
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const d of [',', ';', '\t'] as const) {
    const counts = lines.map((l) => l.split(d).length - 1);
    const score = Math.min(...counts);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/**
 * RFC 4180 records, one at a time (quoted cells may hold delimiters, doubled quotes and newlines).
 * Written here rather than taken from a CSV library because every error must name the file line,
 * and numeric CSV needs nothing else; blank lines are skipped but still counted.
 */
export class CsvRecordReader {
  private at: number;
  private line = 1;

  constructor(
    private readonly text: string,
    private readonly delimiter: Delimiter,
  ) {
    this.at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /** Characters read so far, of `text.length`: for progress. */
  get position(): number {
    return this.at;
  }

  /** The next non-blank record, or null at the end of the text. */
  next(): CsvRecord | null {
    const { text, delimiter } = this;
    while (this.at < text.length) {
      const cells: string[] = [];
      const recordLine = this.line;
      let cell = '';
      let cellStart = this.at;
      let quoted = false;
      let wasQuoted = false;
      let quoteLine = 0;
      let i = this.at;
      let ended = false;
      for (; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (quoted) {
          if (ch === 34) {
            if (text.charCodeAt(i + 1) === 34) {
              cell += '"';
              i++;
            } else quoted = false;
          } else {
            if (ch === 10) this.line++;
            cell += text[i];
          }
        } else if (ch === 34 && (wasQuoted ? cell : text.slice(cellStart, i)).trim() === '') {
          quoted = true;
          wasQuoted = true;
          quoteLine = this.line;
          cell = '';
        } else if (text[i] === delimiter) {
          cells.push(wasQuoted ? cell : text.slice(cellStart, i));
          cell = '';
          wasQuoted = false;
          cellStart = i + 1;
        } else if (ch === 10 || ch === 13) {
          cells.push(wasQuoted ? cell : text.slice(cellStart, i));
          if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
          this.line++;
          ended = true;
          i++;
          break;
        } else if (wasQuoted) cell += text[i];
      }
      if (quoted) throw new DatasetError('ragged-row', `row ${quoteLine}: a quoted cell opens here and is never closed`, { row: quoteLine });
      if (!ended) cells.push(wasQuoted ? cell : text.slice(cellStart, i));
      this.at = i;
      if (cells.length > 1 || cells[0].trim() !== '') return { line: recordLine, cells };
    }
    return null;
  }
}

/** Every record at once: for small texts (previews of a few lines). */
export function parseCsvRecords(text: string, delimiter: Delimiter): CsvRecord[] {
  const reader = new CsvRecordReader(text, delimiter);
  const records: CsvRecord[] = [];
  for (let r = reader.next(); r; r = reader.next()) records.push(r);
  return records;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const COMMA_DECIMAL = /^[+-]?\d+,\d+$/;

/** A finite number, or undefined. Semicolon files often use decimal commas (1,5), so accept those there. */
function parseNumber(raw: string, delimiter: Delimiter): number | undefined {
  const s = raw.trim();
  if (NUMBER.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  if (delimiter === ';' && COMMA_DECIMAL.test(s)) return Number(s.replace(',', '.'));
  return undefined;
}

export interface CsvTable {
  x: Float32Array;
  y: Int32Array;
  count: number;
  features: number;
  featureNames: string[];
  classNames: string[];
  labelName: string;
  delimiter: string;
  hasHeader: boolean;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/** Told how far parsing has come: characters read of the text's length. */
export type CsvProgress = (done: number, total: number) => void;
/** Records between progress calls: often enough for a smooth bar, rare enough to cost nothing. */
const PROGRESS_RECORDS = 16_384;

/**
 * CSV text → typed arrays in one pass: cells are read one record at a time and written straight
 * into a Float32Array (features) and an Int32Array (label keys), so memory is the text plus about
 * four bytes per value, never an array of strings per cell. Errors name the file line.
 */
export function parseCsvTable(spec: SpecOf<'csv'>, progress?: CsvProgress): CsvTable {
  const { text, name } = spec;
  checkCsvSize(text.length, name === 'CSV' ? 'the CSV text' : `"${name}"`);
  if (!/\S/.test(text)) throw new DatasetError('empty', `${name} is empty: no rows to load`);
  const delimiter = DELIMITERS[spec.delimiter] ?? detectDelimiter(text);
  const reader = new CsvRecordReader(text, delimiter);
  const first = reader.next();
  if (!first) throw new DatasetError('empty', `${name} holds no rows: every line is blank or an empty quoted cell ("")`);
  const second = reader.next();
  const isNumber = (s: string) => parseNumber(s, delimiter) !== undefined;
  const hasHeader =
    spec.header === 'yes' ||
    (spec.header === 'auto' &&
      (second === null
        ? first.cells.every((c) => !isNumber(c))
        : first.cells.some((c, j) => !isNumber(c) && second.cells[j] !== undefined && isNumber(second.cells[j])) ||
          (first.cells.every((c) => !isNumber(c)) && second.cells.some(isNumber))));
  if (hasHeader && first.cells.every((c) => c.trim() === ''))
    throw new DatasetError(
      'empty',
      `${name}: the header row (row ${first.line}) is blank; with "header: yes" the first row must name the columns. Add the names, or choose "header: no".`,
      { row: first.line },
    );
  const width = first.cells.length;
  const names = hasHeader ? first.cells.map((c, j) => c.trim() || `column ${j + 1}`) : first.cells.map((_, j) => `column ${j + 1}`);
  if (hasHeader && second === null) throw new DatasetError('empty', `${name} has a header row but no data rows`);
  if (width < 2)
    throw new DatasetError(
      'missing-label-column',
      `${name} has a single column (read with the ${DELIMITER_NAMES[delimiter]} delimiter); it needs feature columns and a label column. If the file uses another delimiter, choose it.`,
    );

  const labelIndex = findLabelColumn(spec, names, hasHeader);
  const labelName = names[labelIndex];
  const featureIdx = names.map((_, j) => j).filter((j) => j !== labelIndex);
  const features = featureIdx.length;
  const widthSource = hasHeader ? `the header (row ${first.line})` : `row ${first.line}`;

  // Every record ends a line, so the line count bounds the rows (quoted newlines only overestimate).
  let capacity = Math.max(1, Math.min(lineCount(text), MAX_CSV_ROWS + 1));
  let x = new Float32Array(capacity * features);
  let keys = new Int32Array(capacity);
  const keyIndex = new Map<string, number>();
  /** The line where each distinct label first appears, for messages. */
  const keyLines: number[] = [];
  let count = 0;
  const take = (r: CsvRecord) => {
    if (r.cells.length !== width)
      throw new DatasetError(
        'ragged-row',
        `row ${r.line} has ${r.cells.length} cell${r.cells.length === 1 ? '' : 's'} but ${widthSource} has ${width}; every row needs the same number of ${DELIMITER_NAMES[delimiter]}-separated cells`,
        { row: r.line },
      );
    if (count === MAX_CSV_ROWS)
      throw new DatasetError(
        'too-large',
        `${name} has more than ${MAX_CSV_ROWS.toLocaleString('en-US')} rows (row ${r.line} is past the limit); use a sample of the rows`,
        { row: r.line },
      );
    if (count === capacity) {
      capacity = Math.min(MAX_CSV_ROWS, Math.ceil(capacity * 1.5));
      x = grow(x, capacity * features);
      keys = grow(keys, capacity);
    }
    for (let f = 0; f < features; f++) {
      const raw = r.cells[featureIdx[f]];
      const v = parseNumber(raw, delimiter);
      if (v === undefined) {
        const what = raw.trim() === '' ? 'is empty' : `holds ${quote(raw.trim())}, which is not a number`;
        throw new DatasetError(
          'non-numeric',
          `row ${r.line}, column "${names[featureIdx[f]]}" ${what}; feature columns must be numeric (the label column is "${labelName}")`,
          {
            row: r.line,
            column: names[featureIdx[f]],
          },
        );
      }
      x[count * features + f] = v;
    }
    const label = r.cells[labelIndex].trim();
    if (label === '') throw new DatasetError('bad-label', `row ${r.line}, column "${labelName}": the label is empty`, { row: r.line, column: labelName });
    let key = keyIndex.get(label);
    if (key === undefined) {
      key = keyIndex.size;
      if (key === MAX_CSV_CLASSES)
        throw new DatasetError(
          'too-many-classes',
          `column "${labelName}" of ${name} has more than ${MAX_CSV_CLASSES.toLocaleString('en-US')} distinct labels (row ${r.line} brings one more); ResCanvas trains classifiers with up to ${MAX_CSV_CLASSES.toLocaleString('en-US')} classes. Is "${labelName}" the label column? Measurements belong in feature columns: choose the column of class names or numbers as the label.`,
          { row: r.line, column: labelName },
        );
      keyIndex.set(label, key);
      keyLines.push(r.line);
    }
    keys[count] = key;
    count++;
  };
  if (!hasHeader) take(first);
  if (second) take(second);
  for (let r = reader.next(); r; r = reader.next()) {
    take(r);
    if (progress && count % PROGRESS_RECORDS === 0) progress(reader.position, text.length);
  }
  progress?.(text.length, text.length);

  const { classOfKey, classNames } = classesOf(keyIndex, keyLines, labelName, delimiter, name);
  const y = keys.subarray(0, count);
  for (let i = 0; i < count; i++) y[i] = classOfKey[y[i]];
  return {
    x: x.subarray(0, count * features),
    y,
    count,
    features,
    featureNames: featureIdx.map((j) => names[j]),
    classNames,
    labelName,
    delimiter: DELIMITER_NAMES[delimiter],
    hasHeader,
  };
}

function lineCount(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  // Old Mac files end lines with \r alone.
  if (lines === 1) for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1)) lines++;
  return lines;
}

function grow<T extends Float32Array | Int32Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}

function findLabelColumn(spec: SpecOf<'csv'>, names: readonly string[], hasHeader: boolean): number {
  const wanted = spec.labelColumn;
  if (wanted === undefined) return names.length - 1;
  if (typeof wanted === 'number') {
    if (wanted < names.length) return wanted;
    throw new DatasetError('missing-label-column', `label column ${wanted} does not exist: ${spec.name} has ${names.length} columns (numbered from 0)`, {
      column: String(wanted),
    });
  }
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const loose = names.findIndex((n) => n.trim().toLowerCase() === wanted.trim().toLowerCase());
  if (loose >= 0) return loose;
  const list =
    names
      .slice(0, 20)
      .map((n) => `"${n}"`)
      .join(', ') + (names.length > 20 ? `, … (${names.length} in all)` : '');
  throw new DatasetError(
    'missing-label-column',
    hasHeader
      ? `no column named "${wanted}" for the labels; the columns are ${list}`
      : `no column named "${wanted}" for the labels: ${spec.name} has no header row, so columns have no names; choose the label column by number (0 to ${names.length - 1})`,
    { column: wanted },
  );
}

/**
 * Distinct label strings → classes: numbers when every label is one (sorted numerically, "1" and
 * "1.0" the same class), else the strings sorted.
 */
function classesOf(
  keyIndex: Map<string, number>,
  keyLines: readonly number[],
  labelName: string,
  delimiter: Delimiter,
  name: string,
): { classOfKey: Int32Array; classNames: string[] } {
  const labels = [...keyIndex.keys()];
  const numeric = labels.map((s) => parseNumber(s, delimiter));
  const classOfKey = new Int32Array(labels.length);
  let classNames: string[];
  if (numeric.every((v) => v !== undefined)) {
    const bad = numeric.findIndex((v) => !Number.isInteger(v));
    if (bad >= 0)
      throw new DatasetError(
        'bad-label',
        `row ${keyLines[bad]}, column "${labelName}": label ${labels[bad]} is not a whole number; ResCanvas trains classifiers, so labels must be class numbers or class names`,
        { row: keyLines[bad], column: labelName },
      );
    const values = [...new Set(numeric as number[])].sort((a, b) => a - b);
    classNames = values.map(String);
    const index = new Map(values.map((v, i) => [v, i]));
    numeric.forEach((v, k) => (classOfKey[k] = index.get(v as number) ?? 0));
  } else {
    classNames = [...labels].sort();
    const index = new Map(classNames.map((c, i) => [c, i]));
    labels.forEach((l, k) => (classOfKey[k] = index.get(l) ?? 0));
  }
  if (classNames.length < 2)
    throw new DatasetError(
      'one-class',
      `every row of ${name} has the label ${quote(classNames[0])} in column "${labelName}"; a classifier needs at least two classes. Is "${labelName}" the right label column?`,
      { column: labelName },
    );
  return { classOfKey, classNames };
}
