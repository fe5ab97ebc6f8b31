import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { courseDataDir, expectError, expectNoLeak, withTempDir } from '../../test-support/helpers.js';
import { DatasetFormatError, DatasetNotFoundError } from '../errors.js';
import { fitStandardScaler } from '../scalers.js';
import { trainTestSplit } from '../split.js';
import { loadCsv, readCsvTable } from './csv-file.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('loadCsv', () => {
  test('reads a generated file into features and class labels', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'flowers.csv');
      await writeFile(path, 'length,width,kind\n1.5,0.2,b\n4.0,1.3,a\n');
      await expectNoLeak(
        () => loadCsv(path, { label: 'kind' }),
        (data) => {
          expect(data.classNames).toEqual(['a', 'b']);
          expect(Array.from(data.labels?.dataSync() ?? [])).toEqual([1, 0]);
          expect(data.features.arraySync()).toEqual([[1.5, Math.fround(0.2)], [4, Math.fround(1.3)]]);
        },
      );
    });
  });

  test('ragged rows, non-numeric fields, bad UTF-8 and missing files are typed errors naming the file', async () => {
    await withTempDir(async (dir) => {
      const ragged = join(dir, 'ragged.csv');
      await writeFile(ragged, 'a,b\n1,2\n3\n');
      await expectError(loadCsv(ragged), DatasetFormatError, `${ragged} (row 3)`, '1 fields');
      const text = join(dir, 'text.csv');
      await writeFile(text, 'a,b\n1,2\nx,4\n');
      await expectError(loadCsv(text), DatasetFormatError, `${text} (row 3, column "a")`, '"x"');
      const latin1 = join(dir, 'latin1.csv');
      await writeFile(latin1, Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0xe9, 0x0a]));
      await expectError(readCsvTable(latin1), DatasetFormatError, `${latin1} (byte offset 6)`, 'UTF-8');
      await expectError(loadCsv(join(dir, 'none.csv')), DatasetNotFoundError, 'no such file');
    });
  });

  const course = courseDataDir();
  const sonar = course === undefined ? undefined : join(course, 'sonar3.csv');
  test.skipIf(sonar === undefined || !existsSync(sonar))('the course sonar table: 208 rows, 60 features, 0/1 labels (97/111); scaler fitted on train only (COURSE_DATA_DIR; skipped when unset)', async () => {
    const data = await loadCsv(sonar as string, { header: false, labelType: 'class' });
    expect(data.features.shape).toEqual([208, 60]);
    expect(data.classNames).toEqual(['0', '1']);
    expect(Array.from(tf.tidy(() => tf.bincount(data.labels as tf.Tensor1D, tf.tensor1d([], 'float32'), 2).dataSync()))).toEqual([97, 111]);
    const split = trainTestSplit({ x: data.features, y: data.labels as tf.Tensor1D }, { testFraction: 0.25, seed: 0, stratify: 'y' });
    const scaler = fitStandardScaler(split.train.x);
    const scaled = scaler.transform(split.train.x);
    const means = tf.tidy(() => Array.from(scaled.mean(0).dataSync()));
    means.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-5));
    tf.dispose([data, split, scaled]);
  });
});
