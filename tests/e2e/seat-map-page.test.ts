/**
 * The seat-map page in real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): two browser contexts as two users on two gateways. A holds, B sees it
 * held and is refused; A confirms, both see it reserved. Then, on a 20 × 30 show, the map's
 * legibility (gaps, row labels, aisle, stage, legend), its keyboard and screen-reader use,
 * and a phone-sized window. Screenshots are saved under tests/artifacts/.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShowDefinition } from '../../src/contract/shows.ts';
import type { GatewayHandle } from '../../src/gateway/gateway.ts';
import { cancelSeats } from '../../src/kafka/seat-cancellation.ts';
import { GatewayTestbed } from '../integration/gateway/gateway-testbed.ts';

const CHROMIUM = process.env.HOLDFAST_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);

let testbed: GatewayTestbed;
let browser: Browser;
let show: ShowDefinition;
/** The demo's size: `npm start` makes a show of 20 rows × 30 seats. */
let bigShow: ShowDefinition;
let gateways: GatewayHandle[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set HOLDFAST_CHROMIUM.`,
    );
  }
  testbed = await GatewayTestbed.create(3);
  show = await testbed.bed.createShow({ rows: 4, seatsPerRow: 8, holdTtlMs: 120_000 });
  bigShow = await testbed.bed.createShow({ rows: 20, seatsPerRow: 30, holdTtlMs: 300_000 });
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

const DESKTOP = { width: 1100, height: 640 };
const PHONE = { width: 390, height: 844 };

async function openAs(
  userId: string,
  gateway: GatewayHandle,
  { on = show, viewport = DESKTOP } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch: viewport === PHONE });
  const page = await context.newPage();
  const violations: string[] = [];
  cspViolations.set(page, violations);
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  const token = await testbed.token(userId);
  await page.goto(`${gateway.url}/#show=${on.showId}&token=${token}`);
  await page.locator('#connection[data-state="connected"]').waitFor();
  await page.locator('[data-seat="A1"][data-status]').waitFor();
  return page;
}

const seat = (page: Page, seatId: string) => page.locator(`[data-seat="${seatId}"]`);

async function box(page: Page, selector: string) {
  const found = await page.locator(selector).first().boundingBox();
  if (!found) throw new Error(`${selector} is not on screen`);
  return found;
}

const seatBox = (page: Page, seatId: string) => box(page, `[data-seat="${seatId}"]`);

/** The data-seat of the focused element, if it is a seat. */
const focusedSeat = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.seat);

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const image = await page.screenshot({ path: new URL(name, ARTIFACTS).pathname, fullPage: true });
  expect(image.byteLength).toBeGreaterThan(0);
}

describe('seat-map page', () => {
  it('tells the holder in words when the box office cancels their seat', async () => {
    const alice = await openAs('alice', gateways[0] as GatewayHandle);
    await seat(alice, 'D8').click();
    await alice.locator('[data-seat="D8"][data-status="held"][data-mine="true"]').waitFor();
    const [outcome] = await cancelSeats({
      kafka: testbed.bed.kafka,
      topics: testbed.bed.topics,
      groupPrefix: testbed.bed.prefix,
      showId: show.showId,
      seatIds: ['D8'],
      reason: 'double booking',
      operator: 'ops',
      commandId: 'page-cancel',
      timeoutMs: 30_000,
    });
    expect(outcome).toMatchObject({ outcome: 'cancelled', ownerId: 'alice' });
    await alice
      .locator('#message', { hasText: 'The box office cancelled Row D, seat 8: double booking' })
      .waitFor();
    await alice.locator('[data-seat="D8"][data-status="available"]').waitFor();
    await expect(alice.locator('#mine').textContent()).resolves.not.toContain('D8');
  });

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
    // The readout under the map follows the seat last pointed at as it changes.
    await alice.locator('#seat-readout', { hasText: 'Row B, seat 3, reserved by you' }).waitFor();
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

  it('tells seats apart: gaps, a row label at each end, an aisle in a wide row, the stage in front, a legend', async () => {
    const dave = await openAs('dave', gateways[0] as GatewayHandle, { on: bigShow });
    const a1 = await seatBox(dave, 'A1');
    const a2 = await seatBox(dave, 'A2');
    const b1 = await seatBox(dave, 'B1');
    const a15 = await seatBox(dave, 'A15');
    const a16 = await seatBox(dave, 'A16');
    // Neighbours do not touch, across a row or between rows.
    const gap = a2.x - (a1.x + a1.width);
    expect(gap).toBeGreaterThanOrEqual(3);
    expect(b1.y - (a1.y + a1.height)).toBeGreaterThanOrEqual(3);
    expect(Math.abs(a2.y - a1.y)).toBeLessThan(1);
    // A 30-seat row has an aisle in the middle, wider than the gaps: after seat 15.
    expect(a16.x - (a15.x + a15.width)).toBeGreaterThan(2 * gap);
    // The seat number inside the seat, and the whole name under the pointer.
    await expect(seat(dave, 'A12').textContent()).resolves.toBe('12');
    await seat(dave, 'C7').hover();
    await dave.locator('#seat-readout', { hasText: 'Row C, seat 7, available' }).waitFor();
    // A label at each row's start and end.
    await expect(
      dave.locator('.seat-row').nth(1).locator('.row-label').allTextContents(),
    ).resolves.toEqual(['B', 'B']);
    await expect(dave.locator('.row-label').count()).resolves.toBe(40);
    const [startLabel, endLabel] = await Promise.all([
      dave.locator('.seat-row').first().locator('.row-label').first().boundingBox(),
      dave.locator('.seat-row').first().locator('.row-label').last().boundingBox(),
    ]);
    expect((startLabel?.x ?? Infinity) + (startLabel?.width ?? 0)).toBeLessThanOrEqual(a1.x);
    expect(endLabel?.x ?? 0).toBeGreaterThanOrEqual((await seatBox(dave, 'A30')).x);
    // The stage is above row A, the front.
    const stage = await box(dave, '.stage');
    expect(stage.y + stage.height).toBeLessThanOrEqual(a1.y);
    await expect(dave.locator('.stage').textContent()).resolves.toMatch(/stage/i);
    // The legend names the five looks, and tells them apart without colour: with colours
    // taken out, each look's pattern, edge and corner mark still differ.
    const legend = await dave.locator('.legend li').allTextContents();
    expect(legend.map((text) => text.trim())).toEqual([
      'available',
      'held',
      'held by you',
      'reserved',
      'reserved by you',
    ]);
    const looks = await dave.locator('.legend .swatch').evaluateAll((swatches) =>
      swatches.map((swatch) => {
        const style = getComputedStyle(swatch);
        const mark = getComputedStyle(swatch, '::after').content;
        const pattern = style.backgroundImage.replace(/rgba?\([^)]*\)/g, 'colour');
        return `${pattern} ${style.borderTopStyle} ${style.borderTopWidth} ${mark}`;
      }),
    );
    expect(new Set(looks).size).toBe(5);
    expect(cspViolations.get(dave)).toEqual([]);
  });

  it('names each seat for a screen reader, moves across the map with the arrow keys, and holds with Enter or Space', async () => {
    const erin = await openAs('erin', gateways[1] as GatewayHandle, { on: bigShow });
    // Someone else's hold and reservation, for the names (and the screenshot) to show.
    const frank = await testbed.client('frank', (gateways[0] as GatewayHandle).url);
    await frank.join(bigShow.showId);
    const held = await frank.hold(bigShow.showId, 'D10');
    const taken = await frank.hold(bigShow.showId, 'D11');
    expect(held.ok && taken.ok).toBe(true);
    if (taken.ok) await frank.confirm(bigShow.showId, 'D11', taken.holdId);

    // Every seat's accessible name says its row, number and status.
    await erin.getByRole('button', { name: 'Row B, seat 3, available', exact: true }).waitFor();
    await erin.getByRole('button', { name: 'Row D, seat 10, held', exact: true }).waitFor();
    await erin.getByRole('button', { name: 'Row D, seat 11, reserved', exact: true }).waitFor();
    const names = await erin
      .locator('[data-seat]')
      .evaluateAll((seats) =>
        seats.map((seat) => [
          (seat as HTMLElement).dataset.seat,
          (seat as HTMLElement).dataset.status,
          seat.getAttribute('aria-label'),
        ]),
      );
    expect(names).toHaveLength(600);
    for (const [seatId, status, name] of names) {
      const [, row, number] = /^([A-Z]+)([0-9]+)$/.exec(seatId ?? '') ?? [];
      expect(name).toBe(`Row ${row}, seat ${number}, ${status}`);
    }
    const snapshot = await erin.locator('#seat-map').ariaSnapshot();
    expect(snapshot).toContain('group "Seat map: 20 rows of 30 seats"');
    expect(snapshot).toContain('button "Row T, seat 30, available"');

    // One tab stop for the whole map (roving tabindex): Tab enters it at A1, Tab leaves it.
    await expect(erin.locator('#seat-map [tabindex="0"]').count()).resolves.toBe(1);
    await erin.keyboard.press('Tab');
    await expect(focusedSeat(erin)).resolves.toBe('A1');
    for (const [key, seatId] of [
      ['ArrowRight', 'A2'],
      ['ArrowDown', 'B2'],
      ['ArrowRight', 'B3'],
      ['ArrowUp', 'A3'],
      ['ArrowLeft', 'A2'],
      ['ArrowDown', 'B2'],
      ['End', 'B30'],
      ['ArrowRight', 'B30'],
      ['Home', 'B1'],
      ['ArrowRight', 'B2'],
      ['ArrowRight', 'B3'],
    ] as const) {
      await erin.keyboard.press(key);
      await expect(focusedSeat(erin), `${key} → ${seatId}`).resolves.toBe(seatId);
    }
    await expect(erin.locator('#seat-map [tabindex="0"]').getAttribute('data-seat')).resolves.toBe(
      'B3',
    );

    // Enter holds the focused seat; the name and the polite live region say so.
    await erin.keyboard.press('Enter');
    await erin.locator('[data-seat="B3"][data-status="held"][data-mine="true"]').waitFor();
    await expect(seat(erin, 'B3').getAttribute('aria-label')).resolves.toMatch(
      /^Row B, seat 3, held by you, [45]:[0-5][0-9] left$/,
    );
    await expect(erin.locator('#message').getAttribute('aria-live')).resolves.toBe('polite');
    await erin.locator('#message', { hasText: 'Row B, seat 3 is held for you.' }).waitFor();
    await expect(focusedSeat(erin)).resolves.toBe('B3');

    // Space too; then Confirm makes that one reserved by the caller.
    await erin.keyboard.press('ArrowRight');
    await erin.keyboard.press(' ');
    await erin.locator('[data-seat="B4"][data-status="held"][data-mine="true"]').waitFor();
    await erin.locator('#confirm').click();
    await erin.locator('[data-seat="B4"][data-status="reserved"][data-mine="true"]').waitFor();
    await erin
      .getByRole('button', { name: 'Row B, seat 4, reserved by you', exact: true })
      .waitFor();
    await erin.locator('#stats', { hasText: '2 reserved' }).waitFor();

    await seat(erin, 'C7').hover();
    await screenshot(erin, 'seat-map-desktop.png');
    expect(cspViolations.get(erin)).toEqual([]);
  });

  it('fits a phone: the map scrolls sideways in its frame, the page does not, seats stay touch-sized', async () => {
    // erin again, on a phone: her hold and reservation from the test above show as hers.
    const phone = await openAs('erin', gateways[0] as GatewayHandle, {
      on: bigShow,
      viewport: PHONE,
    });
    await phone.locator('[data-seat="B4"][data-status="reserved"][data-mine="true"]').waitFor();
    const widths = await phone.evaluate(() => {
      const scroller = document.querySelector('.map-scroll') as HTMLElement;
      return {
        page: document.documentElement.scrollWidth,
        window: window.innerWidth,
        map: scroller.scrollWidth,
        frame: scroller.clientWidth,
      };
    });
    expect(widths.page).toBeLessThanOrEqual(widths.window);
    expect(widths.map).toBeGreaterThan(widths.frame);
    const a1 = await seatBox(phone, 'A1');
    expect(a1.width).toBeGreaterThanOrEqual(24);
    expect(a1.height).toBeGreaterThanOrEqual(24);
    // The parts of the page stand one under the other, inside the window, none over another.
    const parts = await Promise.all(
      ['header', 'aside', '#map-help', '.map-scroll', '.legend'].map((selector) =>
        box(phone, selector),
      ),
    );
    for (const [index, part] of parts.entries()) {
      expect(part.x).toBeGreaterThanOrEqual(0);
      expect(part.x + part.width).toBeLessThanOrEqual(PHONE.width);
      const above = parts[index - 1];
      if (above) expect(part.y).toBeGreaterThanOrEqual(above.y + above.height);
    }
    // The keyboard's focus scrolls the frame to the far end of a row.
    await seat(phone, 'A1').focus();
    await phone.keyboard.press('End');
    await expect(focusedSeat(phone)).resolves.toBe('A30');
    await expect(
      phone.locator('.map-scroll').evaluate((frame) => frame.scrollLeft),
    ).resolves.toBeGreaterThan(0);
    // A tap holds; the held seat's panel is at the bottom of the window, within reach.
    await phone.locator('.map-scroll').evaluate((frame) => {
      frame.scrollLeft = 0;
    });
    await seat(phone, 'A5')
      .tap()
      .catch(() => seat(phone, 'A5').click());
    await phone.locator('[data-seat="A5"][data-status="held"][data-mine="true"]').waitFor();
    const panel = await box(phone, '#selection');
    expect(panel.y + panel.height).toBeLessThanOrEqual(PHONE.height + 1);
    await expect(
      phone.evaluate(() => document.documentElement.scrollWidth),
    ).resolves.toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone, 'seat-map-phone.png');
    expect(cspViolations.get(phone)).toEqual([]);
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
