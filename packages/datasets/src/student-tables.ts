import { InvalidArgumentError, tf } from '@deepcourse/backend';

/** A tiny table from the course: named feature columns and one target column, as plain numbers. */
export interface SmallTable {
  readonly name: StudentTableName;
  readonly description: string;
  readonly featureNames: readonly string[];
  readonly targetName: string;
  /** One row per student: the feature values in `featureNames` order. */
  readonly features: number[][];
  /** One target per student. */
  readonly target: number[];
}

/**
 * The course's student tables:
 * - `'deck-hours'`: hours studied [9, 8, 4, 2] -> score [90, 80, 40, 20] (the lecture deck; fits y = 10x).
 * - `'deck-hours-sleep'`: the same with sleep hours [5, 8, 7, 3] as a second feature (fits 10, 0, 0).
 * - `'book-hours'`: hours [2, 4, 6, 8] -> score [81, 93, 91, 97] (the book; least squares a = 2.3, b = 79).
 * - `'book-hours-tutoring'`: the same with private tutoring hours [0, 4, 2, 3].
 * - `'book-pass-fail'`: hours [2, 4, ..., 14] -> passed [0, 0, 0, 1, 1, 1, 1] (logistic regression).
 */
export type StudentTableName = 'deck-hours' | 'deck-hours-sleep' | 'book-hours' | 'book-hours-tutoring' | 'book-pass-fail';

export const STUDENT_TABLES: readonly StudentTableName[] = ['deck-hours', 'deck-hours-sleep', 'book-hours', 'book-hours-tutoring', 'book-pass-fail'];

const DECK_HOURS = [9, 8, 4, 2];
const DECK_SLEEP = [5, 8, 7, 3];
const DECK_SCORES = [90, 80, 40, 20];
const BOOK_HOURS = [2, 4, 6, 8];
const BOOK_TUTORING = [0, 4, 2, 3];
const BOOK_SCORES = [81, 93, 91, 97];
const PASS_HOURS = [2, 4, 6, 8, 10, 12, 14];
const PASSED = [0, 0, 0, 1, 1, 1, 1];

/** One of the course's student tables, as fresh arrays the caller may change. */
export function studentTable(name: StudentTableName): SmallTable {
  switch (name) {
    case 'deck-hours':
      return table(name, 'Hours studied -> exam score (lecture deck).', ['hours'], 'score', [DECK_HOURS], DECK_SCORES);
    case 'deck-hours-sleep':
      return table(name, 'Hours studied and hours slept -> exam score (lecture deck).', ['hours', 'sleepHours'], 'score', [DECK_HOURS, DECK_SLEEP], DECK_SCORES);
    case 'book-hours':
      return table(name, 'Hours studied -> exam score (course book).', ['hours'], 'score', [BOOK_HOURS], BOOK_SCORES);
    case 'book-hours-tutoring':
      return table(name, 'Hours studied and private tutoring hours -> exam score (course book).', ['hours', 'tutoringHours'], 'score', [BOOK_HOURS, BOOK_TUTORING], BOOK_SCORES);
    case 'book-pass-fail':
      return table(name, 'Hours studied -> passed (1) or failed (0) (course book).', ['hours'], 'passed', [PASS_HOURS], PASSED);
    default:
      throw new InvalidArgumentError('name', `one of ${STUDENT_TABLES.join(', ')}`, name);
  }
}

function table(name: StudentTableName, description: string, featureNames: string[], targetName: string, columns: number[][], target: number[]): SmallTable {
  const features = target.map((_, i) => columns.map((column) => column[i] as number));
  return { name, description, featureNames, targetName, features, target: [...target] };
}

/** The table as float32 tensors `x` [n, features] and `y` [n, 1] (the caller owns and disposes both). */
export function smallTableTensors(table: SmallTable): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return {
    x: tf.tensor2d(table.features, [table.features.length, table.featureNames.length], 'float32'),
    y: tf.tensor2d(table.target, [table.target.length, 1], 'float32'),
  };
}
