import { accessibilityViolations, expect, itemsNamed, screenshot, test } from './fixtures.js';

test.describe('the dashboard page', () => {
  test('shows the user’s accounts, and an account renamed at the accounts service appears without a reload', async ({
    page,
    user,
  }) => {
    const [first] = await user.accounts();
    if (!first) throw new Error(`seeded user ${user.userId} has no accounts`);
    await user.open(page);
    await expect(itemsNamed(page, 'Accounts', first.name)).toHaveCount(1);
    await expect(page.getByRole('status').filter({ hasText: /^Live$/ })).toBeVisible();
    // A mark in the page's memory: a reload would wipe it.
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));

    const renamed = `Holiday savings ${Date.now() % 100_000}`;
    await user.renameAccount(first.id, renamed);

    await expect(itemsNamed(page, 'Accounts', renamed)).toHaveCount(1);
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await screenshot(page, 'dashboard');
  });

  test('says when it is offline, keeps the last known dashboard, and is live again when the network returns', async ({
    page,
    context,
    user,
  }) => {
    const [first] = await user.accounts();
    await user.open(page);
    await expect(itemsNamed(page, 'Accounts', first?.name ?? '')).toHaveCount(1);

    await context.setOffline(true);
    await expect(
      page.getByRole('status').filter({ hasText: 'Offline — showing your last known dashboard' }),
    ).toBeVisible();
    await expect(itemsNamed(page, 'Accounts', first?.name ?? '')).toHaveCount(1);
    await screenshot(page, 'dashboard-offline');

    await context.setOffline(false);
    await expect(page.getByRole('status').filter({ hasText: /^Live$/ })).toBeVisible({ timeout: 30_000 });
  });

  test('sends a user whose token is refused to sign in again', async ({ page }) => {
    await page.goto('/app/#token=not.a.token');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByText('Your session has ended. Sign in again.')).toBeVisible();
    await expect(page.getByLabel('Access token')).toBeVisible();
    // The token does not stay in the address bar.
    expect(new URL(page.url()).hash).not.toContain('token=');
  });

  test('has no WCAG A/AA violations', async ({ page, user }) => {
    await user.open(page);
    await expect(page.getByRole('region', { name: 'Accounts' })).toBeVisible();
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
