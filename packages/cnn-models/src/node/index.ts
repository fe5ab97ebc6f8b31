export { writeFeatureMapGrid, writeFilterGrid } from './inspect-png.js';
export { playground, type PlaygroundOptions, type PlaygroundResult } from './playground.js';
