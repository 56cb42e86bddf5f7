/**
 * The seat-map page: a thin view over the project's own client SDK. The SDK keeps the
 * versioned seat map and re-joins after a reconnect; this file draws it, turns clicks into
 * hold / confirm / release, and says what went wrong in words.
 *
 * The page reads `#show=<showId>&token=<jwt>` from its URL fragment (never sent to a server),
 * then takes the token out of the address bar (and so out of history, bookmarks and screen
 * shares) and keeps it in this tab's sessionStorage, so that reloading the page still works.
 */
import {
  connectHoldfast,
  type HoldfastClient,
  type MySeat,
  type SeatView,
  tokenClaims,
} from '../client/index.ts';
import { readEntry, showLogin, TOKEN_STORAGE_KEY } from './entry.ts';
import {
  $,
  ERROR_WORDS,
  numberOf,
  refusal,
  rowOf,
  say,
  seatName,
  seatWords,
  timeLeft,
} from './words.ts';

/**
 * The layout is only rows × seatsPerRow: it has no aisles. Rows wider than this get one
 * drawn in the middle, so that a long row is read as two blocks of seats and a seat number
 * is easier to find; it is drawing only, no seat is added or moved.
 */
const AISLE_AFTER_WIDTH = 10;

class SeatMapPage {
  readonly #client: HoldfastClient;
  readonly #showId: string;
  readonly #buttons = new Map<string, HTMLButtonElement>();
  /** The seats row by row, front (A) first, each row by seat number: for the arrow keys. */
  #grid: HTMLButtonElement[][] = [];
  readonly #place = new Map<HTMLButtonElement, { row: number; column: number }>();
  /** The seat in the map's one tab stop (roving tabindex). */
  #tabStop: HTMLButtonElement | undefined;
  /** The seat whose words the readout under the map shows, kept current as it changes. */
  #shown: HTMLButtonElement | undefined;
  /** The caller's seats at the last redraw, to tell them when a hold is gone. */
  #mineBefore = new Set<string>();
  /** Seats the caller is releasing, or was told are cancelled: their going is no surprise. */
  readonly #releasing = new Set<string>();
  #selected: string | undefined;
  #ticker: number | undefined;

  constructor(client: HoldfastClient, showId: string) {
    this.#client = client;
    this.#showId = showId;
  }

  async start(): Promise<void> {
    const connection = $('connection');
    this.#client.socket.on('connect', () => {
      connection.dataset.state = 'connected';
      connection.textContent = 'live';
    });
    this.#client.socket.on('disconnect', () => {
      connection.dataset.state = 'reconnecting';
      connection.textContent = 'reconnecting…';
    });
    this.#client.onSessionExpired((error) => {
      sessionStorage.removeItem(TOKEN_STORAGE_KEY);
      connection.dataset.state = 'expired';
      connection.textContent = 'session expired';
      say(ERROR_WORDS[error.code] ?? error.message);
    });
    try {
      await this.#client.ready();
    } catch (error) {
      connection.dataset.state = 'failed';
      connection.textContent = 'not connected';
      const code = (error as { code?: string }).code ?? 'UNAVAILABLE';
      // A refused token stays refused: the next load asks for another.
      if (code === 'UNAUTHENTICATED') sessionStorage.removeItem(TOKEN_STORAGE_KEY);
      say(ERROR_WORDS[code] ?? String(error));
      return;
    }
    connection.dataset.state = 'connected';
    connection.textContent = 'live';
    const joined = await this.#client.join(this.#showId);
    if (!joined.ok) {
      refusal(joined.error);
      return;
    }
    this.#drawMap(joined.show.seats);
    const map = $('seat-map');
    map.addEventListener('keydown', (event) => this.#onKey(event));
    map.addEventListener('focusin', (event) => this.#onFocus(event.target));
    map.addEventListener('mouseover', (event) => this.#show(event.target));
    this.#refresh();
    this.#client.onSeatChanged((change) => {
      if (change.showId === this.#showId) this.#refresh([change.seatId]);
    });
    this.#client.onSeatCancelled((notice) => {
      if (notice.showId !== this.#showId) return;
      if (this.#mineBefore.has(notice.seatId)) this.#releasing.add(notice.seatId);
      say(`The box office cancelled ${seatName(notice.seatId)}: ${notice.reason}`);
      this.#refresh([notice.seatId]);
    });
    this.#client.onStats(() => this.#drawStats());
    this.#client.onRejoin(({ showId, ack }) => {
      if (showId !== this.#showId) return;
      if (ack.ok) this.#refresh();
      else refusal(ack.error);
    });
    $('confirm').addEventListener('click', () => void this.#confirm());
    $('release').addEventListener('click', () => void this.#release());
  }

  /**
   * One flex row per seat row, between its labels: no inline styles (the CSP allows only
   * the stylesheet), so the layout is the stylesheet's, whatever the show's size.
   */
  #drawMap(seats: readonly SeatView[]): void {
    const rows = new Map<string, SeatView[]>();
    for (const seat of seats) {
      const row = rowOf(seat.seatId);
      rows.set(row, [...(rows.get(row) ?? []), seat]);
    }
    const map = $('seat-map');
    const width = Math.max(0, ...[...rows.values()].map((row) => row.length));
    // Numbers of three or four digits get a smaller type to stay inside their seat.
    map.classList.toggle('long-numbers', width >= 100);
    map.setAttribute('aria-label', `Seat map: ${rows.size} rows of ${width} seats`);
    map.replaceChildren();
    this.#grid = [];
    for (const [row, rowSeats] of rows) {
      const line = document.createElement('div');
      line.className = 'seat-row';
      line.append(rowLabel(row));
      const sorted = rowSeats.sort((a, b) => numberOf(a.seatId) - numberOf(b.seatId));
      const aisleAfter = sorted.length > AISLE_AFTER_WIDTH ? Math.ceil(sorted.length / 2) : -1;
      const buttons: HTMLButtonElement[] = [];
      for (const [column, seat] of sorted.entries()) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'seat';
        button.dataset.seat = seat.seatId;
        button.tabIndex = -1;
        button.textContent = String(numberOf(seat.seatId));
        button.addEventListener('click', () => void this.#click(seat.seatId));
        this.#buttons.set(seat.seatId, button);
        this.#place.set(button, { row: this.#grid.length, column });
        buttons.push(button);
        line.append(button);
        if (column + 1 === aisleAfter) {
          const aisle = document.createElement('span');
          aisle.className = 'aisle';
          line.append(aisle);
        }
      }
      line.append(rowLabel(row));
      this.#grid.push(buttons);
      map.append(line);
    }
    this.#moveTabStop(this.#grid[0]?.[0]);
  }

  /** Arrow keys move across the grid (Home / End: the row's ends; with Ctrl: the map's). */
  #onKey(event: KeyboardEvent): void {
    const at = this.#place.get(event.target as HTMLButtonElement);
    if (!at) return;
    const last = this.#grid.length - 1;
    const rowEnd = (row: number) => (this.#grid[row]?.length ?? 1) - 1;
    let { row, column } = at;
    switch (event.key) {
      case 'ArrowLeft':
        column = Math.max(0, column - 1);
        break;
      case 'ArrowRight':
        column = Math.min(rowEnd(row), column + 1);
        break;
      case 'ArrowUp':
        row = Math.max(0, row - 1);
        break;
      case 'ArrowDown':
        row = Math.min(last, row + 1);
        break;
      case 'Home':
        if (event.ctrlKey) row = 0;
        column = 0;
        break;
      case 'End':
        if (event.ctrlKey) row = last;
        column = rowEnd(row);
        break;
      default:
        return; // Enter and Space are the button's own: a click.
    }
    event.preventDefault();
    const target = this.#grid[row]?.[Math.min(column, rowEnd(row))];
    this.#moveTabStop(target);
    target?.focus();
  }

  #onFocus(target: EventTarget | null): void {
    const button = target as HTMLButtonElement;
    if (!this.#place.has(button)) return;
    this.#moveTabStop(button);
    // The time left in a hold's name is as of its last redraw: make it current on arrival.
    const seatId = button.dataset.seat ?? '';
    this.#label(seatId);
    this.#show(button);
  }

  #moveTabStop(button: HTMLButtonElement | undefined): void {
    if (!button || button === this.#tabStop) return;
    if (this.#tabStop) this.#tabStop.tabIndex = -1;
    button.tabIndex = 0;
    this.#tabStop = button;
  }

  /** The seat under the pointer or in focus, in words, under the map (not spoken: its name is). */
  #show(target: EventTarget | null | undefined): void {
    const button = target as HTMLButtonElement;
    if (!this.#place.has(button)) return;
    this.#shown = button;
    $('seat-readout').textContent = button.getAttribute('aria-label') ?? '';
  }

  /** Sets a seat's status attributes and accessible name; false if it is not on the map. */
  #label(seatId: string, mine?: ReadonlyMap<string, MySeat>): boolean {
    const button = this.#buttons.get(seatId);
    const seat = this.#client.seat(this.#showId, seatId);
    if (!button || !seat) return false;
    const own = (mine ?? this.#mineMap()).get(seatId);
    button.dataset.status = seat.status;
    button.dataset.mine = String(own !== undefined);
    button.setAttribute('aria-label', seatWords(seat, own));
    return true;
  }

  #mineMap(): Map<string, MySeat> {
    return new Map(this.#client.mine(this.#showId).map((seat) => [seat.seatId, seat]));
  }

  /** Redraws the given seats (all when omitted), the caller's seats and the selection. */
  #refresh(seatIds?: readonly string[]): void {
    const mine = this.#mineMap();
    for (const seatId of seatIds ?? [...this.#buttons.keys()]) this.#label(seatId, mine);
    // A seat of the caller's redrawn too: its name carries the time left.
    for (const seatId of mine.keys()) this.#label(seatId, mine);
    for (const seatId of this.#mineBefore) {
      if (mine.has(seatId) || this.#releasing.delete(seatId)) continue;
      this.#label(seatId, mine);
      say(`Your hold on ${seatName(seatId)} has ended: the seat is no longer yours.`);
    }
    this.#mineBefore = new Set(mine.keys());
    this.#show(this.#shown);
    this.#drawMine([...mine.values()]);
    this.#drawSelection(mine);
    this.#drawStats();
  }

  #drawStats(): void {
    const stats = this.#client.stats(this.#showId);
    if (stats) {
      $('stats').textContent =
        `${stats.available} available · ${stats.held} held · ${stats.reserved} reserved`;
    }
  }

  #drawMine(mine: readonly MySeat[]): void {
    const list = $('mine');
    list.replaceChildren(
      ...mine.map((seat) => {
        const item = document.createElement('li');
        item.textContent = `${seat.seatId} — ${seat.status === 'reserved' ? 'yours' : 'held'}`;
        return item;
      }),
    );
    if (mine.length === 0) list.textContent = 'none yet: pick an available seat';
  }

  #drawSelection(mine: ReadonlyMap<string, MySeat>): void {
    for (const [seatId, button] of this.#buttons)
      button.classList.toggle('selected', seatId === this.#selected);
    const seat = this.#selected ? mine.get(this.#selected) : undefined;
    const panel = $('selection');
    window.clearInterval(this.#ticker);
    if (!seat) {
      panel.hidden = true;
      $('no-selection').hidden = false;
      return;
    }
    panel.hidden = false;
    $('no-selection').hidden = true;
    $('selection-title').textContent = `Seat ${seat.seatId}`;
    const held = seat.status === 'held';
    $('confirm').hidden = !held;
    $('release').hidden = !held;
    const countdown = $('countdown');
    if (!held || seat.expiresAt === undefined) {
      countdown.textContent = 'Reserved for you.';
      return;
    }
    const expiresAt = seat.expiresAt;
    const tick = () => {
      countdown.textContent = `Held for you: ${timeLeft(expiresAt)} left to confirm`;
    };
    tick();
    this.#ticker = window.setInterval(tick, 1000);
  }

  async #click(seatId: string): Promise<void> {
    const mine = this.#client.mine(this.#showId).some((seat) => seat.seatId === seatId);
    if (mine) {
      this.#selected = seatId;
      this.#refresh([]);
      return;
    }
    // The worker decides, not the page: a seat that looks taken may have just been released.
    const ack = await this.#client.hold(this.#showId, seatId);
    if (!ack.ok) {
      refusal(ack.error);
      return;
    }
    this.#selected = seatId;
    say(`${seatName(seatId)} is held for you. Confirm it before the time runs out.`, 'ok');
    this.#refresh([seatId]);
  }

  #selectedHold(): MySeat | undefined {
    return this.#client
      .mine(this.#showId)
      .find((seat) => seat.seatId === this.#selected && seat.holdId);
  }

  async #confirm(): Promise<void> {
    const seat = this.#selectedHold();
    if (!seat?.holdId) return;
    const ack = await this.#client.confirm(this.#showId, seat.seatId, seat.holdId);
    if (ack.ok) say(`${seatName(seat.seatId)} is yours.`, 'ok');
    else refusal(ack.error);
    this.#refresh([seat.seatId]);
  }

  async #release(): Promise<void> {
    const seat = this.#selectedHold();
    if (!seat?.holdId) return;
    this.#releasing.add(seat.seatId);
    const ack = await this.#client.release(this.#showId, seat.seatId, seat.holdId);
    if (ack.ok) say(`${seatName(seat.seatId)} released.`, 'ok');
    else {
      this.#releasing.delete(seat.seatId);
      refusal(ack.error);
    }
    this.#selected = undefined;
    this.#refresh([seat.seatId]);
  }
}

/** A row's letter, at each end of it: the seats' names carry the row for a screen reader. */
function rowLabel(row: string): HTMLSpanElement {
  const label = document.createElement('span');
  label.className = 'row-label';
  label.setAttribute('aria-hidden', 'true');
  label.textContent = row;
  return label;
}

function main(): void {
  const { showId, token } = readEntry();
  if (!showId || !token) {
    showLogin();
    return;
  }
  $('show-name').textContent = showId;
  // Not a readable JWT: nothing shown, and the gateway will say so.
  const sub = tokenClaims(token)?.sub;
  $('user').textContent = typeof sub === 'string' ? `signed in as ${sub}` : '';
  const client = connectHoldfast({ url: window.location.origin, token });
  void new SeatMapPage(client, showId).start();
}

main();
