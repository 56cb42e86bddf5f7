/**
 * The seat-map page in real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): two browser contexts as two users on two gateways. A holds, B sees it
 * held and is refused; A confirms, both see it reserved. A screenshot is saved under
 * tests/artifacts/.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShowDefinition } from '../../src/contract/shows.ts';
import type { GatewayHandle } from '../../src/gateway/gateway.ts';
import { GatewayTestbed } from '../integration/gateway/gateway-testbed.ts';

const CHROMIUM = process.env.HOLDFAST_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);

let testbed: GatewayTestbed;
let browser: Browser;
let show: ShowDefinition;
let gateways: GatewayHandle[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set HOLDFAST_CHROMIUM.`,
    );
  }
  testbed = await GatewayTestbed.create(3);
  show = await testbed.bed.createShow({ rows: 4, seatsPerRow: 8, holdTtlMs: 120_000 });
  await testbed.bed.startWorker();
  gateways = [await testbed.startGateway(), await testbed.startGateway()];
  await testbed.settled(gateways);
  browser = await chromium.launch({
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
});

afterAll(async () => {
  await browser?.close();
  await testbed?.close();
});

/** What the browser reported against the page's Content-Security-Policy, per page. */
const cspViolations = new Map<Page, string[]>();

async function openAs(userId: string, gateway: GatewayHandle): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 640 } });
  const page = await context.newPage();
  const violations: string[] = [];
  cspViolations.set(page, violations);
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  const token = await testbed.token(userId);
  await page.goto(`${gateway.url}/#show=${show.showId}&token=${token}`);
  await page.locator('#connection[data-state="connected"]').waitFor();
  await page.locator('[data-seat="A1"][data-status="available"]').waitFor();
  return page;
}

const seat = (page: Page, seatId: string) => page.locator(`[data-seat="${seatId}"]`);

describe('seat-map page', () => {
  it("shows one user's hold to another live, refuses the second user, and shows the confirmation to both", async () => {
    const alice = await openAs('alice', gateways[0] as GatewayHandle);
    const bob = await openAs('bob', gateways[1] as GatewayHandle);

    await expect(alice.locator('#login').isVisible()).resolves.toBe(false);
    await seat(alice, 'B3').click();
    await alice.locator('[data-seat="B3"][data-status="held"][data-mine="true"]').waitFor();
    await expect(alice.locator('#countdown').textContent()).resolves.toMatch(/left to confirm/);
    await bob.locator('[data-seat="B3"][data-status="held"][data-mine="false"]').waitFor();

    await seat(bob, 'B3').click();
    await bob.locator('#message', { hasText: 'Someone else has that seat.' }).waitFor();

    await alice.locator('#confirm').click();
    await alice.locator('[data-seat="B3"][data-status="reserved"][data-mine="true"]').waitFor();
    await bob.locator('[data-seat="B3"][data-status="reserved"]').waitFor();
    await expect(alice.locator('#mine').textContent()).resolves.toContain('B3 — yours');
    // Stats are coalesced across the cluster (a few a second): wait for them, do not race.
    await bob.locator('#stats', { hasText: '1 reserved' }).waitFor();
    // Everything above ran under the page's Content-Security-Policy, which refused nothing.
    expect([...(cspViolations.get(alice) ?? []), ...(cspViolations.get(bob) ?? [])]).toEqual([]);

    await mkdir(ARTIFACTS, { recursive: true });
    const screenshot = await alice.screenshot({
      path: new URL('seat-map.png', ARTIFACTS).pathname,
    });
    expect(screenshot.byteLength).toBeGreaterThan(0);
  });

  it('sends the security headers, and takes the token out of the address bar but keeps the tab signed in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const token = await testbed.token('carol');
    const response = await page.goto(`${gateways[0]?.url}/#show=${show.showId}&token=${token}`);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await page.locator('#connection[data-state="connected"]').waitFor();

    expect(page.url()).toBe(`${gateways[0]?.url}/#show=${show.showId}`);
    expect(await page.evaluate(() => sessionStorage.getItem('holdfast.token'))).toBe(token);
    await page.reload();
    await page.locator('#connection[data-state="connected"]').waitFor();
    await page.locator('[data-seat="A1"]').waitFor();
    await expect(page.locator('#user').textContent()).resolves.toBe('signed in as carol');
    expect(page.url()).not.toContain('token');
    // Replaced, not pushed: no entry of the history holds the token either.
    await page.goBack();
    expect(page.url()).not.toContain('token');
  });

  it('explains a refused token in words', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gateways[0]?.url}/#show=${show.showId}&token=not-a-jwt`);
    await page.locator('#connection[data-state="failed"]').waitFor();
    await expect(page.locator('#message').textContent()).resolves.toMatch(/token was refused/);
  });
});
