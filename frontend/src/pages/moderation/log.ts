// The moderation log (members see the entries about their own content and account; moderators
// their spaces; global moderators everything), and the appeal form for an entry about you.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call } from '../../api/client';
import { button, errorSummary, hasErrors, inputField, NO_ERRORS, problemToFormErrors, selectField, textareaField, type FormErrors } from '../../forms';
import { loadSpaces } from '../../forum/space-names';
import type { PageContext } from '../../routes';
import { newFormState, submitForm } from '../../submit';
import { backLink, formatDateTime, insetText, summaryList } from '../../ui';
import { dayBound } from '../audit';
import { ACTION_TEXT, actionText, filterQuery, type LogEntry } from './common';

// Entries seen on the log page, so the appeal page can say what is being appealed.
const seen = new Map<number, LogEntry>();

export const APPEAL_MAX = 2000;

/** Where a log entry's target lives in the app, when the viewer may go there. */
export function targetHref(entry: LogEntry): string | null {
  const t = entry.target;
  if ((t.type === 'post' || t.type === 'thread') && t.thread_id !== undefined) {
    return `/threads/${t.thread_id}${t.type === 'post' && t.id !== undefined ? `#post-${t.id}` : ''}`;
  }
  return null;
}

function targetCell(entry: LogEntry): TemplateResult | string {
  const t = entry.target;
  const what = t.type === 'post' ? 'Post in ' : t.type === 'thread' ? 'Thread ' : '';
  const label = t.label ?? (t.type === 'member' ? 'A member' : t.type === 'appeal' ? 'An appeal' : t.type === 'moderation_reason' ? 'A preset reason' : `A ${t.type}`);
  const href = targetHref(entry);
  return href ? html`${what}<a href=${href}>${label}</a>` : `${what}${label}`;
}

export async function logPage(ctx: PageContext): Promise<void> {
  const space = ctx.query.get('space') ?? '';
  const action = ctx.query.get('action') ?? '';
  const from = ctx.query.get('from') ?? '';
  const to = ctx.query.get('to') ?? '';
  const query = {
    limit: 50,
    ...(space ? { space } : {}),
    ...(action ? { action } : {}),
    ...(dayBound(from, false) ? { from: dayBound(from, false) } : {}),
    ...(dayBound(to, true) ? { to: dayBound(to, true) } : {}),
  };
  const [first, spaces] = await Promise.all([call(api.GET('/moderation/log', { params: { query } })), loadSpaces()]);
  if (!ctx.isCurrent()) return;
  if (!first.ok && first.problem.status !== 422) {
    ctx.showProblem(first.problem);
    return;
  }
  const fieldIds = { space: 'space', action: 'action', from: 'from', to: 'to' };
  let entries: LogEntry[] = first.ok ? first.data.items : [];
  let nextCursor = first.ok ? (first.data.next_cursor ?? null) : null;
  let errors: FormErrors = first.ok ? NO_ERRORS : problemToFormErrors(first.problem, fieldIds);
  const me = ctx.member;
  for (const e of entries) seen.set(e.id, e);

  const rerender = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Moderation log`,
      html`${errorSummary(errors)}
        <h1>Moderation log</h1>
        <p>Moderation decisions and actions, newest first${me?.role === 'member' ? ', about your own posts, threads and account' : ''}. You can appeal a decision about you once.</p>
        <form method="get" action="/moderation/log" novalidate @submit=${filter}>
          <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-one-quarter">
              ${selectField({ id: 'space', name: 'space', label: 'Space', choices: [{ value: '', text: 'All spaces' }, ...(spaces ?? []).map((s) => ({ value: s.slug, text: s.name }))], value: space, error: errors.fields.space })}
            </div>
            <div class="nhsuk-grid-column-one-quarter">
              ${selectField({ id: 'action', name: 'action', label: 'Action', choices: [{ value: '', text: 'All actions' }, ...Object.entries(ACTION_TEXT).map(([value, text]) => ({ value, text }))], value: action, error: errors.fields.action })}
            </div>
            <div class="nhsuk-grid-column-one-quarter">${inputField({ id: 'from', name: 'from', label: 'From', type: 'date', value: from, error: errors.fields.from })}</div>
            <div class="nhsuk-grid-column-one-quarter">${inputField({ id: 'to', name: 'to', label: 'To', type: 'date', value: to, error: errors.fields.to })}</div>
          </div>
          ${button('Filter', { secondary: true })}
        </form>
        ${entries.length === 0
          ? html`<p>No entries${space || action || from || to ? ' match these filters' : ' yet'}.</p>`
          : html`<table class="nhsuk-table app-log">
              <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Moderation log entries</caption>
              <thead class="nhsuk-table__head">
                <tr class="nhsuk-table__row">
                  <th class="nhsuk-table__header" scope="col">When</th>
                  <th class="nhsuk-table__header" scope="col">Who</th>
                  <th class="nhsuk-table__header" scope="col">Action</th>
                  <th class="nhsuk-table__header" scope="col">About</th>
                  <th class="nhsuk-table__header" scope="col">Reason and message</th>
                  <th class="nhsuk-table__header" scope="col">Space</th>
                  <th class="nhsuk-table__header" scope="col"><span class="nhsuk-u-visually-hidden">Appeal</span></th>
                </tr>
              </thead>
              <tbody class="nhsuk-table__body">
                ${entries.map(
                  (e) => html`<tr class="nhsuk-table__row" id=${`log-${e.id}`}>
                    <td class="nhsuk-table__cell">${formatDateTime(e.created_at)}</td>
                    <td class="nhsuk-table__cell">${e.automatic ? 'Automatic' : (e.actor?.name ?? 'A moderator')}</td>
                    <td class="nhsuk-table__cell">${actionText(e.action)}</td>
                    <td class="nhsuk-table__cell">${targetCell(e)}</td>
                    <td class="nhsuk-table__cell">
                      ${e.reason ?? ''}
                      ${e.message ? html`<br /><span class="nhsuk-body-s">Message: ${e.message}</span>` : nothing}
                    </td>
                    <td class="nhsuk-table__cell">${e.space?.name ?? ''}</td>
                    <td class="nhsuk-table__cell">
                      ${e.appealable
                        ? html`<a class="nhsuk-button nhsuk-button--secondary nhsuk-button--small app-log__appeal" href=${`/moderation/log/${e.id}/appeal`}
                            >Appeal<span class="nhsuk-u-visually-hidden"> ${actionText(e.action).toLowerCase()}, ${formatDateTime(e.created_at)}</span></a
                          >`
                        : nothing}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
        ${nextCursor ? html`<form novalidate @submit=${more}>${button('Show more entries', { secondary: true })}</form>` : nothing}`,
    );

  const filter = (event: Event) => {
    event.preventDefault();
    ctx.navigate(`/moderation/log${filterQuery(event.currentTarget as HTMLFormElement, ['space', 'action', 'from', 'to'])}`);
  };

  const more = async (event: Event) => {
    event.preventDefault();
    if (!nextCursor) return;
    const res = await call(api.GET('/moderation/log', { params: { query: { ...query, cursor: nextCursor } } }));
    if (!ctx.isCurrent()) return;
    if (res.ok) {
      for (const e of res.data.items) seen.set(e.id, e);
      entries = [...entries, ...res.data.items];
      nextCursor = res.data.next_cursor ?? null;
      errors = NO_ERRORS;
    } else {
      errors = problemToFormErrors(res.problem, {});
    }
    rerender();
  };

  rerender();
}

export async function appealPage(ctx: PageContext): Promise<void> {
  const id = Number(ctx.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) {
    ctx.showProblem({ type: 'about:blank', title: 'Page not found', status: 404 });
    return;
  }
  const entry = seen.get(id) ?? null;
  const state = newFormState();
  const fieldIds = { text: 'appeal-text' };
  let done: { item: string } | null = null;

  const rerender = () => {
    if (done) {
      ctx.show(
        'Your appeal has been sent',
        html`<div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            <div class="nhsuk-panel">
              <h1 class="nhsuk-panel__title">Your appeal has been sent</h1>
              <div class="nhsuk-panel__body">A moderator who did not make the decision will look at it.</div>
            </div>
            <p>You will be told what they decide, and it will appear in the moderation log.</p>
            <p><a href="/moderation/log">Back to the moderation log</a></p>
          </div>
        </div>`,
      );
      return;
    }
    ctx.show(
      `${hasErrors(state.errors) ? 'Error: ' : ''}Appeal a moderation decision`,
      html`${backLink('/moderation/log', 'Back to the moderation log')}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(state.errors)}
            <h1>Appeal a moderation decision</h1>
            ${entry
              ? summaryList([
                  ['Decision', actionText(entry.action)],
                  ['When', formatDateTime(entry.created_at)],
                  ['About', targetCell(entry)],
                  ['Reason given', entry.reason ?? ''],
                ])
              : nothing}
            ${insetText('You can appeal a decision once. A different moderator will review it.')}
            <form novalidate @submit=${onSubmit}>
              ${textareaField({
                id: fieldIds.text,
                name: 'text',
                label: 'Why should the decision be changed?',
                hint: `Up to ${APPEAL_MAX} characters. Do not include case information.`,
                rows: 6,
                value: state.values.text,
                error: state.errors.fields.text,
              })}
              ${button('Send appeal', { disabled: state.busy })}
            </form>
          </div>
        </div>`,
    );
  };

  const onSubmit = (event: Event) =>
    submitForm(event, ctx, state, {
      fieldIds,
      rules: {
        text: [
          (v) => (v.trim() === '' ? 'Enter why the decision should be changed' : null),
          (v) => (v.length > APPEAL_MAX ? `Your appeal must be ${APPEAL_MAX} characters or fewer` : null),
        ],
      },
      rerender,
      send: (v) => call(api.POST('/moderation/log/{id}/appeal', { params: { path: { id } }, body: { text: (v.text ?? '').trim() } })),
      onSuccess: (data) => {
        done = { item: data.item_id };
        if (entry) seen.set(id, { ...entry, appealable: false });
        rerender();
        ctx.focusHeading();
      },
    });

  rerender();
}
