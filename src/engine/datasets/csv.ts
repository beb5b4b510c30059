import { DatasetError } from './types';
import type { SpecOf } from './spec';

/** Larger files are refused up front: parsing them would take minutes and gigabytes of float32. */
export const MAX_CSV_BYTES = 200 * 1024 * 1024;

const MB = 1024 * 1024;

/**
 * For callers that can see a file's size before reading it (CLI, Electron main): refuse a 1 GB
 * file without loading it. `loadDataset` repeats the check on the text it is given.
 */
export function checkCsvSize(bytes: number, name = 'the CSV file'): void {
  if (bytes > MAX_CSV_BYTES)
    throw new DatasetError(
      'too-large',
      `${name} is ${(bytes / MB).toFixed(1)} MB; ResCanvas reads CSV files up to ${MAX_CSV_BYTES / MB} MB. Use a sample of the rows, or fewer columns.`,
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
  const lines = text.split(/\r?\n/, 50).filter((l) => l.trim() !== '').slice(0, 10);
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
 * RFC 4180 records (quoted cells may hold delimiters, doubled quotes and newlines). Written here
 * rather than taken from a CSV library because every error must name the file line, and numeric
 * CSV needs nothing else; blank lines are skipped but still counted.
 */
export function parseCsvRecords(text: string, delimiter: Delimiter): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0].trim() !== '') records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      quoteLine = line;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (quoted) throw new DatasetError('ragged-row', `row ${quoteLine}: a quoted cell opens here and is never closed`, { row: quoteLine });
  endRecord();
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

export function parseCsvTable(spec: SpecOf<'csv'>): CsvTable {
  const { text, name } = spec;
  checkCsvSize(text.length, name === 'CSV' ? 'the CSV text' : `"${name}"`);
  if (text.trim() === '') throw new DatasetError('empty', `${name} is empty: no rows to load`);
  const delimiter = DELIMITERS[spec.delimiter] ?? detectDelimiter(text);
  const records = parseCsvRecords(text, delimiter);
  const first = records[0];
  const isNumber = (s: string) => parseNumber(s, delimiter) !== undefined;
  const hasHeader =
    spec.header === 'yes' ||
    (spec.header === 'auto' &&
      (records.length === 1
        ? first.cells.every((c) => !isNumber(c))
        : first.cells.some((c, j) => !isNumber(c) && records[1].cells[j] !== undefined && isNumber(records[1].cells[j])) ||
          (first.cells.every((c) => !isNumber(c)) && records[1].cells.some(isNumber))));
  const width = first.cells.length;
  const names = hasHeader ? first.cells.map((c, j) => c.trim() || `column ${j + 1}`) : first.cells.map((_, j) => `column ${j + 1}`);
  const rows = hasHeader ? records.slice(1) : records;
  if (rows.length === 0) throw new DatasetError('empty', `${name} has a header row but no data rows`);
  if (width < 2)
    throw new DatasetError(
      'missing-label-column',
      `${name} has a single column (read with the ${DELIMITER_NAMES[delimiter]} delimiter); it needs feature columns and a label column. If the file uses another delimiter, choose it.`,
    );

  const labelIndex = findLabelColumn(spec, names, hasHeader);
  const labelName = names[labelIndex];
  const featureIdx = names.map((_, j) => j).filter((j) => j !== labelIndex);
  const widthSource = hasHeader ? `the header (row ${first.line})` : `row ${first.line}`;
  for (const r of rows) {
    if (r.cells.length !== width)
      throw new DatasetError(
        'ragged-row',
        `row ${r.line} has ${r.cells.length} cell${r.cells.length === 1 ? '' : 's'} but ${widthSource} has ${width}; every row needs the same number of ${DELIMITER_NAMES[delimiter]}-separated cells`,
        { row: r.line },
      );
  }

  const count = rows.length;
  const features = featureIdx.length;
  const x = new Float32Array(count * features);
  rows.forEach((r, i) => {
    featureIdx.forEach((j, f) => {
      const raw = r.cells[j];
      const v = parseNumber(raw, delimiter);
      if (v === undefined) {
        const what = raw.trim() === '' ? 'is empty' : `holds ${quote(raw.trim())}, which is not a number`;
        throw new DatasetError('non-numeric', `row ${r.line}, column "${names[j]}" ${what}; feature columns must be numeric (the label column is "${labelName}")`, {
          row: r.line,
          column: names[j],
        });
      }
      x[i * features + f] = v;
    });
  });

  const { y, classNames } = labelsOf(rows, labelIndex, labelName, delimiter, name);
  return { x, y, count, features, featureNames: featureIdx.map((j) => names[j]), classNames, labelName, delimiter: DELIMITER_NAMES[delimiter], hasHeader };
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
  const list = names.slice(0, 20).map((n) => `"${n}"`).join(', ') + (names.length > 20 ? `, … (${names.length} in all)` : '');
  throw new DatasetError(
    'missing-label-column',
    hasHeader
      ? `no column named "${wanted}" for the labels; the columns are ${list}`
      : `no column named "${wanted}" for the labels: ${spec.name} has no header row, so columns have no names; choose the label column by number (0 to ${names.length - 1})`,
    { column: wanted },
  );
}

function labelsOf(rows: readonly CsvRecord[], j: number, labelName: string, delimiter: Delimiter, name: string): { y: Int32Array; classNames: string[] } {
  const raw = rows.map((r) => r.cells[j].trim());
  const empty = raw.findIndex((s) => s === '');
  if (empty >= 0)
    throw new DatasetError('bad-label', `row ${rows[empty].line}, column "${labelName}": the label is empty`, { row: rows[empty].line, column: labelName });
  const numeric = raw.map((s) => parseNumber(s, delimiter));
  let classNames: string[];
  let keys: string[];
  if (numeric.every((v) => v !== undefined)) {
    const bad = numeric.findIndex((v) => !Number.isInteger(v));
    if (bad >= 0)
      throw new DatasetError(
        'bad-label',
        `row ${rows[bad].line}, column "${labelName}": label ${raw[bad]} is not a whole number; ResCanvas trains classifiers, so labels must be class numbers or class names`,
        { row: rows[bad].line, column: labelName },
      );
    const values = [...new Set(numeric as number[])].sort((a, b) => a - b);
    classNames = values.map(String);
    keys = numeric.map(String);
  } else {
    classNames = [...new Set(raw)].sort();
    keys = raw;
  }
  if (classNames.length < 2)
    throw new DatasetError(
      'one-class',
      `every row of ${name} has the label ${quote(classNames[0])} in column "${labelName}"; a classifier needs at least two classes. Is "${labelName}" the right label column?`,
      { column: labelName },
    );
  const index = new Map(classNames.map((c, i) => [c, i]));
  return { y: Int32Array.from(keys, (k) => index.get(k) ?? 0), classNames };
}
