import type { Stage } from '../stage.js';
import { fundamentalsStage } from './fundamentals.js';

/** The course in order. */
export const STAGES: readonly Stage[] = [fundamentalsStage];
