// Headless Chromium for the browser tests (the report, the dashboard, `kpart serve`): the system
// /usr/bin/chromium (scripts/ensure-test-deps.sh installs it) driven by playwright-core, sandbox and
// network-side background services off.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
