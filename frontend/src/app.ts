// The application shell: who is signed in, the header that follows from it, and rendering
// each page into main#maincontent with its title and focus.
import { html, render, type TemplateResult } from 'lit-html';
import { api, call, type Member, type Problem } from './api/client';
import { currentNavHref, navLinks, type NavLink } from './nav';
import { initComponents } from './nhsuk';
import { isInternalLink, matchRoute } from './router';
import { routes, type Access, type PageContext } from './routes';
import { canAdminister, canCurate, canModerate } from './nav';
import { cantSeePage, notFoundPage } from './pages/errors';
import { setUnreadNotifications } from './nav';
import { NOTIFICATIONS_CHANGED } from './pages/notifications';
import { attachHeaderSearch } from './search/header';

export const SERVICE_NAME = 'Partners in Practice';

export function pageTitle(title: string): string {
  return title ? `${title} - ${SERVICE_NAME}` : SERVICE_NAME;
}

let member: Member | null = null;
let headerKey = '';
let navigationId = 0;
// Fragment links (the skip link, error summary links) fire popstate too; only a new path or
// query is a new page.
let routedUrl = '';

const main = () => document.getElementById('maincontent') as HTMLElement;

function headerTemplate(links: NavLink[], current: string | null): TemplateResult {
  return html`<header class="nhsuk-header" data-module="nhsuk-header" role="banner" id="app-header">
    <div class="nhsuk-header__container nhsuk-width-container">
      <div class="nhsuk-header__service">
        <a class="nhsuk-header__service-logo" href="/" aria-label="NHS ${SERVICE_NAME} homepage">
          <svg class="nhsuk-header__logo" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80" height="40" width="100" focusable="false" role="img" aria-label="NHS">
            <title>NHS</title>
            <path fill="currentcolor" d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z" />
          </svg>
          <span class="nhsuk-header__service-name">${SERVICE_NAME}</span>
        </a>
      </div>
      <search class="nhsuk-header__search">
        <form class="nhsuk-header__search-form" id="search" action="/search" method="get" novalidate>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label nhsuk-u-visually-hidden" for="search-field">Search ${SERVICE_NAME}</label>
            <div class="nhsuk-input-wrapper">
              <input class="nhsuk-input" id="search-field" name="q" type="search" autocomplete="off" placeholder="Search" />
              <button class="nhsuk-button nhsuk-button--icon nhsuk-button--small" data-module="nhsuk-button" type="submit" aria-label="Search">
                <svg class="nhsuk-icon nhsuk-icon--search" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">
                  <path d="m20.7 18.9-4.1-4.1a7 7 0 1 0-1.4 1.4l4 4.1a1 1 0 0 0 1.5 0c.4-.4.4-1 0-1.4ZM6 10.6a5 5 0 1 1 10 0 5 5 0 0 1-10 0Z" />
                </svg>
              </button>
            </div>
          </div>
        </form>
      </search>
    </div>
    <nav class="nhsuk-header__navigation" aria-label="Menu">
      <div class="nhsuk-header__navigation-container nhsuk-width-container">
        <ul class="nhsuk-header__navigation-list">
          ${links.map((l) => navItem(l, l.href === current))}
          <li class="nhsuk-header__menu" hidden>
            <button class="nhsuk-header__menu-toggle nhsuk-header__navigation-link" id="toggle-menu" aria-expanded="false">
              <span class="nhsuk-u-visually-hidden">Browse </span>More
            </button>
          </li>
        </ul>
      </div>
    </nav>
  </header>`;
}

function navItem(link: NavLink, current: boolean): TemplateResult {
  return current
    ? html`<li class="nhsuk-header__navigation-item nhsuk-header__navigation-item--current">
        <a class="nhsuk-header__navigation-link" href=${link.href} aria-current="page"
          ><strong class="nhsuk-header__navigation-item-current-fallback">${link.text}</strong></a
        >
      </li>`
    : html`<li class="nhsuk-header__navigation-item">
        <a class="nhsuk-header__navigation-link" href=${link.href}>${link.text}</a>
      </li>`;
}

/**
 * Replaces the header with a fresh one when the links or the current one change. The header
 * component is started once per header element, so a new element is rendered each time.
 */
function renderHeader(pathname: string): void {
  const links = navLinks(member);
  const current = currentNavHref(links, pathname);
  const key = JSON.stringify([links, current]);
  if (key === headerKey) return;
  headerKey = key;
  const fragment = document.createDocumentFragment();
  render(headerTemplate(links, current), fragment);
  const fresh = fragment.querySelector('header');
  const old = document.getElementById('app-header');
  if (!fresh || !old) return;
  // Keep what was typed in the search box when the header changes under it.
  const oldInput = old.querySelector<HTMLInputElement>('#search-field');
  const typing = !!oldInput && document.activeElement === oldInput;
  old.replaceWith(fresh);
  initComponents(fresh.parentElement ?? document);
  const input = fresh.querySelector<HTMLInputElement>('#search-field');
  if (input && oldInput?.value) input.value = oldInput.value;
  attachHeaderSearch(fresh, (to) => navigate(to));
  if (typing) input?.focus();
}

function allowed(access: Access, who: Member | null): 'ok' | 401 | 403 {
  if (access === 'anyone') return 'ok';
  if (!who) return 401;
  if (access === 'curator' && !canCurate(who)) return 403;
  if (access === 'moderator' && !canModerate(who)) return 403;
  if (access === 'admin' && !canAdminister(who)) return 403;
  return 'ok';
}

export function currentMember(): Member | null {
  return member;
}

export function setMember(next: Member | null): void {
  member = next;
  void learnModeratedSpaces(next);
  renderHeader(location.pathname);
}

/**
 * `GET /api/me` says which spaces a member moderates (`moderates_spaces`); other answers that
 * carry the member (signing in, saving the profile) don't, so ask once more for it.
 */
async function learnModeratedSpaces(who: Member | null): Promise<void> {
  if (!who || who.moderates_spaces !== undefined || who.status !== 'active' || canModerate(who)) return;
  const res = await call(api.GET('/me'));
  if (member !== who || !res.ok || res.data.id !== who.id) return;
  member = { ...who, moderates_spaces: res.data.moderates_spaces ?? [] };
  renderHeader(location.pathname);
}

export async function refreshMember(): Promise<Member | null> {
  const res = await call(api.GET('/me'));
  setMember(res.ok ? res.data : null);
  return member;
}

/** Asks for the unread notifications count and shows it in the header. */
async function refreshUnread(): Promise<void> {
  if (member?.status !== 'active') return setUnreadNotifications(null);
  const res = await call(api.GET('/notifications', { params: { query: { limit: 1 } } }));
  setUnreadNotifications(res.ok ? res.data.unread_count : null);
  renderHeader(location.pathname);
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  void route();
}

function makeContext(params: Record<string, string>): PageContext {
  const id = ++navigationId;
  let shown = false;
  const ctx: PageContext = {
    params,
    query: new URLSearchParams(location.search),
    path: location.pathname,
    get member() {
      return member;
    },
    isCurrent: () => id === navigationId,
    show(title: string, content: TemplateResult) {
      if (id !== navigationId) return;
      document.title = pageTitle(title);
      const target = main();
      render(content, target);
      initComponents(target);
      if (!shown) {
        shown = true;
        focusHeading(target);
      }
    },
    focusErrorSummary() {
      const summary = main().querySelector<HTMLElement>('.nhsuk-error-summary');
      if (summary) {
        summary.focus();
        summary.scrollIntoView?.({ block: 'start' });
      }
    },
    focusHeading() {
      const heading = main().querySelector<HTMLElement>('h1');
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.classList.add('app-focus-target');
        heading.focus();
      }
    },
    navigate,
    setMember,
    refreshMember,
    showProblem(problem: Problem) {
      if (problem.status === 401 || problem.status === 403) {
        if (problem.status === 401) setMember(null);
        cantSeePage(ctx, problem.status);
      } else if (problem.status === 404) {
        notFoundPage(ctx);
      } else {
        ctx.show(problem.title, html`<h1 tabindex="-1">${problem.title}</h1>
          <p>${problem.detail ?? 'Try again later.'}</p>
          <p><a href="/">Go to the home page</a></p>`);
      }
    },
  };
  return ctx;
}

function focusHeading(target: HTMLElement): void {
  const summary = target.querySelector<HTMLElement>('.nhsuk-error-summary');
  const heading = target.querySelector<HTMLElement>('h1');
  const el = summary ?? heading ?? target;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  if (el !== summary) el.classList.add('app-focus-target');
  el.focus({ preventScroll: false });
}

export async function route(): Promise<void> {
  routedUrl = location.pathname + location.search;
  const match = matchRoute(routes, location.pathname);
  renderHeader(location.pathname);
  void refreshUnread();
  const ctx = makeContext(match?.params ?? {});
  window.scrollTo(0, 0);
  if (!match) {
    notFoundPage(ctx);
    return;
  }
  const verdict = allowed(match.route.access, member);
  if (verdict !== 'ok') {
    cantSeePage(ctx, verdict);
    return;
  }
  try {
    await match.route.page(ctx);
  } catch (error) {
    console.warn('page failed', error);
    ctx.showProblem({ type: 'about:blank', title: 'Sorry, there is a problem with the service', status: 500, detail: 'Try again later.' });
  }
}

export async function start(): Promise<void> {
  document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
  initComponents(document);
  document.addEventListener('click', (event) => {
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || !(anchor instanceof HTMLAnchorElement)) return;
    if (!isInternalLink(anchor, event, location.origin)) return;
    event.preventDefault();
    const url = new URL(anchor.href);
    navigate(url.pathname + url.search + url.hash);
  });
  window.addEventListener('popstate', () => {
    if (location.pathname + location.search !== routedUrl) void route();
  });
  window.addEventListener(NOTIFICATIONS_CHANGED, () => void refreshUnread());
  await refreshMember();
  await route();
}
