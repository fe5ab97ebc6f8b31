import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { chromium } from 'playwright-core';
import { ARTIFACTS, CHROMIUM, HAS_CHROMIUM, REPO_ROOT } from './paths.js';

const run = promisify(execFile);

if (!HAS_CHROMIUM) console.warn(`skipping the report-in-browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!HAS_CHROMIUM)('the demo report in headless Chromium', () => {
  test('the quick demo runs under plain Node, and its report shows every picture without console errors', { timeout: 900_000 }, async () => {
    const out = join(ARTIFACTS, 'demo-report');
    await rm(out, { recursive: true, force: true });
    await mkdir(ARTIFACTS, { recursive: true });
    // Plain Node with tsx (not vitest): proves the demo starts outside the test runner.
    const demo = await run(
      process.execPath,
      ['--conditions=@deepcourse/source', '--import', 'tsx', join(REPO_ROOT, 'apps/demo/src/main.ts'), '--quick', '--out', out],
      { cwd: join(REPO_ROOT, 'apps/test'), maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true' } },
    ).catch((error: { stderr?: string; code?: number }) => {
      throw new Error(`the demo exited with ${error.code}:\n${error.stderr?.slice(-4000)}`);
    });
    expect(demo.stderr).toMatch(/\d+ stages passed, 0 failed/);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(out, 'index.html')).href, { waitUntil: 'load' });
      const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ src: img.getAttribute('src'), width: img.naturalWidth, complete: img.complete })));
      expect(images.length).toBeGreaterThan(0);
      expect(images.filter((img) => !img.complete || img.width === 0)).toEqual([]);
      expect(await page.$$eval('section.failed', (s) => s.length)).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'demo-report.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
