import type { Page } from '@playwright/test';
import { accessibilityViolations, expect, itemsNamed, namesIn, screenshot, test, type TestUser } from './fixtures.js';

/** The account names in the order the dashboard shows them. */
async function accountOrder(page: Page, user: TestUser): Promise<string[]> {
  const names = (await user.accounts()).map((a) => a.name);
  const rows = await namesIn(page, 'Accounts').allInnerTexts();
  return rows.map((row) => names.find((name) => row.includes(name)) ?? `?${row}`);
}

async function openPersonalise(page: Page, user: TestUser): Promise<void> {
  await user.open(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Personalise' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Personalise' })).toBeVisible();
}

test.describe('personalising the dashboard', () => {
  test('a reorder made in one tab persists across a reload and appears in a second tab through live updates', async ({
    context,
    user,
  }) => {
    const editor = await context.newPage();
    const viewer = await context.newPage();
    await user.open(viewer);
    await openPersonalise(editor, user);
    const before = await accountOrder(viewer, user);
    expect(before.length).toBeGreaterThan(1);
    const [first, second] = before as [string, string];

    // By keyboard: focus the button and press Enter.
    await editor.getByRole('button', { name: `Move ${first} down` }).focus();
    await editor.keyboard.press('Enter');
    await expect(editor.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

    const after = [second, first, ...before.slice(2)];
    await expect.poll(() => accountOrder(viewer, user)).toEqual(after);
    await viewer.reload();
    await expect.poll(() => accountOrder(viewer, user)).toEqual(after);
    await screenshot(editor, 'personalise');
  });

  test('drag and drop moves an account to where it is dropped', async ({ page, user }) => {
    await openPersonalise(page, user);
    const accounts = page.getByRole('region', { name: 'Accounts' });
    const rows = accounts.getByRole('listitem');
    const names = (await user.accounts()).map((a) => a.name);
    const shown = async () =>
      (await rows.allInnerTexts()).map((row) => names.find((name) => row.includes(name)) ?? row);
    await expect(rows).not.toHaveCount(0);
    const before = await shown();
    expect(before.length).toBeGreaterThan(1);
    const last = before[before.length - 1] as string;

    // dnd-kit's pointer sensor starts after a few pixels of movement, so the mouse moves in steps.
    const handle = accounts.getByRole('button', { name: `Drag ${last}` });
    const target = rows.first();
    const from = await handle.boundingBox();
    const to = await target.boundingBox();
    if (!from || !to) throw new Error('the rows are not on screen');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, to.y + 2, { steps: 20 });
    await page.mouse.up();

    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await expect.poll(shown).toEqual([last, ...before.slice(0, -1)]);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await expect.poll(() => accountOrder(page, user)).toEqual([last, ...before.slice(0, -1)]);
  });

  test('a change made meanwhile on another device is not overwritten: the page says so and shows it', async ({
    page,
    user,
  }) => {
    // This tab hears nothing live, as a tab left open on a train would.
    await page.route('**/v1/dashboard/stream', (route) => route.abort());
    await openPersonalise(page, user);
    await expect(page.getByLabel('Layout')).toHaveValue('list');

    const elsewhere = await user.patchPreferencesElsewhere({ layout: 'grid' });
    expect(elsewhere.version).toBe(1);

    await page.getByLabel('Sort accounts').selectOption('alphabetical');
    await expect(page.getByRole('alert')).toContainText('changed on another device');
    await expect(page.getByLabel('Layout')).toHaveValue('grid');
    await expect(page.getByLabel('Sort accounts')).toHaveValue('custom');
    await screenshot(page, 'personalise-conflict');
  });

  test('hiding an account removes it from the dashboard, and restoring an earlier version from the history brings it back', async ({
    page,
    user,
  }) => {
    await openPersonalise(page, user);
    const [first] = await accountOrder(page, user).catch(() => [] as string[]);
    const name = first ?? (await user.accounts())[0]?.name ?? '';

    await page.getByLabel('Layout').selectOption('grid');
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await page.getByRole('button', { name: `Hide ${name}` }).click();
    await expect(page.getByRole('button', { name: `Show ${name}` })).toBeVisible();

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await expect(itemsNamed(page, 'Accounts', name)).toHaveCount(0);

    await nav.getByRole('link', { name: 'History' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'history');
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await expect(page.getByText('Restored version 1')).toBeVisible();

    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await expect(itemsNamed(page, 'Accounts', name)).toHaveCount(1);
    await nav.getByRole('link', { name: 'Personalise' }).click();
    await expect(page.getByLabel('Layout')).toHaveValue('grid');
  });

  test('has no WCAG A/AA violations', async ({ page, user }) => {
    await openPersonalise(page, user);
    await expect(page.getByRole('region', { name: 'Accounts' })).toBeVisible();
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
