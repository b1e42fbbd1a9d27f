// Scrolls the overview with every group open and reports main-thread time and frame intervals,
// to check that long lists stay smooth:  node e2e/scroll-perf.mjs http://127.0.0.1:8080 [steps]
// Signs in as demo/demo. Uses Debian's Chromium, headless.
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const steps = Number(process.argv[3] ?? 60);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${base}/signin`);
await page.fill('input[name=username]', 'demo');
await page.fill('input[name=password]', 'demo');
await page.click('button[type=submit]');
await page.waitForSelector('.banner-title');

const tree = await page.evaluate(async () => (await fetch('/api/v1/tree')).json());
const keys = [];
const walk = (n) => (keys.push(n.key), n.children.forEach(walk));
tree.nodes.forEach(walk);
const t0 = Date.now();
await page.goto(`${base}/?${keys.map((k) => `open=${encodeURIComponent(k)}`).join('&')}`);
await page.waitForSelector('.asset-row');
console.log(`first rows after ${Date.now() - t0} ms`);
await page.waitForTimeout(2000);
console.log(`rows in the DOM: ${await page.locator('.vrow').count()}; list height ${await page.evaluate(() => document.querySelector('.vlist').style.height)}`);

const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
await page.evaluate(() => {
  window.__frames = [];
  let last = performance.now();
  const f = (t) => (window.__frames.push(t - last), (last = t), requestAnimationFrame(f));
  requestAnimationFrame(f);
});
const m0 = await metric();
const s0 = Date.now();
for (let i = 0; i < steps; i++) {
  await page.mouse.wheel(0, 1200);
  await page.waitForTimeout(16);
}
const m1 = await metric();
const frames = (await page.evaluate(() => window.__frames)).sort((a, b) => a - b);
const pct = (p) => frames[Math.min(frames.length - 1, Math.floor(frames.length * p))].toFixed(1);
console.log(`${steps} wheel steps of 1200 px in ${Date.now() - s0} ms`);
for (const n of ['ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'TaskDuration'])
  console.log(`${n}: ${((m1[n] - m0[n]) * 1000).toFixed(0)} ms (${(((m1[n] - m0[n]) * 1000) / steps).toFixed(1)} ms per step)`);
console.log(`frame interval ms: p50 ${pct(0.5)} p95 ${pct(0.95)} max ${frames.at(-1).toFixed(1)}`);
console.log(`rows in the DOM: ${await page.locator('.vrow').count()}`);
await browser.close();
