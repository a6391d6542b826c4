// The review queue: held and flagged posts, new members and appeals in the spaces the viewer
// moderates, each with what is needed to decide it, a claim, and a decision form.
import { html, nothing, type TemplateResult } from 'lit-html';
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import { api, call, type Schemas } from '../../api/client';
import { button, errorSummary, fieldErrorsToFormErrors, hasErrors, NO_ERRORS, problemToFormErrors, radiosField, selectField, type FormErrors } from '../../forms';
import { loadMeta, regionName } from '../../meta';
import { loadSpaces } from '../../forum/space-names';
import { canAdminister, canModerate } from '../../nav';
import type { PageContext } from '../../routes';
import { backLink, formatDateTime, successBanner, summaryList } from '../../ui';
import { actionText, combineReason, filterQuery, FLAG_TEXT, KIND_COLOUR, KIND_TEXT, loadReasons, messageField, reasonErrors, reasonFields, type QueueItem } from './common';

type Action = Schemas['DecisionAction'];
type Kind = QueueItem['kind'];
const KINDS: Kind[] = ['held', 'flagged', 'member', 'appeal'];

/** The decisions an item takes: members and appeals only approve or reject. */
export function actionsFor(item: QueueItem): { value: Action; text: string }[] {
  if (item.kind === 'member') {
    return [
      { value: 'approve', text: 'Approve membership' },
      { value: 'reject', text: 'Decline membership' },
    ];
  }
  if (item.kind === 'appeal') {
    return [
      { value: 'approve', text: 'Overturn the decision (the appeal succeeds)' },
      { value: 'reject', text: 'Uphold the decision (the appeal fails)' },
    ];
  }
  return [
    { value: 'approve', text: item.kind === 'flagged' ? 'Approve: dismiss the flags and keep it' : 'Approve: publish it' },
    { value: 'reject', text: 'Reject: keep it out of view' },
    { value: 'hide', text: 'Hide it' },
    { value: 'redact', text: 'Redact: remove its text for good' },
  ];
}

/** What the item is about, for headings and messages. */
export function itemTitle(item: QueueItem): string {
  const s = item.summary;
  if (item.kind === 'member') return s.member?.display_name ?? 'A new member';
  if (item.kind === 'appeal') return `Appeal by ${s.appeal?.appellant.name ?? 'a member'}`;
  return s.thread_title ?? 'A post';
}

const DONE_TEXT: Record<Action, string> = { approve: 'approved', reject: 'rejected', hide: 'hidden', redact: 'redacted' };

/** The kind an item id implies, to narrow the search for one item (posts may be held or flagged). */
export function kindOfId(id: string): Kind | undefined {
  if (id.startsWith('member-')) return 'member';
  if (id.startsWith('appeal-')) return 'appeal';
  return undefined;
}

type QueueAnswer = Awaited<ReturnType<typeof fetchQueue>>;

function fetchQueue(query: { limit: number; space?: string; kind?: Kind; cursor?: string }) {
  return call(api.GET('/moderation/queue', { params: { query } }));
}

/** Pages through the queue for one item (there is no address for a single item in the API). */
async function findItem(id: string): Promise<QueueAnswer> {
  const kind = kindOfId(id);
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const res = await fetchQueue({ limit: 100, ...(kind ? { kind } : {}), ...(cursor ? { cursor } : {}) });
    if (!res.ok) return res;
    const found = res.data.items.filter((i) => i.id === id);
    if (found.length || !res.data.next_cursor) return { ok: true, data: { items: found } };
    cursor = res.data.next_cursor;
  }
  return { ok: true, data: { items: [] } };
}

export function queuePage(ctx: PageContext): Promise<void> {
  return queueView(ctx, null);
}

/** One item on its own page, for a link to send a colleague. */
export function queueItemPage(ctx: PageContext): Promise<void> {
  return queueView(ctx, ctx.params.id);
}

async function queueView(ctx: PageContext, only: string | null): Promise<void> {
  const space = only ? '' : (ctx.query.get('space') ?? '');
  const kindParam = only ? '' : (ctx.query.get('kind') ?? '');
  const kind = (KINDS as string[]).includes(kindParam) ? (kindParam as Kind) : undefined;
  const query = { limit: 20, ...(space ? { space } : {}), ...(kind ? { kind } : {}) };
  const [first, spaces, presets, meta] = await Promise.all([only ? findItem(only) : fetchQueue(query), loadSpaces(), loadReasons(), loadMeta()]);
  if (!ctx.isCurrent()) return;
  if (!first.ok && first.problem.status !== 422) {
    ctx.showProblem(first.problem);
    return;
  }
  const single = only !== null && first.ok ? (first.data.items[0] ?? null) : null;
  let items: QueueItem[] = first.ok ? first.data.items : [];
  let nextCursor = first.ok ? (first.data.next_cursor ?? null) : null;
  let errors: FormErrors = first.ok ? NO_ERRORS : problemToFormErrors(first.problem, { space: 'space', kind: 'kind' });
  let errorsFor: string | null = null;
  let message: string | null = null;
  let busy = false;
  const values: Record<string, Record<string, string>> = {};
  const me = ctx.member;
  // Admins can take over a colleague's claim; others wait for it to be released.
  const admin = canAdminister(me);
  // A space moderator filters by their own spaces only.
  const spaceChoices = (spaces ?? []).filter((s) => canModerate(me) || (me?.moderates_spaces ?? []).includes(s.slug));

  const rerender = () => (only !== null ? rerenderOne() : rerenderList());

  const rerenderOne = () => {
    const item = items[0];
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}${single ? itemTitle(single) : 'Item not found'} - Review queue`,
      html`${backLink('/moderation/queue', 'Back to the review queue')}
        ${errorSummary(errors)}
        <span class="nhsuk-caption-l">Review queue</span>
        <h1>${single ? itemTitle(single) : 'This item is no longer in the queue'}</h1>
        ${successBanner(message)}
        ${!single ? html`<p>Someone may have decided it already. Decisions are in the <a href="/moderation/log">moderation log</a>.</p>` : nothing}
        ${item ? html`<ol class="nhsuk-list app-queue">${itemCard(item)}</ol>` : nothing}`,
    );
  };

  const rerenderList = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Review queue`,
      html`${errorSummary(errors)}
        <h1>Review queue</h1>
        ${successBanner(message)}
        <p>Held and flagged posts, new members and appeals waiting for a decision, oldest first. Claim an item before you spend time on it. Past decisions are in the <a href="/moderation/log">moderation log</a>.</p>
        <form method="get" action="/moderation/queue" novalidate @submit=${filter} class="app-filters">
          <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-one-half">
              ${selectField({
                id: 'space',
                name: 'space',
                label: 'Space',
                choices: [{ value: '', text: 'All my spaces' }, ...spaceChoices.map((s) => ({ value: s.slug, text: s.name }))],
                value: space,
                error: errorsFor === null ? errors.fields.space : undefined,
              })}
            </div>
            <div class="nhsuk-grid-column-one-half">
              ${radiosField({
                id: 'kind',
                name: 'kind',
                label: 'Kind of item',
                choices: [{ value: '', text: 'Everything' }, ...KINDS.map((k) => ({ value: k, text: KIND_TEXT[k] }))],
                value: kind ?? '',
              })}
            </div>
          </div>
          ${button('Filter', { secondary: true })}
        </form>
        ${items.length === 0 ? html`<p>Nothing is waiting for review${space || kind ? ' that matches these filters' : ''}.</p>` : html`<p>${items.length}${nextCursor ? ' or more' : ''} ${items.length === 1 ? 'item' : 'items'} shown.</p>`}
        <ol class="nhsuk-list app-queue">
          ${items.map(itemCard)}
        </ol>
        ${nextCursor ? html`<form novalidate @submit=${more}>${button('Show more items', { secondary: true })}</form>` : nothing}`,
    );

  const itemCard = (item: QueueItem): TemplateResult => {
    const s = item.summary;
    const prefix = `d-${item.id}`;
    const v = values[item.id] ?? {};
    const itemErrors = errorsFor === item.id ? errors : NO_ERRORS;
    const mine = item.claimed_by && me && item.claimed_by.id === me.id;
    return html`<li class="nhsuk-card app-queue__item" id=${`item-${item.id}`}>
      <div class="nhsuk-card__content">
        <p class="app-queue__kind">
          <strong class="nhsuk-tag nhsuk-tag--${KIND_COLOUR[item.kind]}">${KIND_TEXT[item.kind]}</strong>${item.space ? html` <span class="nhsuk-body-s">in ${item.space.name}</span>` : nothing}
          ${only === null ? html` <a class="nhsuk-body-s" href=${`/moderation/queue/${encodeURIComponent(item.id)}`}>Open on its own page<span class="nhsuk-u-visually-hidden">: ${itemTitle(item)}</span></a>` : nothing}
        </p>
        <h2 class="nhsuk-card__heading nhsuk-heading-m">
          ${s.thread_id !== undefined && item.kind !== 'member' && item.kind !== 'appeal'
            ? html`<a href=${`/threads/${s.thread_id}${s.post_id !== undefined && !s.is_first_post ? `#post-${s.post_id}` : ''}`}>${itemTitle(item)}</a>`
            : itemTitle(item)}
        </h2>
        ${summaryList([
          ['Space', item.space?.name ?? 'None (membership)'],
          ...(s.author ? ([['Author', s.author.name]] as [string, string][]) : []),
          ...(s.post_id != null && item.kind !== 'appeal' ? ([['Post', s.is_first_post ? 'The first post: approving it publishes the thread' : 'A reply']] as [string, string][]) : []),
          ['In the queue since', formatDateTime(item.created_at)],
          ...(s.held_reason ? ([['Held because', s.held_reason]] as [string, string][]) : []),
          ['Claimed by', item.claimed_by ? (mine ? 'You' : item.claimed_by.name) : 'No one'],
        ])}
        ${s.findings.length
          ? html`<div class="nhsuk-card nhsuk-card--warning app-findings">
              <div class="nhsuk-card__content">
                <h3 class="nhsuk-card__heading"><span class="nhsuk-u-visually-hidden">Important: </span>Possible case information</h3>
                <ul class="nhsuk-list nhsuk-list--bullet">
                  ${s.findings.map((f) => html`<li>${f.description}: <mark class="app-finding">${f.matched}</mark></li>`)}
                </ul>
              </div>
            </div>`
          : nothing}
        ${s.body_html !== undefined && item.kind !== 'member'
          ? html`<h3 class="nhsuk-heading-s">${item.kind === 'appeal' ? 'The post' : 'The post as it will appear'}</h3>
              <div class="app-post__body app-queue__body">${unsafeHTML(s.body_html)}</div>`
          : nothing}
        ${s.flag_count > 0 || s.flags.length > 0
          ? html`<h3 class="nhsuk-heading-s">${s.flag_count} ${s.flag_count === 1 ? 'flag' : 'flags'}</h3>
              <ul class="nhsuk-list nhsuk-list--bullet app-flags">
                ${s.flags.map((f) => html`<li>${FLAG_TEXT[f.reason] ?? f.reason}${f.details ? html`: ${f.details}` : nothing} <span class="nhsuk-body-s">(${formatDateTime(f.created_at)})</span></li>`)}
              </ul>`
          : nothing}
        ${s.member
          ? summaryList([
              ['Name', s.member.display_name],
              ['Email address', s.member.email],
              ['Organisation', s.member.organisation],
              ['Job role', s.member.job_role],
              ['Region', regionName(meta, s.member.region)],
            ])
          : nothing}
        ${s.appeal
          ? html`<h3 class="nhsuk-heading-s">The decision appealed</h3>
              ${summaryList([
                ['Decision', actionText(s.appeal.decision.action)],
                ['By', s.appeal.decision.actor?.name ?? 'Automatic'],
                ['When', formatDateTime(s.appeal.decision.created_at)],
                ['Reason given', s.appeal.decision.reason ?? ''],
                ...(s.appeal.decision.message ? ([['Message sent', s.appeal.decision.message]] as [string, string][]) : []),
              ])}
              <h3 class="nhsuk-heading-s">What ${s.appeal.appellant.name} says</h3>
              <blockquote class="app-appeal-text"><p>${s.appeal.text}</p></blockquote>`
          : nothing}
        <div class="nhsuk-button-group">
          ${mine
            ? html`<button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="button" ?disabled=${busy} @click=${() => release(item)}>
                Release<span class="nhsuk-u-visually-hidden"> ${itemTitle(item)}</span>
              </button>`
            : !item.claimed_by || admin
              ? html`<button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="button" ?disabled=${busy} @click=${() => claim(item)}>
                  ${item.claimed_by ? 'Take over' : 'Claim'}<span class="nhsuk-u-visually-hidden"> ${itemTitle(item)}</span>
                </button>`
              : nothing}
        </div>
        <form novalidate @submit=${(e: Event) => decide(e, item)} aria-label=${`Decision on ${itemTitle(item)}`}>
          ${radiosField({ id: `${prefix}-action`, name: 'action', label: 'Your decision', choices: actionsFor(item), value: v.action, error: itemErrors.fields.action })}
          ${reasonFields(prefix, presets, v, itemErrors.fields.reason)}
          ${item.kind === 'member' ? nothing : messageField(prefix, v, itemErrors.fields.message)}
          ${button('Record decision', { disabled: busy })}
        </form>
      </div>
    </li>`;
  };

  const fail = (item: QueueItem | null, next: FormErrors) => {
    errors = next;
    errorsFor = item?.id ?? null;
    message = null;
    rerender();
    ctx.focusErrorSummary();
  };

  const claim = async (item: QueueItem) => {
    busy = true;
    rerender();
    const res = await call(api.POST('/moderation/queue/{id}/claim', { params: { path: { id: item.id } } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) return fail(item, problemToFormErrors(res.problem, {}));
    items = items.map((x) => (x.id === item.id ? { ...x, claimed_by: res.data.claimed_by } : x));
    errors = NO_ERRORS;
    message = `You have claimed “${itemTitle(item)}”.`;
    rerender();
  };

  const release = async (item: QueueItem) => {
    busy = true;
    rerender();
    const res = await call(api.DELETE('/moderation/queue/{id}/claim', { params: { path: { id: item.id } } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) return fail(item, problemToFormErrors(res.problem, {}));
    items = items.map((x) => (x.id === item.id ? { ...x, claimed_by: undefined } : x));
    errors = NO_ERRORS;
    message = `You have released “${itemTitle(item)}”.`;
    rerender();
  };

  const decide = async (event: Event, item: QueueItem) => {
    event.preventDefault();
    if (busy) return;
    const prefix = `d-${item.id}`;
    const fieldIds = { action: `${prefix}-action`, reason: `${prefix}-reason`, message: `${prefix}-message` };
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const v: Record<string, string> = {};
    data.forEach((value, key) => {
      if (typeof value === 'string') v[key] = value;
    });
    values[item.id] = v;
    const problems = [...(v.action ? [] : [{ field: 'action', message: 'Choose your decision' }]), ...reasonErrors(v)];
    if (problems.length) return fail(item, fieldErrorsToFormErrors(problems, fieldIds));
    const action = v.action as Action;
    const msg = (v.message ?? '').trim();
    busy = true;
    rerender();
    const res = await call(
      api.POST('/moderation/queue/{id}/decision', {
        params: { path: { id: item.id } },
        body: { action, reason: combineReason(v.preset ?? '', v.reason ?? ''), ...(msg ? { message: msg } : {}) },
      }),
    );
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) return fail(item, problemToFormErrors(res.problem, fieldIds));
    items = items.filter((x) => x.id !== item.id);
    delete values[item.id];
    errors = NO_ERRORS;
    errorsFor = null;
    message = `“${itemTitle(item)}”: ${item.kind === 'appeal' ? (action === 'approve' ? 'decision overturned' : 'decision upheld') : DONE_TEXT[action]}. ${res.data.note ?? ''}`.trim();
    rerender();
    ctx.focusHeading();
  };

  const filter = (event: Event) => {
    event.preventDefault();
    ctx.navigate(`/moderation/queue${filterQuery(event.currentTarget as HTMLFormElement, ['space', 'kind'])}`);
  };

  const more = async (event: Event) => {
    event.preventDefault();
    if (!nextCursor) return;
    const res = await fetchQueue({ ...query, cursor: nextCursor });
    if (!ctx.isCurrent()) return;
    if (!res.ok) return fail(null, problemToFormErrors(res.problem, {}));
    const seen = new Set(items.map((i) => i.id));
    items = [...items, ...res.data.items.filter((i) => !seen.has(i.id))];
    nextCursor = res.data.next_cursor ?? null;
    errors = NO_ERRORS;
    rerender();
  };

  rerender();
}
