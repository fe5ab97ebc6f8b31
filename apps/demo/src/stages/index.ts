import type { Stage } from '../stage.js';
import { fundamentalsStage } from './fundamentals.js';
import { dataStage } from './data.js';

/** The course in order. */
export const STAGES: readonly Stage[] = [fundamentalsStage, dataStage];
