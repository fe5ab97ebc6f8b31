const SIDE = 28;
const BOX = 20; // MNIST digits fit a 20x20 box, centred by mass in 28x28

/**
 * A canvas to draw a digit on (white on black, like MNIST) with mouse, pen or touch. `onDigit` receives the
 * drawing as MNIST pixels when a stroke ends.
 */
export class DrawingPad {
  private readonly context: CanvasRenderingContext2D;
  private drawing = false;
  private last: { x: number; y: number } | undefined;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onDigit: (pixels: Float32Array) => void,
  ) {
    this.context = context2d(canvas);
    this.clear();
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      this.drawing = true;
      this.last = this.point(event);
      this.stroke(this.last);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (this.drawing) this.stroke(this.point(event));
    });
    const end = (): void => {
      if (!this.drawing) return;
      this.drawing = false;
      this.last = undefined;
      const pixels = this.toMnistPixels();
      if (pixels !== undefined) this.onDigit(pixels);
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.context.fillStyle = 'black';
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Shows 28x28 pixels in [0, 1] on the pad (to draw over a picked digit). */
  showDigit(pixels: Float32Array): void {
    const small = document.createElement('canvas');
    small.width = small.height = SIDE;
    const image = small.getContext('2d')!.createImageData(SIDE, SIDE);
    pixels.forEach((value, i) => {
      const v = Math.round(value * 255);
      image.data.set([v, v, v, 255], i * 4);
    });
    small.getContext('2d')!.putImageData(image, 0, 0);
    this.context.imageSmoothingEnabled = false;
    this.context.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
  }

  /** The drawing as MNIST pixels: ink cropped, scaled into 20x20, centred by mass in 28x28; undefined when blank. */
  toMnistPixels(): Float32Array | undefined {
    const { width, height } = this.canvas;
    const ink = this.context.getImageData(0, 0, width, height).data;
    let [left, top, right, bottom] = [width, height, -1, -1];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if ((ink[(y * width + x) * 4] as number) > 32) {
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    if (right < 0) return undefined;
    const [w, h] = [right - left + 1, bottom - top + 1];
    const scale = BOX / Math.max(w, h);
    const small = document.createElement('canvas');
    small.width = small.height = SIDE;
    const smallContext = context2d(small);
    smallContext.fillStyle = 'black';
    smallContext.fillRect(0, 0, SIDE, SIDE);
    smallContext.imageSmoothingQuality = 'high';
    const [dw, dh] = [w * scale, h * scale];
    smallContext.drawImage(this.canvas, left, top, w, h, (SIDE - dw) / 2, (SIDE - dh) / 2, dw, dh);
    const boxed = smallContext.getImageData(0, 0, SIDE, SIDE).data;
    const pixels = new Float32Array(SIDE * SIDE);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (boxed[i * 4] as number) / 255;
    return centreByMass(pixels);
  }

  private point(event: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) * this.canvas.width) / rect.width, y: ((event.clientY - rect.top) * this.canvas.height) / rect.height };
  }

  private stroke(to: { x: number; y: number }): void {
    const from = this.last ?? to;
    const c = this.context;
    c.strokeStyle = 'white';
    c.lineWidth = this.canvas.width / 12;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(from.x, from.y);
    c.lineTo(to.x + 0.01, to.y);
    c.stroke();
    this.last = to;
  }
}

/** Shifts a 28x28 image (by whole pixels) so that its centre of mass is the image centre, as MNIST's were. */
export function centreByMass(pixels: Float32Array): Float32Array {
  let [mass, sumX, sumY] = [0, 0, 0];
  pixels.forEach((v, i) => {
    mass += v;
    sumX += v * (i % SIDE);
    sumY += v * Math.floor(i / SIDE);
  });
  if (mass === 0) return pixels;
  const dx = Math.round((SIDE - 1) / 2 - sumX / mass);
  const dy = Math.round((SIDE - 1) / 2 - sumY / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const [sx, sy] = [x - dx, y - dy];
      if (sx >= 0 && sx < SIDE && sy >= 0 && sy < SIDE) out[y * SIDE + x] = pixels[sy * SIDE + sx] as number;
    }
  }
  return out;
}

export function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('this browser has no 2D canvas');
  return context;
}
