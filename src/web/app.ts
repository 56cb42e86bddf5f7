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
  type HandshakeErrorData,
  type HoldfastClient,
  type HoldfastSessionExpiredError,
  type MySeat,
  type PublicErrorCode,
  type SeatView,
  tokenClaims,
} from '../client/index.ts';

/** Words for every code the page can meet: a new code fails the type check until it has some. */
const ERROR_WORDS: Readonly<Record<string, string>> = {
  SEAT_TAKEN: 'Someone else has that seat.',
  NOT_HOLDER: 'That hold is not yours.',
  HOLD_EXPIRED: 'Your hold expired before that reached us.',
  UNKNOWN_SHOW: 'This show does not exist.',
  UNKNOWN_SEAT: 'That seat does not exist.',
  INVALID_PAYLOAD: 'The page sent something the service could not read.',
  RATE_LIMITED: 'Too many clicks at once — wait a moment and try again.',
  TIMEOUT: 'No answer in time. The map re-syncs; try again.',
  UNAVAILABLE: 'The service is catching up. Try again in a few seconds.',
  UNAUTHENTICATED: 'Your token was refused (missing, expired or signed with another secret).',
  SESSION_EXPIRED: 'Your session expired. Open the page again with a fresh token.',
} satisfies Record<
  PublicErrorCode | HandshakeErrorData['code'] | HoldfastSessionExpiredError['code'],
  string
>;

/** Where this tab keeps its token once it has left the address bar. */
const TOKEN_STORAGE_KEY = 'holdfast.token';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function say(text: string, kind: 'ok' | 'error' = 'error'): void {
  const message = $('message');
  message.textContent = text;
  message.dataset.kind = kind;
}

function refusal(error: { code: string; message: string }): void {
  say(ERROR_WORDS[error.code] ?? `${error.code}: ${error.message}`);
}

function rowOf(seatId: string): string {
  return /^[A-Z]+/.exec(seatId)?.[0] ?? '';
}

function numberOf(seatId: string): number {
  return Number(/[0-9]+$/.exec(seatId)?.[0] ?? 0);
}

class SeatMapPage {
  readonly #client: HoldfastClient;
  readonly #showId: string;
  readonly #buttons = new Map<string, HTMLButtonElement>();
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
    this.#refresh();
    this.#client.onSeatChanged((change) => {
      if (change.showId === this.#showId) this.#refresh([change.seatId]);
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

  #drawMap(seats: readonly SeatView[]): void {
    const rows = new Map<string, SeatView[]>();
    for (const seat of seats) {
      const row = rowOf(seat.seatId);
      rows.set(row, [...(rows.get(row) ?? []), seat]);
    }
    const width = Math.max(...[...rows.values()].map((row) => row.length));
    const map = $('seat-map');
    map.style.gridTemplateColumns = `2rem repeat(${width}, 22px)`;
    map.replaceChildren();
    for (const [row, rowSeats] of rows) {
      const label = document.createElement('span');
      label.className = 'row-label';
      label.textContent = row;
      map.append(label);
      for (const seat of rowSeats.sort((a, b) => numberOf(a.seatId) - numberOf(b.seatId))) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'seat';
        button.dataset.seat = seat.seatId;
        button.title = seat.seatId;
        button.addEventListener('click', () => void this.#click(seat.seatId));
        this.#buttons.set(seat.seatId, button);
        map.append(button);
      }
    }
  }

  /** Redraws the given seats (all when omitted), the caller's seats and the selection. */
  #refresh(seatIds?: readonly string[]): void {
    const mine = new Map(this.#client.mine(this.#showId).map((seat) => [seat.seatId, seat]));
    for (const seatId of seatIds ?? [...this.#buttons.keys()]) {
      const button = this.#buttons.get(seatId);
      const seat = this.#client.seat(this.#showId, seatId);
      if (!button || !seat) continue;
      button.dataset.status = seat.status;
      button.dataset.mine = String(mine.has(seatId));
      button.setAttribute(
        'aria-label',
        `${seatId} ${seat.status}${mine.has(seatId) ? ', yours' : ''}`,
      );
    }
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
    if (mine.length === 0) list.textContent = 'none yet: click a green seat';
  }

  #drawSelection(mine: ReadonlyMap<string, MySeat>): void {
    for (const [seatId, button] of this.#buttons)
      button.setAttribute('aria-pressed', String(seatId === this.#selected));
    const seat = this.#selected ? mine.get(this.#selected) : undefined;
    const panel = $('selection');
    window.clearInterval(this.#ticker);
    if (!seat) {
      panel.hidden = true;
      return;
    }
    panel.hidden = false;
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
      const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
      countdown.textContent = `Held for you: ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left to confirm`;
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
    say(`Seat ${seatId} is held for you. Confirm it before the time runs out.`, 'ok');
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
    if (ack.ok) say(`Seat ${seat.seatId} is yours.`, 'ok');
    else refusal(ack.error);
    this.#refresh([seat.seatId]);
  }

  async #release(): Promise<void> {
    const seat = this.#selectedHold();
    if (!seat?.holdId) return;
    const ack = await this.#client.release(this.#showId, seat.seatId, seat.holdId);
    if (ack.ok) say(`Seat ${seat.seatId} released.`, 'ok');
    else refusal(ack.error);
    this.#selected = undefined;
    this.#refresh([seat.seatId]);
  }
}

/** The show and token: the token from the fragment (which it then leaves) or this tab. */
function readEntry(): { showId: string; token: string } {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    params.delete('token');
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', `${pathname}${search}#${params}`);
  }
  return {
    showId: params.get('show') ?? '',
    token: fromUrl ?? sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? '',
  };
}

function main(): void {
  const { showId, token } = readEntry();
  if (!showId || !token) {
    const form = $<HTMLFormElement>('login');
    form.hidden = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const show = ($<HTMLInputElement>('login-show').value || 'demo').trim();
      sessionStorage.setItem(TOKEN_STORAGE_KEY, $<HTMLInputElement>('login-token').value.trim());
      window.location.hash = `show=${encodeURIComponent(show)}`;
      window.location.reload();
    });
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
