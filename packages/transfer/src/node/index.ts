export { loadBase, loadDigitBase, digitBaseMetadata, DIGIT_BASE_DIR, type LoadBaseOptions } from './load-base.js';
