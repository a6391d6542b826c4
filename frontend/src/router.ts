// Client-side routing over the History API: path patterns with `:params`, and link clicks
// inside the app turned into in-page navigation.

export interface Match<T> {
  route: T;
  params: Record<string, string>;
}

export interface Route {
  path: string;
}

/** Finds the first route whose pattern matches `pathname`; `:name` segments capture. */
export function matchRoute<T extends Route>(routes: readonly T[], pathname: string): Match<T> | null {
  const clean = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const parts = clean.split('/');
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let matched = true;
    for (let i = 0; i < pattern.length; i++) {
      const want = pattern[i];
      const got = parts[i];
      if (want.startsWith(':')) {
        if (!got) {
          matched = false;
          break;
        }
        try {
          params[want.slice(1)] = decodeURIComponent(got);
        } catch {
          matched = false;
          break;
        }
      } else if (want !== got) {
        matched = false;
        break;
      }
    }
    if (matched) return { route, params };
  }
  return null;
}

/**
 * Decides whether a click on a link should be handled in the page: same origin, plain left
 * click, no target or download, and not an API or file path the server answers itself.
 */
export function isInternalLink(anchor: HTMLAnchorElement, event: MouseEvent, origin: string): boolean {
  if (event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (anchor.target && anchor.target !== '_self') return false;
  if (anchor.hasAttribute('download')) return false;
  const raw = anchor.getAttribute('href');
  if (!raw || raw.startsWith('#')) return false;
  let url: URL;
  try {
    url = new URL(anchor.href, origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  if (url.pathname.startsWith('/api/') || url.pathname === '/api') return false;
  return true;
}

/** Keeps only same-origin, in-app paths, so `?next=` can't send someone elsewhere. */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/api')) return fallback;
  return next;
}
