import { expect, test } from './fixtures.js';

/**
 * How the client treats the API's "wait" answers. The platform only answers 429 and 503 under real
 * overload or outages, so here the browser's network layer answers the first requests of a change
 * with them (as a proxy in front of the API would) and lets the rest through to the real platform.
 */
test.describe('answers that ask the user to wait', () => {
  for (const { status, code, says } of [
    { status: 503, code: 'PREFERENCES_UNAVAILABLE', says: 'The service is busy — retrying in 1 s' },
    { status: 429, code: 'RATE_LIMITED', says: 'Too many requests — trying again in 1 s' },
  ]) {
    test(`a change answered ${status} says so, waits its Retry-After and is then saved once`, async ({
      page,
      user,
    }) => {
      await user.open(page);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Personalise' }).click();
      const keys: string[] = [];
      await page.route('**/v1/preferences', async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue();
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        if (keys.length > 1) return route.continue();
        await route.fulfill({
          status,
          headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
          body: JSON.stringify({ type: 'about:blank', title: 'wait', status, code }),
        });
      });

      await page.getByLabel('Layout').selectOption('compact');
      await expect(page.getByText(says)).toBeVisible();
      await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
      // The retry is the same request: one key, so the change applies once.
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
      expect(await user.preferences()).toMatchObject({ version: 1, layout: 'compact' });
    });
  }
});
