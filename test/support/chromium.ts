/**
 * Headless Chromium for the UI tests, driven by playwright-core against the system browser
 * (Debian package `chromium`; CI installs it in .ci/run). Missing Chromium fails loudly: a UI
 * test that silently skips proves nothing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumExecutable(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new Error(
    `Chromium is missing (looked at ${candidates.join(', ')}). The UI tests need a real browser: ` +
      'install it with `sudo apt-get install chromium` (CI does this in .ci/run) or set CHROMIUM_PATH to a Chromium binary.',
  );
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context in a fresh user-data-dir, removed on close. */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const executablePath = chromiumExecutable();
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'teracron-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ARGS,
    viewport: { width: 1360, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
