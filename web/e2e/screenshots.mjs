// Screenshots of the main pages in light and dark mode and at phone width (with a BI connection
// also a dashboard, one of its tiles, its folder and the Unused view), for looking at the
// design:  node e2e/screenshots.mjs http://127.0.0.1:8080 /tmp/shots
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const out = process.argv[3] ?? '/tmp/freshwatch-shots';
const asset = process.argv[4] ?? 'warehouse:analytics.marts.daily_revenue';
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
for (const [name, viewport, scheme] of [
  ['desktop-light', { width: 1280, height: 900 }, 'light'],
  ['desktop-dark', { width: 1280, height: 900 }, 'dark'],
  ['phone-light', { width: 390, height: 844 }, 'light'],
  ['phone-dark', { width: 390, height: 844 }, 'dark'],
]) {
  const ctx = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto(`${base}/signin`);
  if (name === 'desktop-light' || name === 'phone-dark') await page.screenshot({ path: `${out}/${name}-signin.png` });
  await page.fill('input[name=username]', 'demo');
  await page.fill('input[name=password]', 'demo');
  await page.click('button[type=submit]');
  await page.waitForSelector('.banner-title');
  await page.goto(`${base}/?open=warehouse&open=warehouse%3Aanalytics.raw&open=lake&open=lake%3Azone_0`);
  await page.waitForSelector('.asset-row');
  await page.waitForTimeout(600);
  await page.screenshot({ path: `${out}/${name}-overview.png`, fullPage: false });
  const cell = page.locator('.asset-row .history-cells').first();
  await page.mouse.wheel(0, 500);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/${name}-rows.png` });
  if (await cell.count()) {
    await cell.hover({ position: { x: ((await cell.boundingBox()).width * 80.5) / 90, y: 10 } });
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${out}/${name}-tooltip.png` });
  }
  await page.goto(`${base}/assets/${encodeURIComponent(asset)}`);
  await page.waitForSelector('h1');
  await page.waitForTimeout(700);
  await page.screenshot({ path: `${out}/${name}-asset.png`, fullPage: true });
  // With a BI connection: the first dashboard (worst first), one of its tiles, and the Unused view.
  const dashboards = await (await page.request.get(`${base}/api/v1/assets?kind=dashboard&sort=staleness&limit=1`)).json();
  const dash = dashboards.items?.[0];
  if (dash) {
    await page.goto(`${base}/assets/${encodeURIComponent(dash.key)}`);
    await page.waitForSelector('.tile');
    await page.waitForTimeout(700);
    await page.screenshot({ path: `${out}/${name}-dashboard.png`, fullPage: true });
    const tile = page.locator('.tile-name').first();
    await tile.click();
    await page.waitForSelector('h1');
    await page.waitForTimeout(700);
    await page.screenshot({ path: `${out}/${name}-tile.png`, fullPage: true });
    await page.goto(`${base}/unused`);
    await page.waitForSelector('h1');
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${out}/${name}-unused.png`, fullPage: true });
    if (dash.parent) {
      await page.goto(`${base}/browse/${encodeURIComponent(dash.parent)}`);
      await page.waitForSelector('h1');
      await page.waitForTimeout(500);
      await page.screenshot({ path: `${out}/${name}-folder.png`, fullPage: true });
    }
  }
  await page.goto(`${base}/browse`);
  await page.waitForTimeout(500);
  const first = page.locator('.group-card-link').first();
  if (await first.count()) {
    await first.click();
    await page.waitForTimeout(600);
  }
  await page.screenshot({ path: `${out}/${name}-browse.png`, fullPage: false });
  await ctx.close();
}
await browser.close();
console.log(`screenshots in ${out}`);
