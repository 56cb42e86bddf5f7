/**
 * How the page learns its show and token: `#show=<showId>&token=<jwt>` in the URL fragment
 * (never sent to a server), after which the token leaves the address bar for this tab's
 * sessionStorage; or, without them, the sign-in form.
 */
import { $ } from './words.ts';

/** Where this tab keeps its token once it has left the address bar. */
export const TOKEN_STORAGE_KEY = 'holdfast.token';

/** The show and token: the token from the fragment (which it then leaves) or this tab. */
export function readEntry(): { showId: string; token: string } {
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

/** The sign-in form: a show and a token, kept in this tab, then the page again. */
export function showLogin(): void {
  const form = $<HTMLFormElement>('login');
  form.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const show = ($<HTMLInputElement>('login-show').value || 'demo').trim();
    sessionStorage.setItem(TOKEN_STORAGE_KEY, $<HTMLInputElement>('login-token').value.trim());
    window.location.hash = `show=${encodeURIComponent(show)}`;
    window.location.reload();
  });
}
