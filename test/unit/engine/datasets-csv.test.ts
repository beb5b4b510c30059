import { describe, expect, it } from 'vitest';
import { checkCsvSize, DatasetError, loadDataset, MAX_CSV_BYTES, previewDataset, type Dataset } from '../../../src/engine/datasets';

const csv = (text: string, options: Record<string, unknown> = {}) => loadDataset({ kind: 'csv', text, name: 'iris.csv', ...options });

/** Rows of the whole dataset in file order is lost by the split; sort samples to compare. */
function rows(d: Dataset): string[] {
  const f = d.sampleShape[0];
  const out: string[] = [];
  for (const s of [d.train, d.validation]) for (let i = 0; i < s.count; i++) out.push(`${Array.from(s.x.subarray(i * f, (i + 1) * f)).join(',')}|${s.y[i]}`);
  return out.sort();
}

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DatasetError) return e;
    throw e;
  }
  throw new Error('expected a DatasetError');
}

const IRIS = `sepal_length,sepal_width,species
5.1,3.5,setosa
4.9,3.0,setosa
7.0,3.2,versicolor
6.4,3.2,versicolor
6.3,3.3,virginica
5.8,2.7,virginica
`;

describe('CSV import', () => {
  it('detects the header, takes string labels from the last column and maps them to class indices', async () => {
    const d = await csv(IRIS, { normalization: 'none', validationFraction: 0 });
    expect(d.sampleShape).toEqual([2]);
    expect(d.kind).toBe('vector');
    expect(d.featureNames).toEqual(['sepal_length', 'sepal_width']);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(d.classes).toBe(3);
    expect(d.name).toBe('iris.csv');
    expect(rows(d)).toEqual([
      '4.900000095367432,3|0',
      '5.099999904632568,3.5|0',
      '5.800000190734863,2.700000047683716|2',
      '6.300000190734863,3.299999952316284|2',
      '6.400000095367432,3.200000047683716|1',
      '7,3.200000047683716|1',
    ]);
  });

  it('chooses the label column by name, wherever it is, case-insensitively as a fallback', async () => {
    const text = 'Label,a,b\n1,0.5,2\n0,0.25,3\n1,0.75,4\n0,1,5\n';
    const d = await csv(text, { labelColumn: 'label', normalization: 'none', validationFraction: 0 });
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(d.classNames).toEqual(['0', '1']);
    expect(rows(d)).toEqual(['0.25,3|0', '0.5,2|1', '0.75,4|1', '1,5|0']);
    const byIndex = await csv(text, { labelColumn: 0, normalization: 'none', validationFraction: 0 });
    expect(rows(byIndex)).toEqual(rows(d));
  });

  it('reads a file without a header, naming columns by number', async () => {
    const d = await csv('1,2,0\n3,4,1\n5,6,0\n7,8,1\n', { normalization: 'none' });
    expect(d.featureNames).toEqual(['column 1', 'column 2']);
    expect(d.train.count + d.validation.count).toBe(4);
  });

  it('header "no" keeps the first row as data; "yes" drops it', async () => {
    const text = '1,2,0\n3,4,1\n5,6,0\n7,8,1\n';
    expect((await csv(text, { header: 'no', validationFraction: 0 })).train.count).toBe(4);
    const d = await csv(text, { header: 'yes', validationFraction: 0, normalization: 'none' });
    expect(d.train.count).toBe(3);
    expect(d.featureNames).toEqual(['1', '2']);
  });

  it('detects semicolon and tab delimiters (with decimal commas in semicolon files) and honours a forced one', async () => {
    const semi = await csv('x;y;class\n1,5;2;a\n3;4,25;b\n5;6;a\n7;8;b\n', { normalization: 'none', validationFraction: 0 });
    expect(rows(semi)).toEqual(['1.5,2|0', '3,4.25|1', '5,6|0', '7,8|1']);
    const tab = await csv('x\ty\tclass\n1\t2\ta\n3\t4\tb\n', { normalization: 'none', validationFraction: 0 });
    expect(tab.featureNames).toEqual(['x', 'y']);
    const forced = await failure(csv('x;y;class\n1;2;a\n3;4;b\n', { delimiter: 'comma' }));
    expect(forced.message).toMatch(/single column.*comma/);
  });

  it('handles quoted cells, CRLF line ends, a BOM and blank lines', async () => {
    const text = '\ufeff"feature, one",b,"kind"\r\n1,2,"cat ""A"""\r\n\r\n3,4,dog\r\n5,6,"cat ""A"""\r\n';
    const d = await csv(text, { normalization: 'none', validationFraction: 0 });
    expect(d.featureNames).toEqual(['feature, one', 'b']);
    expect(d.classNames).toEqual(['cat "A"', 'dog']);
    expect(d.train.count).toBe(3);
  });

  it('standardizes with training statistics and keeps the scaling to undo it', async () => {
    const lines = ['a,b,y'];
    for (let i = 0; i < 100; i++) lines.push(`${i},${1000 + 10 * i},${i % 2}`);
    const d = await csv(lines.join('\n'), { normalization: 'standardize', validationFraction: 0.2 });
    const f = 2;
    for (let j = 0; j < f; j++) {
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < d.train.count; i++) sum += d.train.x[i * f + j];
      const mean = sum / d.train.count;
      for (let i = 0; i < d.train.count; i++) sq += (d.train.x[i * f + j] - mean) ** 2;
      expect(mean).toBeCloseTo(0, 5);
      expect(Math.sqrt(sq / d.train.count)).toBeCloseTo(1, 4);
    }
    expect(d.scaling?.method).toBe('standardize');
    const p = previewDataset(d);
    // Two features: drawn as points, and summarised as columns in the file's units.
    if (p.kind !== 'points') throw new Error(`expected points, got ${p.kind}`);
    expect(p.columns.map((c) => [c.name, c.min, c.max, c.distinct])).toEqual([
      ['a', 0, 99, 100],
      ['b', 1000, 1990, 100],
    ]);
    expect(p.columns[0].mean).toBeCloseTo(49.5, 3);
    expect(p.count).toBe(100);
    const three = previewDataset(await csv('a,b,c,y\n1,2,3,0\n4,5,6,1\n7,8,9,1\n'));
    if (three.kind !== 'columns') throw new Error(`expected columns, got ${three.kind}`);
    expect(three.columns.map((c) => [c.name, c.min, c.max, c.mean, c.distinct])).toEqual([
      ['a', 1, 7, 4, 3],
      ['b', 2, 8, 5, 3],
      ['c', 3, 9, 6, 3],
    ]);
    expect(three.rows).toBe(3);
    expect(Array.from(three.classCounts)).toEqual([1, 2]);
  });

  it('min-max scales training features into [0, 1]; a constant column stays finite', async () => {
    const lines = ['a,c,y'];
    for (let i = 0; i < 50; i++) lines.push(`${i * 3 - 20},7,${i % 2}`);
    const d = await csv(lines.join('\n'), { normalization: 'minmax' });
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < d.train.count; i++) {
      lo = Math.min(lo, d.train.x[i * 2]);
      hi = Math.max(hi, d.train.x[i * 2]);
      expect(d.train.x[i * 2 + 1]).toBe(0);
    }
    expect([lo, hi]).toEqual([0, 1]);
  });

  it('is deterministic by seed and gives a stable id for the same text', async () => {
    const a = await csv(IRIS, { seed: 3, validationFraction: 0.34 });
    const b = await csv(IRIS, { seed: 3, validationFraction: 0.34 });
    expect(b.train.x).toEqual(a.train.x);
    expect(b.id).toBe(a.id);
    expect((await csv(IRIS.replace('5.1', '5.2'))).id).not.toBe(a.id);
    // Stratified: each of the three classes (two rows each) keeps one row on each side.
    expect(Array.from(a.validation.y).sort()).toEqual([0, 1, 2]);
  });

  describe('bad files get errors that name the row and column', () => {
    it('ragged row 7', async () => {
      const text = 'a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,1\n13,14,0\n';
      const e = await failure(csv(text));
      expect(e.code).toBe('ragged-row');
      expect(e.row).toBe(7);
      expect(e.message).toMatch(/row 7 has 2 cells but the header \(row 1\) has 3/);
    });

    it('non-numeric cell', async () => {
      const e = await failure(csv('a,b,y\n1,2,0\n3,four,1\n5,6,0\n'));
      expect(e.code).toBe('non-numeric');
      expect([e.row, e.column]).toEqual([3, 'b']);
      expect(e.message).toMatch(/row 3, column "b" holds "four", which is not a number/);
    });

    it('empty feature cell', async () => {
      const e = await failure(csv('a,b,y\n1,2,0\n3,,1\n'));
      expect(e.message).toMatch(/row 3, column "b" is empty/);
    });

    it('only one class', async () => {
      const e = await failure(csv('a,b,y\n1,2,1\n3,4,1\n5,6,1\n'));
      expect(e.code).toBe('one-class');
      expect(e.message).toMatch(/every row of iris.csv has the label "1" in column "y"; a classifier needs at least two classes/);
    });

    it('empty file, whitespace-only file, header without rows', async () => {
      expect((await failure(csv(''))).message).toMatch(/iris.csv is empty/);
      expect((await failure(csv('\n  \n'))).code).toBe('empty');
      expect((await failure(csv('a,b,label\n'))).message).toMatch(/header row but no data rows/);
    });

    it('missing label column lists the columns there are', async () => {
      const e = await failure(csv(IRIS, { labelColumn: 'class' }));
      expect(e.code).toBe('missing-label-column');
      expect(e.message).toMatch(/no column named "class" for the labels; the columns are "sepal_length", "sepal_width", "species"/);
      expect((await failure(csv('1,2,0\n3,4,1\n', { labelColumn: 'y' }))).message).toMatch(/no header row/);
      expect((await failure(csv(IRIS, { labelColumn: 9 }))).message).toMatch(/label column 9 does not exist: iris.csv has 3 columns/);
    });

    it('label that is a fraction, or empty', async () => {
      expect((await failure(csv('a,y\n1,0\n2,0.5\n'))).message).toMatch(/row 3, column "y": label 0.5 is not a whole number/);
      expect((await failure(csv('a,y\n1,0\n2, \n3,1\n'))).message).toMatch(/row 3, column "y": the label is empty/);
    });

    it('a file holding only "" and a blank header row with header "yes" get messages, not a TypeError', async () => {
      const quoted = await failure(csv('""'));
      expect(quoted.code).toBe('empty');
      expect(quoted.message).toBe('iris.csv holds no rows: every line is blank or an empty quoted cell ("")');
      expect((await failure(csv('""\n""\r\n'))).code).toBe('empty');
      const blankHeader = await failure(csv(',,\n1,2,0\n3,4,1\n', { header: 'yes' }));
      expect(blankHeader.code).toBe('empty');
      expect(blankHeader.message).toMatch(/iris\.csv: the header row \(row 1\) is blank; with "header: yes" the first row must name the columns/);
      expect((await failure(csv('"",""\n1,0\n', { header: 'yes' }))).message).toMatch(/header row \(row 1\) is blank/);
    });

    it('a label column with more than 1,000 distinct values is refused with a hint', async () => {
      const rows = Array.from({ length: 10_000 }, (_, i) => `${i % 7},${(i * 0.37).toFixed(2)},label_${i}`);
      const e = await failure(csv(`a,b,kind\n${rows.join('\n')}\n`));
      expect(e.code).toBe('too-many-classes');
      expect(e.row).toBe(1002);
      expect(e.message).toMatch(
        /column "kind" of iris\.csv has more than 1,000 distinct labels \(row 1002 brings one more\); ResCanvas trains classifiers with up to 1,000 classes\. Is "kind" the label column\?/,
      );
      // Exactly 1,000 classes still load, and the split stays near 80/20.
      const ok = await csv(`a,kind\n${Array.from({ length: 5000 }, (_, i) => `${i},c${i % 1000}`).join('\n')}\n`, { normalization: 'none' });
      expect(ok.classes).toBe(1000);
      expect(ok.validation.count).toBe(1000);
      expect(ok.train.count).toBe(4000);
    });

    it('an unclosed quote names the row where it opens', async () => {
      expect((await failure(csv('a,y\n1,0\n"2,1\n3,1\n'))).message).toMatch(/row 3: a quoted cell opens here and is never closed/);
    });

    it('a file over the limit is refused with a clear message in whole MB, before parsing', async () => {
      const huge = '1,2,0\n'.repeat(Math.ceil((MAX_CSV_BYTES + 1) / 6));
      const e = await failure(csv(huge));
      expect(e.code).toBe('too-large');
      expect(e.message).toMatch(/"iris.csv" is 100.0 MB; ResCanvas reads CSV files up to 100 MB\./);
      expect(() => checkCsvSize(1024 ** 3, 'big.csv')).toThrow(/big.csv is 1024.0 MB/);
      expect(() => checkCsvSize(MAX_CSV_BYTES)).not.toThrow();
    });
  });
});
