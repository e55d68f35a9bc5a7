import type { Page } from '@playwright/test';
import { accessibilityViolations, expect, screenshot, test } from './fixtures.js';

async function preview(page: Page, platform: string, version: string) {
  await page.getByLabel('Platform').selectOption(platform);
  await page.getByLabel('App version').fill(version);
  await page.getByRole('button', { name: 'Show preview' }).click();
}

test.describe('the profile preview', () => {
  test('shows what each app version receives: no offers for iOS 1.x, offers for iOS 4', async ({ page, user }) => {
    await user.open(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Preview' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Preview' })).toBeVisible();
    const web = page.getByRole('region', { name: 'Web (this app)' });

    await preview(page, 'ios', '1.4.0');
    const old = page.getByRole('region', { name: 'iOS 1.4.0' });
    await expect(old.getByText('Profile: ios-v1')).toBeVisible();
    await expect(old.getByRole('heading', { name: 'Accounts' })).toBeVisible();
    await expect(old.getByRole('heading', { name: 'Offers' })).toHaveCount(0);
    await expect(web.getByRole('heading', { name: 'Offers' })).toBeVisible();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'preview-ios-1.4');

    await preview(page, 'ios', '4.0.0');
    const current = page.getByRole('region', { name: 'iOS 4.0.0' });
    await expect(current.getByText('Profile: ios-v4')).toBeVisible();
    await expect(current.getByRole('heading', { name: 'Offers' })).toBeVisible();
    await screenshot(page, 'preview-ios-4');
  });
});
