import { chromium, type Browser } from 'playwright-core';

// scripts/ensure-test-deps.sh installs it; cli-dashboard-cleanup.test.ts points it elsewhere.
const CHROMIUM = process.env.TAPLINE_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The system's Chromium, headless, as the dashboard tests drive it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
