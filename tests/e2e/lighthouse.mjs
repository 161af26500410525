// Lighthouse with a signed-in session:
//   node tests/e2e/lighthouse.mjs URL COOKIES_JSON OUT [PROFILE] [SKIP_AUDITS]
// Starts Chromium (CHROME_PATH) through chrome-launcher, puts the session cookies in the
// browser's cookie jar (a Cookie header alone does not reach the page's own fetches), and runs
// Lighthouse through puppeteer-core on that browser. Writes the JSON report to OUT.
//
// PROFILE: "mobile" (Lighthouse's default: a Moto G Power on simulated slow 4G, 150 ms,
// 1.6 Mbit/s) or "slow3g" (WebPageTest's "3G Slow": 400 ms, 400 kbit/s). SKIP_AUDITS: ids
// separated by commas.
//
// Throttling is simulated (Lantern: the page loads at full speed and the times are computed
// from its trace). The CPU slowdown is calibrated to the machine as it was during that very
// load: Lighthouse gathers first (its own benchmark, BenchmarkIndex, runs in the same browser
// just before the navigation), then audits those artifacts with the slowdown set to
// BenchmarkIndex / 650. 650 is the phone Lighthouse's default x4 simulates on this project's
// 2-core machine when it is quiet (BenchmarkIndex about 2,600; the figures were taken
// so), a mid-range phone between Chrome DevTools' low-tier device (264, a Moto G Power) and a
// Pixel 5 (1000). A fixed x4 simulates a slower phone the busier the machine is (the observed
// tasks are longer and still multiplied by 4); the calibrated one simulates the same phone on
// a quiet or a loaded machine. Never below x1. LIGHTHOUSE_DEVICE_INDEX sets another phone
// (264 for a Moto G Power).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';
import * as constants from 'lighthouse/core/config/constants.js';

const [url, cookiesJson, out, profile = 'mobile', skip = ''] = process.argv.slice(2);
const DEVICE_INDEX = Number(process.env.LIGHTHOUSE_DEVICE_INDEX) || 650;
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH, chromeFlags: FLAGS });
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const page = await browser.newPage();
  const cookies = Object.entries(JSON.parse(cookiesJson)).map(([name, value]) => ({ name, value, url }));
  if (cookies.length) await page.setCookie(...cookies);
  const flags = {
    port: chrome.port, output: 'json', logLevel: 'error', maxWaitForLoad: 45000,
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
    throttlingMethod: 'simulate',
  };
  if (skip) flags.skipAudits = skip.split(',');
  if (profile === 'slow3g') {
    // WebPageTest's "3G Slow": 400 ms round trip, 400 kbit/s (the CPU as above).
    flags.throttling = {
      rttMs: 400, throughputKbps: 400,
      requestLatencyMs: 400 * 3.75, downloadThroughputKbps: 400 * 0.9, uploadThroughputKbps: 400 * 0.9,
    };
  }
  const artifacts = mkdtempSync(join(tmpdir(), 'larmkedjan-lh-'));
  try {
    await lighthouse(url, { ...flags, gatherMode: artifacts }, undefined, page);
    const saved = join(artifacts, 'artifacts.json');
    const gathered = JSON.parse(readFileSync(saved, 'utf8'));
    const cpuSlowdownMultiplier = Math.max(1, Math.round((gathered.BenchmarkIndex / DEVICE_INDEX) * 10) / 10);
    flags.throttling = { ...(flags.throttling || constants.throttling.mobileSlow4G), cpuSlowdownMultiplier };
    // Lighthouse audits only with the settings it gathered with; a simulated load applies no
    // throttling while gathering, so the gathered settings may say the calibrated one.
    gathered.settings.throttling = flags.throttling;
    writeFileSync(saved, JSON.stringify(gathered));
    const result = await lighthouse(url, { ...flags, auditMode: artifacts }, undefined, page);
    writeFileSync(out, result.report);
  } finally {
    rmSync(artifacts, { recursive: true, force: true });
  }
  await browser.disconnect();
} finally {
  chrome.kill();
}
