export { overlay, writeOverlay, type OverlayPngOptions } from './overlay.js';
