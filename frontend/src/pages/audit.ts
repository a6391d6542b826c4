// The audit log for admins: filter by action and dates, page on with "Show more".
import { html, nothing } from 'lit-html';
import { api, call, type AuditEntry } from '../api/client';
import { button, errorSummary, hasErrors, inputField, NO_ERRORS, problemToFormErrors, selectField, type FormErrors } from '../forms';
import type { PageContext } from '../routes';
import { formatDateTime } from '../ui';

export const AUDIT_ACTIONS = [
  'member.registered',
  'member.email_verified',
  'member.auto_approved',
  'member.approved',
  'member.declined',
  'member.role_changed',
  'member.suspended',
  'member.unsuspended',
  'member.password_changed',
  'member.password_reset',
  'member.profile_updated',
  'auth.login_throttled',
  'settings.updated',
];

/** Turns a yyyy-mm-dd from a date field into the start (or end) of that day as RFC 3339. */
export function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function details(entry: AuditEntry): string {
  const d = entry.details as unknown;
  if (d === null || d === undefined) return '';
  if (typeof d === 'object' && Object.keys(d as object).length === 0) return '';
  return typeof d === 'string' ? d : JSON.stringify(d);
}

export async function auditPage(ctx: PageContext): Promise<void> {
  const action = ctx.query.get('action') ?? '';
  const from = ctx.query.get('from') ?? '';
  const to = ctx.query.get('to') ?? '';
  const query = {
    limit: 50,
    ...(action ? { action } : {}),
    ...(dayBound(from, false) ? { from: dayBound(from, false) } : {}),
    ...(dayBound(to, true) ? { to: dayBound(to, true) } : {}),
  };
  const first = await call(api.GET('/admin/audit', { params: { query } }));
  if (!ctx.isCurrent()) return;
  if (!first.ok && (first.problem.status === 401 || first.problem.status === 403)) {
    ctx.showProblem(first.problem);
    return;
  }
  let entries: AuditEntry[] = first.ok ? first.data.items : [];
  let nextCursor = first.ok ? (first.data.next_cursor ?? null) : null;
  let errors: FormErrors = first.ok ? NO_ERRORS : problemToFormErrors(first.problem, { action: 'action', from: 'from', to: 'to' });

  const rerender = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Audit log`,
      html`${errorSummary(errors)}
        <h1>Audit log</h1>
        <p>Every moderation and account decision, newest first. See also the <a href="/admin/outbox">mail outbox</a>.</p>
        <form method="get" action="/admin/audit" novalidate @submit=${filter}>
          <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-one-third">
              ${selectField({ id: 'action', name: 'action', label: 'Action', choices: [{ value: '', text: 'All actions' }, ...AUDIT_ACTIONS.map((a) => ({ value: a, text: a }))], value: action, error: errors.fields.action })}
            </div>
            <div class="nhsuk-grid-column-one-third">
              ${inputField({ id: 'from', name: 'from', label: 'From', type: 'date', value: from, error: errors.fields.from })}
            </div>
            <div class="nhsuk-grid-column-one-third">
              ${inputField({ id: 'to', name: 'to', label: 'To', type: 'date', value: to, error: errors.fields.to })}
            </div>
          </div>
          ${button('Filter', { secondary: true })}
        </form>
        ${entries.length === 0
          ? html`<p>No entries match.</p>`
          : html`<table class="nhsuk-table">
              <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Audit entries</caption>
              <thead class="nhsuk-table__head">
                <tr class="nhsuk-table__row">
                  <th class="nhsuk-table__header" scope="col">When</th>
                  <th class="nhsuk-table__header" scope="col">Who</th>
                  <th class="nhsuk-table__header" scope="col">Action</th>
                  <th class="nhsuk-table__header" scope="col">About</th>
                  <th class="nhsuk-table__header" scope="col">Reason</th>
                </tr>
              </thead>
              <tbody class="nhsuk-table__body">
                ${entries.map(
                  (e) => html`<tr class="nhsuk-table__row">
                    <td class="nhsuk-table__cell">${formatDateTime(e.created_at)}</td>
                    <td class="nhsuk-table__cell">${e.actor_name ?? (e.actor_id != null ? `#${e.actor_id}` : 'System')}</td>
                    <td class="nhsuk-table__cell"><code>${e.action}</code></td>
                    <td class="nhsuk-table__cell">
                      ${e.target_type === 'member' && e.target_id != null
                        ? html`<a href=${`/members/${e.target_id}`}>${e.target_name ?? `#${e.target_id}`}</a>`
                        : (e.target_name ?? (e.target_id != null ? `${e.target_type ?? ''} #${e.target_id}` : ''))}
                      ${details(e) ? html`<br /><span class="nhsuk-body-s">${details(e)}</span>` : nothing}
                    </td>
                    <td class="nhsuk-table__cell">${e.reason ?? ''}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
        ${nextCursor ? html`<form novalidate @submit=${more}>${button('Show more entries', { secondary: true })}</form>` : nothing}`,
    );

  const filter = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const params = new URLSearchParams();
    for (const key of ['action', 'from', 'to']) {
      const v = (data.get(key) as string | null)?.trim();
      if (v) params.set(key, v);
    }
    const qs = params.toString();
    ctx.navigate(`/admin/audit${qs ? `?${qs}` : ''}`);
  };

  const more = async (event: Event) => {
    event.preventDefault();
    if (!nextCursor) return;
    const res = await call(api.GET('/admin/audit', { params: { query: { ...query, cursor: nextCursor } } }));
    if (!ctx.isCurrent()) return;
    if (res.ok) {
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
