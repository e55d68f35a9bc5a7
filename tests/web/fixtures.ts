import { readFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { createDevToken } from '../../adapters/auth/dev-token.js';
import type { Account, ClientDashboard, Preferences } from '../../dashboard/index.js';
import { screenshot } from '../support/browser.js';
import { userBlock } from '../e2e/support.js';
import { platformFile, type BrowserPlatform } from './platform-file.js';

/**
 * A seeded user no other test touches, and ways to act as them: in the browser, as another device, at the domain
 * services.
 */
export interface TestUser {
  readonly userId: string;
  readonly token: string;
  /** Opens the web app signed in as this user (the dev login link `npm start` prints), once its dashboard shows. */
  open(page: Page): Promise<void>;
  /** The user's accounts at the accounts service (the source of truth). */
  accounts(): Promise<Account[]>;
  renameAccount(accountId: string, name: string): Promise<void>;
  /** The stored preferences, straight from the API. */
  preferences(): Promise<Preferences>;
  /** A preference change made elsewhere (another device), straight through the API. */
  patchPreferencesElsewhere(patch: unknown): Promise<Preferences>;
}

interface Fixtures {
  platform: BrowserPlatform;
  user: TestUser;
  admin: TestUser;
}

const MIN_ACCOUNTS = 3;

async function makeUser(platform: BrowserPlatform, admin: boolean): Promise<TestUser> {
  const userId = userBlock(1)[0] ?? 'u-1';
  const token = await createDevToken({ JWT_SECRET: platform.jwtSecret }, { userId, admin });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${platform.apiUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
  const accountsUrl = `${platform.domainUrls.accounts}/v1/users/${userId}/accounts`;
  const accounts = async () => {
    const response = await fetch(accountsUrl);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Account[] }).items;
  };
  // Seeded users hold one to four accounts; reordering needs several, so a user with fewer gets more
  // first, and the test starts once the platform's dashboard shows all of them.
  const held = (await accounts()).length;
  for (let n = held; n < MIN_ACCOUNTS; n++) {
    const opened = await fetch(accountsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Pocket ${n + 1}`, type: 'savings' }),
    });
    expect(opened.status).toBe(201);
  }
  await expect
    .poll(
      async () =>
        (
          (await (
            await api('/v1/dashboard', { headers: { 'X-Client-Platform': 'web', 'X-Client-Version': '4.0.0' } })
          ).json()) as ClientDashboard
        ).sections.accounts?.items.length,
      { timeout: 15_000 },
    )
    .toBe(Math.max(held, MIN_ACCOUNTS));
  return {
    userId,
    token,
    async open(page) {
      await page.goto(`/app/#token=${token}`);
      await expect(page.getByRole('heading', { level: 1, name: 'Your dashboard' })).toBeVisible();
      // Loaded: every seeded user has accounts.
      await expect(namesIn(page, 'Accounts')).not.toHaveCount(0);
    },
    accounts,
    async renameAccount(accountId, name) {
      const response = await fetch(`${accountsUrl}/${accountId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      expect(response.status).toBe(200);
    },
    async preferences() {
      const response = await api('/v1/preferences');
      expect(response.status).toBe(200);
      return (await response.json()) as Preferences;
    },
    async patchPreferencesElsewhere(patch) {
      const current = await api('/v1/preferences');
      const response = await api('/v1/preferences', {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': current.headers.get('etag') ?? '"0"' },
        body: JSON.stringify(patch),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as Preferences;
    },
  };
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright's fixture signature
  platform: async ({}, use) => use(JSON.parse(readFileSync(platformFile, 'utf8')) as BrowserPlatform),
  user: async ({ platform }, use) => use(await makeUser(platform, false)),
  admin: async ({ platform }, use) => use(await makeUser(platform, true)),
});

export { expect };

/** The names in one section of the dashboard, in the order shown. */
export function namesIn(page: Page, section: 'Accounts' | 'Partners' | 'Offers') {
  return page.getByRole('region', { name: section }).getByRole('listitem');
}

/**
 * The items of a section named exactly `name`. Not `hasText`: that matches any part of a row, case
 * aside, and every savings account's row says "Savings account", so an account named "Savings Account"
 * would also match its neighbours.
 */
export function itemsNamed(page: Page, section: 'Accounts' | 'Partners' | 'Offers', name: string) {
  return namesIn(page, section).filter({ has: page.getByText(name, { exact: true }) });
}

/** axe-core's WCAG 2 A and AA rules over the page as it is now: the violations, by rule and target. */
export async function accessibilityViolations(page: Page): Promise<{ id: string; targets: string[] }[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export { screenshot };
