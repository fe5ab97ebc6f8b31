import { tf, imageGrid, overlayHeatmap } from '@deepcourse/backend';
import { evaluateClassifier, trainClassifier } from '@deepcourse/cnn-models';
import { mnistSample } from '@deepcourse/datasets/node';
import { deletionAuc, gradCam, integratedGradients, occlusion, randomHeatmaps } from '@deepcourse/xai';
import type { TopLevelSpec } from 'vega-lite';
import type { Stage } from '../stage.js';

const SHOWN = 8;
const SCALE = 4;

/**
 * A small digit CNN ending in global average pooling, so Grad-CAM on conv3 is the classic CAM. (With Flatten →
 * Dense instead, the Grad-CAM maps of this net came out all zero after the ReLU for most digits.)
 */
function smallCnn(seed: () => number): tf.Sequential {
  const he = () => tf.initializers.heNormal({ seed: seed() });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: he(), name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: he(), name: 'conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: he(), name: 'conv3' }),
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }), name: 'logits' }),
    ],
  });
}

/** Row 1: the digits; row 2: each digit with its heatmap over it (jet colours), all scaled up SCALE times. */
function overlayGrid(images: tf.Tensor4D, heatmaps: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const n = images.shape[0];
    const size = 28 * SCALE;
    const big = tf.image.resizeNearestNeighbor(images, [size, size]);
    const gray = tf.tile(big, [1, 1, 1, 3]);
    const overlays = Array.from({ length: n }, (_, i) => {
      const img = big.slice([i, 0, 0, 0], [1, size, size, 1]).reshape([size, size, 1]) as tf.Tensor3D;
      const map = heatmaps.slice([i, 0, 0], [1, 28, 28]).reshape([28, 28]);
      return overlayHeatmap(img, map, { colormap: 'jet', alpha: 0.5 });
    });
    return imageGrid(tf.concat([gray, tf.stack(overlays)], 0) as tf.Tensor4D, { columns: n, padValue: 1 });
  });
}

/** Explaining a digit classifier: Grad-CAM, occlusion and integrated gradients, and a check that the maps are faithful. */
export const xaiStage: Stage = {
  id: 'xai',
  title: 'Explainable AI: where does the digit classifier look?',
  summary:
    'A small CNN is trained on MNIST digits; Grad-CAM, occlusion and integrated gradients explain its predictions on 8 test digits, integrated gradients are checked for completeness, and deletion AUC tests whether the Grad-CAM map is more faithful than a random one.',
  async run({ options, seeds, image, chart, log }) {
    const trainCount = options.quick ? 3000 : 8000;
    const epochs = options.quick ? 3 : 6;
    const sample = await mnistSample({ seed: seeds.next() });
    const train = {
      images: sample.train.images.slice([0, 0, 0, 0], [trainCount, 28, 28, 1]) as tf.Tensor4D,
      labels: sample.train.labels.slice([0], [trainCount]) as tf.Tensor1D,
    };
    const test = { images: sample.test.images, labels: sample.test.labels };
    const model = smallCnn(() => seeds.next());
    log(`training the CNN on ${trainCount} digits for ${epochs} epochs`);
    await trainClassifier(model, train, { epochs, batchSize: 64, learningRate: 3e-3, seed: seeds.next(), progress: false });
    const report = await evaluateClassifier(model, test);
    tf.dispose([train.images, train.labels]);

    const start = seeds.uniformInt(0, test.images.shape[0] - SHOWN);
    const images = test.images.slice([start, 0, 0, 0], [SHOWN, 28, 28, 1]) as tf.Tensor4D;
    const truth = Array.from(test.labels.dataSync().slice(start, start + SHOWN));
    tf.dispose([sample.train, sample.test] as unknown as tf.Tensor[]);

    log('Grad-CAM, occlusion, integrated gradients');
    const cam = await gradCam(model, images, { layer: 'conv3' });
    const targets = cam.targets;
    const occ = await occlusion(model, images, { window: 6, stride: 2, baseline: 0, targets });
    const ig = await integratedGradients(model, images, { steps: 50, baseline: 0, targets });
    const igMaps = tf.abs(ig.heatmaps ?? tf.zeros([SHOWN, 28, 28])) as tf.Tensor3D;

    const predictedText = targets.map((p, i) => `${p}${p === truth[i] ? '' : ` (true ${truth[i]})`}`).join(', ');
    for (const [name, title, maps, caption] of [
      ['gradcam', 'Grad-CAM', cam.heatmaps, `layer ${cam.layer} (${cam.featureMapSize?.join('x') ?? ''} feature map, upsampled); predicted classes ${predictedText}`],
      ['occlusion', 'Occlusion', occ.heatmaps, 'drop of the class logit when a 6x6 black patch (stride 2) covers each pixel'],
      ['integrated-gradients', 'Integrated gradients', igMaps, '|attribution| per pixel, 50 steps from a black baseline'],
    ] as const) {
      const grid = overlayGrid(images, maps as tf.Tensor3D);
      await image(name, grid, `${title} on ${SHOWN} test digits`, `top: the digits; bottom: ${caption}. Red = most important.`);
      grid.dispose();
    }

    const meanAbs = (xs: number[]) => xs.reduce((a, b) => a + Math.abs(b), 0) / xs.length;
    const gap = meanAbs(ig.completenessGap);
    const relativeGap = gap / Math.max(1e-9, meanAbs(ig.scoreDifference));

    log('deletion AUC');
    const random = randomHeatmaps([SHOWN, 28, 28], seeds.next());
    const steps = 28;
    const camDeletion = await deletionAuc(model, images, cam.heatmaps, { targets, steps });
    const occDeletion = await deletionAuc(model, images, occ.heatmaps, { targets, steps });
    const igDeletion = await deletionAuc(model, images, igMaps, { targets, steps });
    const randomDeletion = await deletionAuc(model, images, random, { targets, steps });
    const mean = (rows: number[][]) => rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
    const values = (
      [
        ['Grad-CAM', camDeletion],
        ['occlusion', occDeletion],
        ['integrated gradients', igDeletion],
        ['random', randomDeletion],
      ] as const
    ).flatMap(([method, result]) => mean(result.curves).map((p, j) => ({ method, fraction: result.fractions[j], probability: p })));
    const deletionChart: TopLevelSpec = {
      width: 420,
      height: 240,
      data: { values },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'fraction', type: 'quantitative', title: 'fraction of pixels deleted (most important first)' },
        y: { field: 'probability', type: 'quantitative', title: 'mean probability of the class' },
        color: { field: 'method', type: 'nominal', title: null },
      },
    };
    await chart('deletion', deletionChart, 'Deletion curves', 'a faithful map makes the probability fall fast (lower area is better); the random map is the baseline');

    tf.dispose([images, cam.heatmaps, occ.heatmaps, ig.attributions, ...(ig.heatmaps ? [ig.heatmaps] : []), igMaps, random]);
    model.dispose();

    return {
      metrics: {
        'training digits': trainCount,
        epochs,
        'test accuracy': report.accuracy,
        'IG mean |completeness gap|': gap,
        'IG relative completeness gap': relativeGap,
        'deletion AUC Grad-CAM': camDeletion.meanAuc,
        'deletion AUC occlusion': occDeletion.meanAuc,
        'deletion AUC integrated gradients': igDeletion.meanAuc,
        'deletion AUC random': randomDeletion.meanAuc,
      },
      figures: [],
      notes: [
        `Integrated gradients sum to F(x) − F(black) up to ${(100 * relativeGap).toFixed(2)} % (completeness, 50 trapezoid steps).`,
        `Deletion AUC on ${SHOWN} digits (lower = more faithful): Grad-CAM ${camDeletion.meanAuc.toFixed(3)}, occlusion ${occDeletion.meanAuc.toFixed(3)}, integrated gradients ${igDeletion.meanAuc.toFixed(3)}, random ${randomDeletion.meanAuc.toFixed(3)}.`,
        `Grad-CAM reads conv3's ${cam.featureMapSize?.join('x') ?? ''} feature map, so its maps are coarse and can light up the background around a stroke; pixel-level occlusion and integrated gradients are the more faithful maps here.`,
      ],
    };
  },
};
