import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

/** Debian's Chromium, installed by `npm run setup`; CHROMIUM_PATH points elsewhere on other machines. */
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Where tests leave screenshots for a reviewer to look at (git-ignored). */
const screenshotsDir = fileURLToPath(new URL('../../.stack/screenshots/', import.meta.url));

/**
 * Headless Chromium for browser tests (vitest's and Playwright's runner). Without the
 * background-networking flags Chromium keeps reaching for Google's hosts, which a closed network
 * refuses many times a second.
 */
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions);
}

/** A full-page screenshot under .stack/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: `${screenshotsDir}${name}.png`, fullPage: true });
}
