// The headless browser of the HTML view's test and bench: Debian's chromium
// driven through puppeteer-core, with a fresh profile each time and nothing
// that talks to the network on its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'vmm-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-dev-shm-usage', '--window-size=1280,1000'],
  });
  const close = async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { browser, close };
}

// Open a page that records console errors, page errors and every request
// but the page itself (the page must fetch nothing).
export async function openPage(browser, file) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  const url = pathToFileURL(resolve(file)).href;
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (r.url() !== url) problems.push(`fetch: ${r.url()}`); });
  return { page, url, problems };
}

export async function load(page, url) {
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'load', timeout: 120000 });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 120000 });
  return performance.now() - t0;
}
