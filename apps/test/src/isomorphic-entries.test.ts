// Every package's main entry must load in a browser: no Node built-ins, no Node-only packages anywhere in
// its import graph (those belong under the package's `./node` subpath). Walks the TypeScript source, so it
// needs no build.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { findNodeOnlyImports, formatChain, readWorkspacePackages, runtimeImports, sourceEntry } from './import-graph.js';
import { REPO_ROOT } from './paths.js';

const workspace = readWorkspacePackages(join(REPO_ROOT, 'packages'));

describe('main entries are isomorphic', () => {
  test('the workspace has packages to check', () => {
    expect(workspace.map((p) => p.name)).toEqual(expect.arrayContaining(['@deepcourse/backend', '@deepcourse/datasets', '@deepcourse/xai']));
  });

  test.each(workspace.map((pkg) => [pkg.name, pkg] as const))('%s: the main entry reaches no Node built-in or Node-only package', (_name, pkg) => {
    const entry = sourceEntry(pkg, '.');
    expect(entry, `${pkg.name} has no "." export with a @deepcourse/source condition`).toBeDefined();
    const { violations, visited } = findNodeOnlyImports(entry!, workspace, REPO_ROOT);
    expect(violations.map(formatChain)).toEqual([]);
    // The walk really followed the graph (every main entry re-exports several modules).
    expect(visited.length).toBeGreaterThan(3);
  });
});

describe('the import-graph walk finds what it should', () => {
  test('the ./node entries that read files are reported, with the chain from the entry', () => {
    const datasets = workspace.find((p) => p.name === '@deepcourse/datasets')!;
    const { violations } = findNodeOnlyImports(sourceEntry(datasets, './node')!, workspace, REPO_ROOT);
    const chains = violations.map(formatChain);
    expect(chains).toContain('packages/datasets/src/node/index.ts → packages/datasets/src/node/mnist-sample.ts → node:fs/promises (a Node built-in module)');
    expect(chains.some((c) => c.includes('sharp (a Node-only package'))).toBe(true);
    // Entering another workspace package's ./node entry: backend/node pulls in pngjs.
    const augment = workspace.find((p) => p.name === '@deepcourse/augment')!;
    const augmentNode = findNodeOnlyImports(sourceEntry(augment, './node')!, workspace, REPO_ROOT).violations.map(formatChain);
    expect(augmentNode.some((c) => c.startsWith('packages/augment/src/node/index.ts → packages/backend/src/node/index.ts') && c.includes('pngjs'))).toBe(true);
  });

  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  test('relative chains, dynamic imports and require are followed; type-only imports are not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'import-graph-'));
    dirs.push(dir);
    await writeFile(join(dir, 'index.ts'), "export { a } from './a.js';\nimport type { Stats } from 'node:fs';\nexport type { Readable } from 'stream';\n");
    await writeFile(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = () => import('zlib');\nexport { b };\n");
    await writeFile(join(dir, 'b.ts'), "export const b = 1;\nconst png = require('pngjs');\nimport { tf } from '@tensorflow/tfjs';\n");
    expect(runtimeImports(join(dir, 'index.ts'))).toEqual(['./a.js']);
    const { violations, visited } = findNodeOnlyImports(join(dir, 'index.ts'), workspace, dir);
    expect(visited.map((f) => f.slice(dir.length + 1))).toEqual(['index.ts', 'a.ts', 'b.ts']);
    expect(violations.map(formatChain)).toEqual([
      'index.ts → a.ts → zlib (a Node built-in module)',
      "index.ts → a.ts → b.ts → pngjs (a Node-only package (uses Node's zlib and stream))",
    ]);
  });
});
