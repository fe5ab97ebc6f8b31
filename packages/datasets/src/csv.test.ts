import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { expectError, expectNoLeak } from '../test-support/helpers.js';
import { csvToTensors, parseCsv } from './csv.js';
import { DatasetFormatError } from './errors.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('parseCsv', () => {
  test('quoted fields with commas, quotes and newlines; CRLF; blank lines; a BOM; each row keeps its line', () => {
    const text = '\ufeffname,score,note\r\n"Kim, J",90,"said ""hi"""\r\n\r\nLee,80,"two\r\nlines"\r\nPark,70,plain\r\n';
    const table = parseCsv(text, { file: 's.csv' });
    expect(table.columns).toEqual(['name', 'score', 'note']);
    expect(table.rows).toEqual([
      ['Kim, J', '90', 'said "hi"'],
      ['Lee', '80', 'two\r\nlines'],
      ['Park', '70', 'plain'],
    ]);
    expect(table.rowLines).toEqual([2, 4, 6]);
  });

  test('old Mac line breaks (a lone CR) count as lines too', async () => {
    await expectError(() => parseCsv('a,b\r1,2\r3\r', { file: 'cr.csv' }), DatasetFormatError, 'cr.csv (row 3)');
  });

  test('detects tab and semicolon delimiters', () => {
    expect(parseCsv('a\tb\n1\t2\n').rows).toEqual([['1', '2']]);
    expect(parseCsv('a;b\n1;2\n').columns).toEqual(['a', 'b']);
  });

  test('a ragged row names the file and its line (counted past a multi-line field)', async () => {
    const text = 'a,b,c\n1,"x\ny",3\n4,5\n';
    const error = (await expectError(() => parseCsv(text, { file: 'r.csv' }), DatasetFormatError, 'r.csv (row 4)', '3 fields (as the header)', '2 fields')) as DatasetFormatError;
    expect(error.location.row).toBe(4);
    await expectError(() => parseCsv('1,2\n3,4,5\n', { header: false, file: 'n.csv' }), DatasetFormatError, 'n.csv (row 2)', 'as the first row');
  });

  test('an unclosed quote, an empty file and a header-only file are errors', async () => {
    await expectError(() => parseCsv('a,b\n1,"open\n', { file: 'q.csv' }), DatasetFormatError, 'q.csv', 'quoted');
    await expectError(() => parseCsv('', { file: 'e.csv' }), DatasetFormatError, 'e.csv (row 1)', 'a header line');
    await expectError(() => parseCsv('a,b\n', { file: 'h.csv' }), DatasetFormatError, 'h.csv (row 2)', 'at least one data row');
  });

  test('files without a header get column0.. or the given names', () => {
    expect(parseCsv('1,2\n3,4', { header: false }).columns).toEqual(['column0', 'column1']);
    const named = parseCsv('1,2\n3,4', { header: false, columnNames: ['x', 'y'] });
    expect(named.columns).toEqual(['x', 'y']);
    expect(named.rowLines).toEqual([1, 2]);
  });
});

describe('csvToTensors', () => {
  const iris = 'sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n';

  test('string labels become sorted class indices; features a float32 matrix', async () => {
    await expectNoLeak(
      () => csvToTensors(parseCsv(iris)),
      (data) => {
        expect(data.featureNames).toEqual(['sepal', 'petal']);
        expect(data.labelName).toBe('species');
        expect(data.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
        expect(Array.from(data.labels?.dataSync() ?? [])).toEqual([0, 1, 2, 0]);
        expect(data.labels?.dtype).toBe('int32');
        expect(Array.from(data.features.dataSync())).toEqual([5.1, 1.4, 7.0, 4.7, 6.3, 6.0, 4.9, 1.4].map(Math.fround));
      },
    );
  });

  test('numeric labels are regression targets by default; classes on request, sorted numerically', async () => {
    const text = 'hours,score\n2,81\n4,93\n10,97\n';
    const regression = csvToTensors(parseCsv(text), { label: 'score' });
    expect(regression.labels?.dtype).toBe('float32');
    expect(Array.from(regression.labels?.dataSync() ?? [])).toEqual([81, 93, 97]);
    const classes = csvToTensors(parseCsv('x,y\n1,10\n2,9\n3,10\n'), { label: 1, labelType: 'class' });
    expect(classes.classNames).toEqual(['9', '10']);
    expect(Array.from(classes.labels?.dataSync() ?? [])).toEqual([1, 0, 1]);
    tf.dispose([regression, classes]);
  });

  test('label by index (negative from the end), chosen features, no label', () => {
    const table = parseCsv('a,b,c,d\n1,2,3,4\n5,6,7,8\n');
    const data = csvToTensors(table, { label: -2, features: ['d', 0] });
    expect(data.featureNames).toEqual(['d', 'a']);
    expect(Array.from(data.features.dataSync())).toEqual([4, 1, 8, 5]);
    expect(Array.from(data.labels?.dataSync() ?? [])).toEqual([3, 7]);
    const unlabeled = csvToTensors(table, { label: null });
    expect(unlabeled.labels).toBeUndefined();
    expect(unlabeled.features.shape).toEqual([2, 4]);
    tf.dispose([data, unlabeled]);
  });

  test('a non-numeric feature names the file, the line and the column, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const table = parseCsv('a,b,label\n1,2,x\n3,,y\n', { file: 'bad.csv' });
    await expectError(() => csvToTensors(table), DatasetFormatError, 'bad.csv (row 3, column "b")', 'a finite number', '""');
    await expectError(() => csvToTensors(parseCsv('a,label\n1,x\n2,zz\n', { file: 'c.csv' }), { classNames: ['x', 'y'] }), DatasetFormatError, 'c.csv (row 3, column "label")', '"zz"');
    await expectError(() => csvToTensors(parseCsv('a,b\n1,2\n'), { label: 'nope' }), InvalidArgumentError, 'options.label', '"a", "b"');
    expect(tf.memory().numTensors).toBe(before);
  });
});
