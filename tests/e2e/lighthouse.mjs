// Lighthouse with a signed-in session: node tests/e2e/lighthouse.mjs URL COOKIES_JSON OUT [slow3g]
// Starts Chromium (CHROME_PATH) through chrome-launcher, puts the session cookies in the
// browser's cookie jar (a Cookie header alone does not reach the page's own fetches), and runs
// Lighthouse through puppeteer-core on that browser. Writes the JSON report to OUT.
import { writeFileSync } from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [url, cookiesJson, out, profile] = process.argv.slice(2);
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH, chromeFlags: FLAGS });
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const page = await browser.newPage();
  const cookies = Object.entries(JSON.parse(cookiesJson)).map(([name, value]) => ({ name, value, url }));
  await page.setCookie(...cookies);
  const flags = {
    port: chrome.port, output: 'json', logLevel: 'error', maxWaitForLoad: 30000,
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
  };
  if (profile === 'slow3g') {
    // WebPageTest's "3G Slow": 400 ms round trip, 400 kbit/s, on a 4x slower CPU.
    flags.throttlingMethod = 'simulate';
    flags.throttling = {
      rttMs: 400, throughputKbps: 400, cpuSlowdownMultiplier: 4,
      requestLatencyMs: 400 * 3.75, downloadThroughputKbps: 400 * 0.9, uploadThroughputKbps: 400 * 0.9,
    };
  }
  const result = await lighthouse(url, flags, undefined, page);
  writeFileSync(out, result.report);
  await browser.disconnect();
} finally {
  chrome.kill();
}
