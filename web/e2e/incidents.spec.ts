// Incidents as a person meets them: the open ones at the top of the overview, the incidents page
// with its state filter, an incident with its root, impact, timeline and deliveries, acknowledge
// and snooze, and the root's asset page. Written against the shape of the data, not its names.
// Skipped when the server has no incidents; `FRESHWATCH_E2E_FAKE=1 npx playwright test
// e2e/incidents.spec.ts` runs it against e2e/fake-api.mjs (build dist/ first).

import { expect, test, type Page } from '@playwright/test';
import type { Incident, IncidentDetail, IncidentList } from '../src/api/types';

const skip = process.env.FRESHWATCH_E2E_SKIP;
test.skip(Boolean(skip), skip);

const base = () => process.env.FRESHWATCH_E2E_BASE_URL!;
const enc = encodeURIComponent;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

/** The server's incidents (skips the test when it has none), open ones first. */
async function incidents(page: Page): Promise<Incident[]> {
  const res = await page.request.get(`${base()}/api/v1/incidents?limit=100`);
  test.skip(res.status() === 404, 'this server has no /api/v1/incidents yet');
  expect(res.status()).toBe(200);
  const list = (await res.json()) as IncidentList;
  test.skip(list.items.length === 0, 'no incidents on this server: nothing is late or stale at its source (run against e2e/fake-api.mjs with FRESHWATCH_E2E_FAKE=1)');
  return list.items;
}

/** An open incident, preferring one nobody acknowledged (skips when every incident is resolved). */
async function openIncident(page: Page): Promise<Incident> {
  const all = await incidents(page);
  const open = all.filter((i) => i.status === 'open');
  test.skip(open.length === 0, 'no open incidents on this server');
  return open.find((i) => !i.acknowledged_at) ?? open[0];
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('the overview shows the open incidents at the top and leads to the incidents page', async ({ page }) => {
  const all = await incidents(page);
  const open = all.filter((i) => i.status === 'open');
  await page.goto(`${base()}/`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  if (open.length) {
    const section = page.getByRole('region', { name: /open incidents?$/ });
    await expect(section.getByRole('heading', { level: 2 })).toHaveText(`${open.length} open ${open.length === 1 ? 'incident' : 'incidents'}`);
    const items = section.locator('li.incident');
    await expect(items).toHaveCount(Math.min(open.length, 5));
    // The worst root comes first.
    const rank = { error: 3, warn: 2, unknown: 1, fresh: 0 };
    const item = items.first();
    const firstId = await item.getAttribute('data-id');
    const first = open.find((i) => i.id === firstId)!;
    expect(first, 'the first incident shown is an open one').toBeTruthy();
    expect(rank[first.root.status]).toBe(Math.max(...open.map((i) => rank[i.root.status])));
    await expect(item.locator('.badge-text')).toHaveText(/Late|Stale|Unknown|Fresh/);
    await expect(item.getByRole('link', { name: first.root.name, exact: true })).toHaveAttribute('href', `/assets/${enc(first.root.key)}`);
    await expect(item).toContainText(first.impacted.count ? `${first.impacted.count} impacted` : 'no impact downstream');
    // The section sits above the asset list.
    const sectionBox = (await section.boundingBox())!;
    const assetsBox = (await page.getByRole('heading', { name: /^(Assets|Matching assets)$/ }).boundingBox())!;
    expect(sectionBox.y).toBeLessThan(assetsBox.y);
  } else {
    await expect(page.getByRole('region', { name: /open incidents?$/ })).toHaveCount(0);
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Incidents' })).toBeVisible();
  await expect(page.locator('li.incident')).toHaveCount(all.length);

  await page.getByRole('link', { name: 'Resolved', exact: true }).click();
  await expect(page).toHaveURL(/\/incidents\?state=resolved$/);
  const resolved = await api<IncidentList>(page, '/api/v1/incidents?state=resolved&limit=100');
  if (resolved.items.length) await expect(page.locator('li.incident[data-status="resolved"]')).toHaveCount(resolved.items.length);
  else await expect(page.getByText('No resolved incidents')).toBeVisible();
  await expect(page.locator('li.incident[data-status="open"]')).toHaveCount(0);
});

test('an incident shows its root, impact, timeline and deliveries, and can be acknowledged and snoozed', async ({ page }) => {
  const inc = await openIncident(page);
  const detail = await api<IncidentDetail>(page, `/api/v1/incidents/${enc(inc.id)}`);
  await page.goto(`${base()}/incidents`);
  await page.locator(`li.incident[data-id="${inc.id}"]`).getByRole('link', { name: `Incident details: ${inc.root.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`/incidents/${escape(enc(inc.id))}$`));
  await expect(page.getByRole('heading', { level: 1, name: inc.root.name })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Root' }).getByRole('link', { name: inc.root.name, exact: true })).toHaveAttribute('href', `/assets/${enc(inc.root.key)}`);
  const impact = page.getByRole('list', { name: 'Impacted assets' });
  if (detail.impacted.keys.length) await expect(impact.getByRole('link')).toHaveCount(Math.min(detail.impacted.keys.length, 200));
  await expect(page.getByRole('list', { name: 'Timeline' }).getByRole('listitem')).toHaveCount(detail.timeline.length || 0);
  if (detail.deliveries.length) {
    const rows = page.locator('tr.delivery');
    await expect(rows).toHaveCount(detail.deliveries.length);
    for (const [n, d] of detail.deliveries.slice(0, 10).entries()) {
      const row = rows.nth(n);
      await expect(row.locator('[data-label="Channel"]')).toHaveText(d.channel);
      await expect(row.locator('[data-label="Outcome"]')).toContainText({ delivered: 'Delivered', failed: 'Failed', pending: 'Pending' }[d.outcome]);
      await expect(row.locator('[data-label="HTTP status"]')).toHaveText(d.http_status == null ? '—' : String(d.http_status));
    }
  } else await expect(page.getByText('No deliveries')).toBeVisible();

  const actions = page.getByRole('group', { name: 'Incident actions' });
  if (!inc.acknowledged_at) {
    await actions.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(actions.getByRole('button', { name: 'Acknowledged' })).toBeDisabled();
  }
  await expect(page.locator('.incident-flags .chip-ack')).toContainText('Acknowledged');
  await actions.getByRole('button', { name: 'Snooze 1 h' }).click();
  await expect(page.locator('.incident-flags .chip-snoozed')).toContainText('Snoozed until');
  const after = await api<IncidentDetail>(page, `/api/v1/incidents/${enc(inc.id)}`);
  expect(after.acknowledged_at).not.toBeNull();
  const snoozed = Date.parse(after.snoozed_until!) - Date.now();
  expect(snoozed).toBeGreaterThan(50 * 60e3);
  expect(snoozed).toBeLessThan(70 * 60e3);
});

test("the root's asset page lists its incident", async ({ page }) => {
  const inc = await openIncident(page);
  await page.goto(`${base()}/assets/${enc(inc.root.key)}`);
  const own = page.getByRole('list', { name: 'Incidents caused here' });
  await expect(own.locator(`li.incident[data-id="${inc.id}"]`)).toBeVisible();
  if (inc.impacted.keys.length) {
    const key = inc.impacted.keys[0];
    await page.goto(`${base()}/assets/${enc(key)}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Incidents this asset is impacted by' }).locator(`li.incident[data-id="${inc.id}"]`)).toBeVisible();
  }
});

test('the incident pages fit a phone screen', async ({ page }) => {
  await openIncident(page);
  // The one with the most impact: the longest list of keys to fit.
  const inc = (await incidents(page)).reduce((a, b) => (b.impacted.count > a.impacted.count ? b : a));
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/', '/incidents', `/incidents/${enc(inc.id)}`]) {
    await page.goto(`${base()}${path}`);
    await expect(page.locator('li.incident, .incident-page h1').first()).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
  }
  await expect(page.getByRole('button', { name: /^Snooze / }).first()).toBeVisible();
});
