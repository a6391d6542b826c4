// The spaces: the list of regional communities and topic spaces, and one space's threads with
// sort tabs, markers, paging, a tag filter (`?tag=`) and watching the space.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type Space, type ThreadSummary } from '../api/client';
import { button, errorSummary, NO_ERRORS, problemToFormErrors, type FormErrors } from '../forms';
import { markerTags, replyCountText, threadMarkers } from '../forum/markers';
import { setWatching, watchButton } from '../forum/watch';
import { takeFlash } from '../forum/flash';
import type { PageContext } from '../routes';
import { backLink, formatDateTime, successBanner } from '../ui';

export type Sort = 'activity' | 'new' | 'unanswered';

export const SORTS: { value: Sort; text: string }[] = [
  { value: 'activity', text: 'Recent activity' },
  { value: 'new', text: 'Newest' },
  { value: 'unanswered', text: 'Unanswered' },
];

export function parseSort(raw: string | null): Sort {
  return SORTS.some((s) => s.value === raw) ? (raw as Sort) : 'activity';
}

export function spacePath(slug: string, sort: Sort = 'activity', tag?: string | null): string {
  const base = `/spaces/${encodeURIComponent(slug)}`;
  const query = new URLSearchParams();
  if (sort !== 'activity') query.set('sort', sort);
  if (tag) query.set('tag', tag);
  const q = query.toString();
  return q ? `${base}?${q}` : base;
}

export function threadCountText(n: number): string {
  return n === 1 ? '1 thread' : `${n} threads`;
}

function spaceCard(s: Space): TemplateResult {
  return html`<li class="nhsuk-grid-column-one-half nhsuk-card-group__item">
    <div class="nhsuk-card nhsuk-card--clickable">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s"><a class="nhsuk-card__link" href=${spacePath(s.slug)}>${s.name}</a></h3>
        <p class="nhsuk-card__description">${s.description}</p>
        <p class="nhsuk-body-s app-space__count">${threadCountText(s.thread_count)}${s.pre_moderated ? ' · posts are checked by a moderator first' : ''}${s.watching ? ' · you watch this space' : ''}</p>
      </div>
    </div>
  </li>`;
}

export async function spacesPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/categories'));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  const regions = res.data.items.filter((s) => s.kind === 'region');
  const topics = res.data.items.filter((s) => s.kind !== 'region');
  const mine = regions.find((s) => s.slug === ctx.member?.region);
  ctx.show(
    'Spaces',
    html`<h1>Spaces</h1>
      <p class="nhsuk-lede-text">Ask colleagues, share practice and find earlier discussions in your region's community and in the topic spaces.</p>
      ${mine ? html`<p>Your region: <a href=${spacePath(mine.slug)}>${mine.name}</a></p>` : nothing}
      <h2>Regional communities</h2>
      <ul class="nhsuk-grid-row nhsuk-card-group">${regions.map(spaceCard)}</ul>
      <h2>Topic spaces</h2>
      <ul class="nhsuk-grid-row nhsuk-card-group">${topics.map(spaceCard)}</ul>`,
  );
}

export function threadItem(t: ThreadSummary, headingLevel: 2 | 3 = 2, spaceName?: string): TemplateResult {
  const link = html`<a href=${`/threads/${t.id}`}>${t.title}</a>`;
  return html`<li class="app-thread-list__item${t.pinned ? ' app-thread-list__item--pinned' : ''}">
    ${headingLevel === 2 ? html`<h2 class="nhsuk-heading-s app-thread-list__title">${link}</h2>` : html`<h3 class="nhsuk-heading-s app-thread-list__title">${link}</h3>`}
    ${markerTags(threadMarkers(t))}
    <p class="nhsuk-body-s app-thread-list__meta">
      ${spaceName ? html`In ${spaceName} · ` : nothing}Started by ${t.author_name} · ${replyCountText(t.reply_count)} · Last activity ${formatDateTime(t.last_activity_at)}
    </p>
  </li>`;
}

function sortNav(slug: string, current: Sort, tag: string | null): TemplateResult {
  return html`<nav class="app-filter" aria-label="Sort threads">
    <ul class="nhsuk-list app-filter__list">
      ${SORTS.map(
        (s) => html`<li class="app-filter__item">
          ${s.value === current
            ? html`<a href=${spacePath(slug, s.value, tag)} aria-current="page"><strong>${s.text}</strong></a>`
            : html`<a href=${spacePath(slug, s.value, tag)}>${s.text}</a>`}
        </li>`,
      )}
    </ul>
  </nav>`;
}

export async function spacePage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug;
  const sort = parseSort(ctx.query.get('sort'));
  const tag = ctx.query.get('tag')?.trim() || null;
  const limit = 20;
  const listQuery = tag ? { sort, limit, tag } : { sort, limit };
  const first = await call(api.GET('/categories/{slug}/threads', { params: { path: { slug }, query: listQuery } }));
  if (!ctx.isCurrent()) return;
  if (!first.ok) {
    ctx.showProblem(first.problem);
    return;
  }
  const space = first.data.space;
  let threads = first.data.items;
  let nextCursor = first.data.next_cursor ?? null;
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  let firstNewId: number | null = null;
  let watching = space.watching;
  // "Your thread has been deleted" and the like, from the thread page.
  let message: string | null = takeFlash();

  const toggleWatch = async () => {
    if (busy) return;
    busy = true;
    const res = await setWatching({ space: space.slug }, !watching);
    busy = false;
    if (!ctx.isCurrent()) return;
    if (res.ok) {
      watching = res.watching;
      message = watching ? `You are watching ${space.name}. We will tell you about every new thread.` : `You have stopped watching ${space.name}.`;
      errors = NO_ERRORS;
    } else {
      errors = problemToFormErrors(res.problem, {});
      message = null;
    }
    rerender();
    if (!res.ok) ctx.focusErrorSummary();
    else document.querySelector<HTMLElement>('.app-watch')?.focus();
  };

  const rerender = () =>
    ctx.show(
      space.name,
      html`${backLink('/spaces', 'All spaces')}
        ${errorSummary(errors)}
        ${successBanner(message)}
        <h1>${space.name}${tag ? html`<span class="nhsuk-u-visually-hidden">: threads tagged ${tag}</span>` : nothing}</h1>
        <p class="nhsuk-lede-text">${space.description}</p>
        ${watchButton(watching, 'space', () => void toggleWatch())}
        ${space.pre_moderated ? html`<p>A moderator checks every post in this space before other members see it.</p>` : nothing}
        <a class="nhsuk-button" data-module="nhsuk-button" role="button" draggable="false" href=${`/spaces/${encodeURIComponent(space.slug)}/new`}>Start a new thread</a>
        ${sortNav(space.slug, sort, tag)}
        ${tag ? html`<p class="app-tag-filter">Showing threads tagged <strong class="nhsuk-tag nhsuk-tag--blue">${tag}</strong> <a href=${spacePath(space.slug, sort)}>Show all threads</a></p>` : nothing}
        ${threads.length === 0
          ? html`<p>${tag ? 'No threads here have this tag.' : sort === 'unanswered' ? 'Every thread here has a reply.' : 'No one has started a thread here yet.'}</p>`
          : html`<ul class="nhsuk-list app-thread-list">${threads.map((t) => threadItem(t))}</ul>`}
        ${nextCursor ? html`<form novalidate @submit=${more}>${button('Show more threads', { secondary: true, disabled: busy })}</form>` : nothing}`,
    );

  const more = async (event: Event) => {
    event.preventDefault();
    if (!nextCursor || busy) return;
    busy = true;
    const res = await call(api.GET('/categories/{slug}/threads', { params: { path: { slug }, query: { ...listQuery, cursor: nextCursor } } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (res.ok) {
      const known = new Set(threads.map((t) => t.id));
      const fresh = res.data.items.filter((t) => !known.has(t.id));
      firstNewId = fresh[0]?.id ?? null;
      threads = [...threads, ...fresh];
      nextCursor = res.data.next_cursor ?? null;
      errors = NO_ERRORS;
    } else {
      errors = problemToFormErrors(res.problem, {});
    }
    rerender();
    // Keep keyboard users where the new threads begin.
    if (firstNewId !== null) document.querySelector<HTMLElement>(`a[href="/threads/${firstNewId}"]`)?.focus();
  };

  rerender();
}
