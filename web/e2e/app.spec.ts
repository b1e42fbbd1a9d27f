// The status page as a person uses it, against `freshwatch demo` (see global-setup.ts).
// Written against the demo's shape, not its exact names: connections with groups and assets.

import { expect, test, type Page } from '@playwright/test';

const skip = process.env.FRESHWATCH_E2E_SKIP;
test.skip(Boolean(skip), skip);

const base = () => process.env.FRESHWATCH_E2E_BASE_URL!;

async function signIn(page: Page, next = '/') {
  await page.goto(`${base()}${next}`);
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel('User name').fill('demo');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** Opens groups on the browse pages until a level lists assets; returns that level's URL. */
async function drillToAssets(page: Page): Promise<string[]> {
  const crumbs: string[] = [];
  await page.goto(`${base()}/browse`);
  for (let depth = 0; depth < 6; depth++) {
    const assets = page.locator('.asset-row');
    // Dashboards open on a page of their own (looker.spec.ts); the drill-down goes through folders.
    const groups = page.locator('.group-card:not([data-kind="dashboard"]) .group-card-link');
    await expect(assets.first().or(groups.first())).toBeVisible();
    if ((await assets.count()) > 0) return crumbs;
    const name = (await groups.first().locator('.group-card-name').textContent())!.trim();
    crumbs.push(name);
    await groups.first().click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  }
  throw new Error('no assets found within six levels of the hierarchy');
}

test('an anonymous API request is refused with a problem document', async ({ playwright }) => {
  const anon = await playwright.request.newContext({ baseURL: base() });
  const res = await anon.get('/api/v1/summary');
  expect(res.status()).toBe(401);
  const problem = await res.json();
  expect(problem.status).toBe(401);
  expect(typeof problem.title).toBe('string');
  expect((await anon.get('/api/v1/assets')).status()).toBe(401);
  expect((await anon.get('/healthz')).status()).toBe(200);
  await anon.dispose();
});

test('a wrong password is refused with a message', async ({ page }) => {
  await page.goto(`${base()}/signin`);
  await page.getByLabel('User name').fill('demo');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('do not match');
  await expect(page).toHaveURL(/\/signin/);
});

test('sign in, see the overview banner and groups, and sign out', async ({ page }) => {
  await signIn(page);
  const banner = page.locator('section.banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('data-status', /^(fresh|warn|error|unknown)$/);
  await expect(banner.getByRole('heading', { level: 1 })).toHaveText(/\S/);

  // Connection groups with their worst status in words and a toggle that keeps its state in the URL.
  const group = page.locator('.group-row.group-level-0').first();
  await expect(group).toBeVisible();
  await expect(group.locator('.badge-text')).toHaveText(/Fresh|Late|Stale|Unknown/);
  const toggle = group.getByRole('button');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  // Arrow keys move between rows; Enter on a group toggle opens or closes it.
  await toggle.focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.vrow[data-index="1"] :focus')).toHaveCount(1);
  await page.keyboard.press('ArrowUp');
  await expect(toggle).toBeFocused();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(page).toHaveURL(/[?&]open=/);
  await page.reload();
  await expect(page.locator('.group-row.group-level-0').first().getByRole('button')).toHaveAttribute('aria-expanded', 'false');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect((await page.request.get(`${base()}/api/v1/summary`)).status()).toBe(401);
  await page.goto(`${base()}/browse`);
  await expect(page).toHaveURL(/\/signin\?next=%2Fbrowse/);
  // Signing in again leads back to the page that asked for it.
  await page.getByLabel('User name').fill('demo');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/browse$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
});

test('drill down through the hierarchy to an asset page', async ({ page }) => {
  await signIn(page);
  const trail = await drillToAssets(page);
  expect(trail.length).toBeGreaterThan(0);
  const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
  // A dbt project and its root package may share a name, so a name can stand twice in the trail.
  for (const name of trail.slice(0, -1)) await expect(crumbs.getByRole('link', { name, exact: true }).first()).toBeVisible();
  await expect(page.locator('.page-head .badge')).toContainText(/Worst: (fresh|late|stale|unknown)/);

  const first = page.locator('.asset-row .asset-name').first();
  const name = (await first.textContent())!.trim();
  await first.click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Why it is (fresh|late|stale|unknown)$/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Data last changed' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Last 90 days' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Signals' })).toBeVisible();
  await expect(page.locator('.history-lg')).toHaveAttribute('data-cells', /^[fweu-]{90}$/);
  // Links up the hierarchy: the breadcrumb leads back to the group the asset is in.
  await crumbs.getByRole('link', { name: trail[trail.length - 1], exact: true }).last().click();
  await expect(page.getByRole('heading', { level: 1, name: trail[trail.length - 1] })).toBeVisible();
});

test('search finds an asset and the URL holds the search', async ({ page }) => {
  await signIn(page);
  await drillToAssets(page);
  const name = (await page.locator('.asset-row .asset-name').first().textContent())!.trim();
  await page.goto(`${base()}/`);
  await page.getByLabel('Search assets').fill(name);
  const query = new URLSearchParams({ q: name }).toString();  // spaces as '+', as the page writes them
  await expect(page).toHaveURL(new RegExp(`[?&]${query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await expect(page.getByRole('heading', { name: 'Matching assets' })).toBeVisible();
  await expect(page.locator('.asset-row .asset-name', { hasText: name }).first()).toBeVisible();

  // A shared link shows the same view.
  const url = page.url();
  await page.goto(url);
  await expect(page.getByLabel('Search assets')).toHaveValue(name);
  await expect(page.locator('.asset-row .asset-name', { hasText: name }).first()).toBeVisible();

  await page.getByLabel('Search assets').fill('no-such-asset-anywhere-42');
  await expect(page.getByText('No assets match')).toBeVisible();
});

test('a status filter narrows the list and stays in the URL', async ({ page }) => {
  await signIn(page);
  await page.locator('.chip-toggle', { hasText: 'Fresh' }).click();
  await expect(page).toHaveURL(/[?&]status=fresh/);
  await expect(page.getByRole('heading', { name: 'Matching assets' })).toBeVisible();
  const badges = page.locator('.asset-row .badge-text');
  await expect(badges.first().or(page.getByText('No assets match'))).toBeVisible();
  for (const text of await badges.allTextContents()) expect(text).toBe('Fresh');
});

test('the 90-day bar shows a tooltip for a day on hover and on keyboard focus', async ({ page }) => {
  await signIn(page);
  await drillToAssets(page);
  const bar = page.locator('.asset-row .history').first();
  await expect(bar).toHaveAttribute('data-cells', /^[fweu-]{90}$/);
  const box = (await bar.locator('.history-cells').boundingBox())!;
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
  await expect(bar).toHaveAttribute('data-active', '89');
  const tip = page.getByRole('tooltip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText(/\w{3}, \d{1,2} \w{3} \d{4}/);
  await expect(tip).toContainText(/(Fresh|Late|Stale|Unknown): \d+ (min|h)|No data|Fresh|Late|Stale|Unknown/);

  await page.mouse.move(0, 0);
  await bar.focus();
  await expect(tip).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(bar).toHaveAttribute('data-active', '88');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('tooltip')).toHaveCount(0);
});

test('dark mode toggle and a phone-sized screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await expect(page.locator('section.banner')).toBeVisible();
  const toggle = page.getByRole('button', { name: 'Dark mode' });
  const before = await toggle.getAttribute('aria-pressed');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', before === 'true' ? 'false' : 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', before === 'true' ? 'light' : 'dark');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
});

test('built files live under /_app/ as immutable, and any asset key opens its page', async ({ page, playwright }) => {
  const anon = await playwright.request.newContext({ baseURL: base() });
  const html = await (await anon.get('/')).text();
  const built = [...html.matchAll(/(?:src|href)="(\/_app\/[^"]+)"/g)].map((m) => m[1]);
  expect(built.length).toBeGreaterThan(0);
  for (const file of built) {
    const res = await anon.get(file);
    expect(res.status(), file).toBe(200);
    expect(res.headers()['cache-control'], file).toContain('immutable');
  }
  expect((await anon.get('/_app/no-such-file.js')).status()).toBe(404);
  // A key that ends like a script is a page, not a missing file.
  const route = await anon.get(`/assets/${encodeURIComponent('bi:reports.daily.js')}`);
  expect(route.status()).toBe(200);
  expect(route.headers()['content-type']).toContain('text/html');
  await anon.dispose();

  await signIn(page);
  await page.goto(`${base()}/assets/${encodeURIComponent('bi:reports.daily.js')}`);
  await expect(page).toHaveURL(/\/assets\/bi%3Areports\.daily\.js$/);
  await expect(page.getByRole('alert')).toContainText("no asset 'bi:reports.daily.js'");
});
