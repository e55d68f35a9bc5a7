import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { accessibilityViolations, expect, screenshot, test } from './fixtures.js';
import type { BrowserPlatform } from './platform-file.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const OPENS_TITLE = 'Dashboard opens and distinct users per day';
const CUSTOM_ORDER_TITLE = 'Users with a custom order, per app version';
/** Dashboards the test opens itself; the figure for today must count at least these. */
const OPENS = 4;

/** Today as the analytics store counts days: in UTC, whatever the machine's time zone. */
const utcToday = () => new Date().toISOString().slice(0, 10);

/** Rolls today up into the analytics store, as an operator would (exit 0 once the roll-up finished). */
async function backfill(platform: BrowserPlatform, day: string): Promise<void> {
  await run('npx', ['tsx', 'cli/ops.ts', 'analytics-backfill', '--from', day, '--to', day], {
    cwd: repoRoot,
    timeout: 25_000,
    // This run's rollup worker and store.
    env: { ...process.env, TEMPORAL_TASK_QUEUE: platform.taskQueue, ANALYTICS_SCHEMA: platform.analyticsSchema },
  });
}

/** Today's opens as the Insights page's figures table says them; 0 while the page says it has no data. */
async function opensShownFor(page: Page, day: string): Promise<number> {
  const usage = page.getByRole('region', { name: 'Dashboard usage' });
  const figure = usage.getByRole('figure', { name: OPENS_TITLE });
  // A chart of the section may say it has no data while the opens chart has some: either will do here.
  await expect(figure.or(usage.getByText('No data for these days')).first()).toBeVisible();
  if (!(await figure.isVisible())) return 0;
  await expect(figure.getByRole('img', { name: OPENS_TITLE })).toBeVisible();
  await figure.locator('summary').click();
  const table = figure.getByRole('table', { name: OPENS_TITLE });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: day, exact: true }) });
  const opens = await row.getByRole('cell').first().textContent();
  return Number((opens ?? '').replace(/\D/g, ''));
}

/** Users with an account order of their own on the web app, as the personalisation figures say; 0 while none. */
async function webCustomOrdersShown(page: Page): Promise<number> {
  const figure = page
    .getByRole('region', { name: 'Personalisation' })
    .getByRole('figure', { name: CUSTOM_ORDER_TITLE });
  await expect(figure).toBeVisible();
  if (await figure.getByText('No data for these days').isVisible()) return 0;
  await figure.locator('summary').click();
  const table = figure.getByRole('table', { name: CUSTOM_ORDER_TITLE });
  const web = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^web / }) });
  if ((await web.count()) === 0) return 0;
  const accountsColumn = (await table.getByRole('columnheader').allTextContents()).indexOf('Accounts') - 1;
  const users = await web.first().getByRole('cell').nth(accountsColumn).textContent();
  return Number((users ?? '').replace(/\D/g, ''));
}

test.describe('the insights page', () => {
  test('charts the dashboards opened and the custom orders set today once they are rolled up, with its figures as tables', async ({
    page,
    admin,
    platform,
  }) => {
    const today = utcToday();
    // A personalisation fact of today: the admin puts their accounts in an order of their own.
    const accountIds = (await admin.accounts()).map((a) => a.id);
    await admin.patchPreferencesElsewhere({ sections: { accounts: { sort: 'custom', order: accountIds.reverse() } } });
    // Every served dashboard is one DashboardViewed event: opening the app and reloading it serves one each.
    await admin.open(page);
    for (let n = 1; n < OPENS; n++) {
      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: 'Your dashboard' })).toBeVisible();
    }

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Insights' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Insights' })).toBeVisible();
    // The default range ends today (UTC).
    await expect(page.getByLabel('To (UTC)')).toHaveValue(today);

    // The analytics consumer stores events a little after they happen: roll up and look again until
    // today's figure has caught up, rather than sleeping for a guessed time.
    await expect(async () => {
      await backfill(platform, today);
      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: 'Insights' })).toBeVisible();
      expect(await opensShownFor(page, today)).toBeGreaterThanOrEqual(OPENS);
      // Counted for the app they opened the dashboard with today.
      expect(await webCustomOrdersShown(page)).toBeGreaterThanOrEqual(1);
    }).toPass({ timeout: 30_000, intervals: [1_000, 2_000, 3_000] });

    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'insights');

    // A filter asks the API again: the usage for one platform, the rebuilds (which have none) for all.
    const usageForIos = page.waitForRequest((request) => {
      const url = new URL(request.url());
      return url.pathname === '/v1/insights/usage' && url.searchParams.get('platform') === 'ios';
    });
    const rebuilds = page.waitForRequest((request) => new URL(request.url()).pathname === '/v1/insights/rebuilds');
    await page.getByLabel('Platform').selectOption('ios');
    await usageForIos;
    expect(new URL((await rebuilds).url()).searchParams.has('platform')).toBe(false);
    await expect(page.getByText('Rebuilds are counted for all platforms.')).toBeVisible();
  });

  test('is not offered to a user without the admin role, and its endpoints refuse them', async ({
    page,
    user,
    platform,
  }) => {
    await user.open(page);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Insights' })).toHaveCount(0);
    // Typing the address does not open it either.
    await page.goto('/app/#/insights');
    await expect(page.getByRole('heading', { level: 1, name: 'Your dashboard' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Insights' })).toHaveCount(0);

    const today = utcToday();
    const response = await fetch(`${platform.apiUrl}/v1/insights/usage?from=${today}&to=${today}`, {
      headers: { Authorization: `Bearer ${user.token}` },
    });
    expect(response.status).toBe(403);
  });
});
