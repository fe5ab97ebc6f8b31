import type { Stage } from '../stage.js';
import { fundamentalsStage } from './fundamentals.js';
import { dataStage } from './data.js';
import { augmentStage } from './augment.js';
import { cnnStage } from './cnn.js';
import { transferStage } from './transfer.js';
import { xaiStage } from './xai.js';
import { generativeStage } from './generative.js';
import { nlpStage } from './nlp.js';
import { sequenceStage } from './sequence.js';
import { forecastStage } from './forecast.js';

/** The course in order. */
export const STAGES: readonly Stage[] = [
  fundamentalsStage,
  dataStage,
  augmentStage,
  cnnStage,
  transferStage,
  xaiStage,
  generativeStage,
  nlpStage,
  sequenceStage,
  forecastStage,
];
