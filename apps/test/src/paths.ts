import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (apps/test/src → ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where tests leave artefacts a person may want to look at (screenshots, reports). */
export const ARTIFACTS = join(REPO_ROOT, 'apps/test/test-output');

/** Debian's chromium, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** The course data folder (../shared/data/course) when COURSE_DATA_DIR is set. */
export const COURSE_DATA_DIR = process.env.COURSE_DATA_DIR ? resolve(process.env.COURSE_DATA_DIR) : undefined;
