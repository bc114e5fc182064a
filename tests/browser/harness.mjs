// Shared set-up for browser tests: serve the built page on 127.0.0.1, launch Debian's chromium headless
// through playwright-core, record console errors and every request, and save screenshots as artifacts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';
import { decodePng, distinctColours } from './png.mjs';

export const pageDir = process.env.AP_PAGE_DIR || path.resolve('build/web/page');
export const artifactDir = process.env.AP_ARTIFACTS || path.resolve('artifacts');

export async function openPlayground({ webgpu = true, deviceScaleFactor = 1, width = 1280, height = 800, hash = '', query = '' } = {}) {
  const server = await serve(pageDir, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-chromium-'));
  const args = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-dev-shm-usage', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args,
    viewport: { width, height }, deviceScaleFactor, acceptDownloads: true,
  });
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [], failedRequests = [], requests = [];
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  page.on('requestfailed', (req) => failedRequests.push(`${req.url()} ${req.failure()?.errorText}`));
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(`${origin}/index.html${query}${hash}`);
  await page.waitForFunction(() => window.playground && window.playground.ready, null, { timeout: 60000 });
  await page.evaluate(() => window.playground.ready);
  const close = async () => { await context.close(); server.close(); fs.rmSync(userDataDir, { recursive: true, force: true }); };
  return { page, context, origin, consoleErrors, failedRequests, requests, close };
}

// How close the page's numbers must be to the double reference: the default backend computes in float
// (simd: about 1e-7 relative per step), the reference in double (only the summation order differs).
export function traceTolerance(trace) {
  return trace.backend === 'reference' ? 1e-9 : 1e-5;
}

// Largest |a − b| / max(1, |b|) over nested arrays of numbers (a NaN or a missing number fails).
export function maxRelDiff(a, b, path = '') {
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) throw new Error(`${path}: length ${a.length} vs ${b && b.length}`);
    return a.reduce((m, v, i) => Math.max(m, maxRelDiff(v, b[i], `${path}[${i}]`)), 0);
  }
  if (typeof a !== 'number' || typeof b !== 'number') throw new Error(`${path}: ${a} or ${b} is not a number`);
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

// Waits two animation frames, so an input event has been handled and drawn.
export async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function rect(page, id) {
  const r = await page.evaluate((i) => window.playground.widgetRect(i), id);
  if (!r) throw new Error(`widget ${id} is not on screen`);
  return r;
}

// A real click, with the button held across a frame: ImGui 1.86 has no input queue, so a press and a
// release inside one frame would be lost (a person's click always spans frames).
export async function clickAt(page, x, y) {
  await page.mouse.move(x, y);
  await settle(page);
  await page.mouse.down();
  await settle(page);
  await page.mouse.up();
  await settle(page);
}

// A real key press held across a frame (see clickAt): "Enter", "Escape", "Control+Z", "Control+Shift+Z".
export async function press(page, combo) {
  const keys = combo.split('+');
  for (const k of keys) await page.keyboard.down(k);
  await settle(page);
  for (const k of keys.reverse()) await page.keyboard.up(k);
  await settle(page);
}

export async function click(page, id) {
  const r = await rect(page, id);
  await clickAt(page, r.x + r.w / 2, r.y + r.h / 2);
}

export async function screenshot(page, name) {
  fs.mkdirSync(artifactDir, { recursive: true });
  const file = path.join(artifactDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

// Distinct colours in a screenshot of the page: a blank canvas has one or two, the playground hundreds.
export async function screenshotColourCount(page) {
  return distinctColours(decodePng(await page.screenshot()));
}

// Runs `action` (a click) and returns the file the page downloads because of it: {name, bytes}.
export async function download(page, action) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }), action()]);
  const where = await file.path();
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(where) };
}
