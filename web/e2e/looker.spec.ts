// A BI connection (Looker) as a person uses it: folders → dashboards → tiles with status at every
// level, a dashboard's tiles with their sources and one click to the table to blame, a tile's
// path to its root, and the dashboards and Looks nobody opens. Written against the shape of the
// data, not its names. Skipped when the server has no dashboards (the demo before it has a BI
// layer); `FRESHWATCH_E2E_FAKE=1 npm run e2e -- looker` runs it against e2e/fake-api.mjs.

import { expect, test, type Page } from '@playwright/test';
import type { AssetDetail, AssetList } from '../src/api/types';

const skip = process.env.FRESHWATCH_E2E_SKIP;
test.skip(Boolean(skip), skip);

const base = () => process.env.FRESHWATCH_E2E_BASE_URL!;
const enc = encodeURIComponent;

async function signIn(page: Page) {
  await page.goto(`${base()}/signin`);
  await page.getByLabel('User name').fill('demo');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

async function api<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(`${base()}${path}`);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

/** The worst dashboard the server knows (skips the test when there is none), with its detail. */
async function worstDashboard(page: Page): Promise<AssetDetail> {
  const list = await api<AssetList>(page, '/api/v1/assets?kind=dashboard&limit=1000');
  test.skip(list.total === 0, 'no dashboards on this server: the demo has no BI layer yet (run against e2e/fake-api.mjs with FRESHWATCH_E2E_FAKE=1)');
  const rank = { error: 3, warn: 2, unknown: 1, fresh: 0 };
  const worst = [...list.items].sort((a, b) => rank[b.status] - rank[a.status] || a.key.localeCompare(b.key))[0];
  return api<AssetDetail>(page, `/api/v1/assets/${enc(worst.key)}`);
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('folders lead to dashboards with their tile counts and usage, and Looks sit in their folders', async ({ page }) => {
  const dash = await worstDashboard(page);
  const folder = dash.ancestors[dash.ancestors.length - 1];
  // Down from the connection, one folder at a time, each level with its worst status.
  await page.goto(`${base()}/browse/${enc(dash.ancestors[0].key)}`);
  for (const step of dash.ancestors.slice(1)) {
    const card = page.locator(`.group-card[data-key="${step.key}"]`);
    await expect(card.locator('.badge-text')).toHaveText(/Fresh|Late|Stale|Unknown/);
    await card.getByRole('link').click();
    await expect(page.getByRole('heading', { level: 1, name: step.name })).toBeVisible();
  }
  const card = page.getByRole('region', { name: 'Dashboards' }).locator(`.group-card[data-key="${dash.asset.key}"]`);
  await expect(card).toContainText(/tiles?/);
  await expect(card.locator('.badge')).toHaveAttribute('data-status', dash.asset.status);
  if (dash.asset.usage) await expect(card.locator('.dashboard-usage')).toContainText(/opened|never opened/);

  const looks = await api<AssetList>(page, `/api/v1/assets?parent=${enc(folder.key)}&kind=look`);
  for (const look of looks.items.slice(0, 5)) {
    const row = page.locator(`.asset-row[data-key="${look.key}"]`);
    await expect(row).toBeVisible();
    if (look.usage) await expect(row.locator('.asset-sub')).toContainText(/opened|never opened/);
  }

  await card.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/assets/${enc(dash.asset.key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  await expect(page.getByRole('heading', { level: 1, name: dash.asset.name })).toBeVisible();
});

test('a dashboard shows each tile with its status, data time and sources, and one click leads to the table to blame', async ({ page }) => {
  const dash = await worstDashboard(page);
  await page.goto(`${base()}/assets/${enc(dash.asset.key)}`);
  await expect(page.getByRole('heading', { level: 1, name: dash.asset.name })).toBeVisible();
  const tiles = page.locator('li.tile');
  const expected = dash.children.filter((c) => c.kind === 'tile');
  await expect(tiles).toHaveCount(expected.length);
  await expect(page.getByRole('region', { name: 'Usage' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Freshness' })).toBeVisible();
  if (!expected.length) return;

  // Worst first: the first tile is as bad as the dashboard.
  const first = tiles.first();
  await expect(first.locator('.tile-head .badge')).toHaveAttribute('data-status', dash.asset.status);
  for (const t of expected.slice(0, 10)) {
    const tile = page.locator(`li.tile[data-key="${t.key}"]`);
    await expect(tile.locator('.tile-head .badge-text')).toHaveText(/Fresh|Late|Stale|Unknown/);
    if (t.data_time && t.data_time_from && t.data_time_from !== t.key) await expect(tile.locator('.tile-time')).toContainText('data from');
    await expect(tile.locator('.sources, .state-loading').or(tile.getByText('No source tables known.'))).toBeVisible();
  }
  const sources = first.locator('.sources li');
  if (await sources.count()) await expect(sources.first()).toContainText(/changed|never/);

  const blame = first.getByRole('link', { name: /^To blame: / });
  if (dash.asset.status === 'warn' || dash.asset.status === 'error') {
    const tileKey = (await first.getAttribute('data-key'))!;
    const lineage = await api<{ root_causes: string[] }>(page, `/api/v1/assets/${enc(tileKey)}/lineage?depth=1`);
    if (lineage.root_causes.length) {
      await blame.click();
      await expect(page).toHaveURL(new RegExp(`/assets/${enc(lineage.root_causes[0]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      await expect(page.getByRole('heading', { name: /^Why it is (late|stale)$/ })).toBeVisible();
    }
  }
});

test('a stale tile shows its path to the root as a chain', async ({ page }) => {
  const dash = await worstDashboard(page);
  const stale = dash.children.find((c) => c.kind === 'tile' && (c.status === 'warn' || c.status === 'error'));
  test.skip(!stale, 'no late or stale tile on the worst dashboard');
  const tile = await api<AssetDetail>(page, `/api/v1/assets/${enc(stale!.key)}`);
  await page.goto(`${base()}/assets/${enc(stale!.key)}`);
  await expect(page.getByRole('heading', { name: 'Data last changed' })).toBeVisible();
  for (const path of tile.root_paths) {
    const root = path.hops[path.hops.length - 1];
    const chain = page.getByRole('list', { name: `Path from this asset to ${root.name}` }).first();
    await expect(chain.getByRole('listitem')).toHaveCount(path.hops.length);
    for (const hop of path.hops.filter((h) => h.via)) await expect(chain).toContainText(hop.via!);
  }
  if (tile.root_paths.length) {
    await page.getByRole('link', { name: /^To blame: / }).first().click();
    await expect(page).toHaveURL(new RegExp(`/assets/${enc(tile.root_paths[0].root).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  }
});

test('the overview leads to the dashboards and Looks nobody opened, for a period one can change', async ({ page }) => {
  await worstDashboard(page);
  await page.goto(`${base()}/`);
  await page.getByRole('link', { name: 'Unused dashboards and Looks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Unused dashboards and Looks' })).toBeVisible();
  const month = await api<AssetList>(page, '/api/v1/assets?unused_days=30&limit=1000');
  await expect(page.locator('.unused-list li:not(.muted)').or(page.getByText('Everything was opened'))).toHaveCount(month.total ? Math.min(month.total, 1000) : 1);
  await page.getByLabel(/Not opened in/).fill('1');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/\/unused\?days=1$/);
  const day = await api<AssetList>(page, '/api/v1/assets?unused_days=1&limit=1000');
  expect(day.total).toBeGreaterThanOrEqual(month.total);
  await expect(page.getByText(`${day.total} ${day.total === 1 ? 'item' : 'items'}`)).toBeVisible();
});

test('a dashboard page fits a phone screen', async ({ page }) => {
  const dash = await worstDashboard(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base()}/assets/${enc(dash.asset.key)}`);
  await expect(page.getByRole('heading', { level: 1, name: dash.asset.name })).toBeVisible();
  await expect(page.locator('li.tile').first().or(page.getByText('This dashboard has no tiles.'))).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
