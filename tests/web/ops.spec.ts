import { accessibilityViolations, expect, screenshot, test } from './fixtures.js';

test.describe('the ops console', () => {
  test('finds a user, shows their dashboard and workflows with links into the Temporal UI, and rebuilds it', async ({
    page,
    admin,
    user,
  }) => {
    await admin.open(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ops' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Ops console' })).toBeVisible();

    await page.getByLabel('User id').fill(user.userId);
    await page.getByRole('button', { name: 'Find user' }).click();
    const [account] = await user.accounts();
    await expect(page.getByText(account?.name ?? '?').first()).toBeVisible();

    await page.getByRole('button', { name: 'Rebuild now' }).click();
    await expect(page.getByText(/Rebuilt: version \d+/)).toBeVisible();

    // The rebuild is among the user's workflows, each linked to its run in the Temporal UI.
    await page.getByRole('button', { name: 'Find user' }).click();
    const workflows = page.getByRole('table', { name: 'Recent workflows' });
    await expect(workflows.getByRole('row').filter({ hasText: 'rebuildDashboard' }).first()).toBeVisible();
    const runLink = workflows.getByRole('link', { name: 'Open in Temporal UI' }).first();
    expect(await runLink.getAttribute('href')).toContain(
      `/workflows/${encodeURIComponent(`dashboard-rebuild:${user.userId}`)}/`,
    );
    const all = page.getByRole('link', { name: `All workflows of ${user.userId} in Temporal UI` });
    expect(decodeURIComponent((await all.getAttribute('href')) ?? '')).toContain(`UserId = '${user.userId}'`);

    await expect(
      page
        .getByText('No failed rebuilds in the last hour')
        .or(page.getByRole('table', { name: 'Failed rebuilds in the last hour' })),
    ).toBeVisible();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'ops-console');
  });

  test('is not offered to a user without the admin role, and its endpoints refuse them', async ({
    page,
    user,
    platform,
  }) => {
    await user.open(page);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ops' })).toHaveCount(0);
    const response = await fetch(`${platform.apiUrl}/v1/admin/rebuilds/failed`, {
      headers: { Authorization: `Bearer ${user.token}` },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
  });
});
