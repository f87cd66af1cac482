import { requireChromium } from '@trading/testkit';
import { type Browser, chromium } from 'playwright-core';

/** Debian's headless Chromium as the browser tests run it (the suite is pending without it). */
export async function launchChromium(
  ctx: Mocha.Context,
  extraArgs: readonly string[] = [],
): Promise<Browser> {
  return chromium.launch({
    executablePath: requireChromium(ctx),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}
