// The mail outbox for admins: what the service has sent (or would send without SMTP).
import { html, nothing } from 'lit-html';
import { api, call, type OutboxMail } from '../api/client';
import { button, errorSummary, hasErrors, inputField, NO_ERRORS, problemToFormErrors, type FormErrors } from '../forms';
import type { PageContext } from '../routes';
import { formatDateTime } from '../ui';

export async function outboxPage(ctx: PageContext): Promise<void> {
  const to = ctx.query.get('to') ?? '';
  const query = { limit: 20, ...(to ? { to } : {}) };
  const first = await call(api.GET('/admin/outbox', { params: { query } }));
  if (!ctx.isCurrent()) return;
  if (!first.ok && (first.problem.status === 401 || first.problem.status === 403)) {
    ctx.showProblem(first.problem);
    return;
  }
  let mails: OutboxMail[] = first.ok ? first.data.items : [];
  let nextCursor = first.ok ? (first.data.next_cursor ?? null) : null;
  let errors: FormErrors = first.ok ? NO_ERRORS : problemToFormErrors(first.problem, { to: 'to' });

  const rerender = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Mail outbox`,
      html`${errorSummary(errors)}
        <h1>Mail outbox</h1>
        <p>Emails the service has written, newest first.</p>
        <form method="get" action="/admin/outbox" novalidate @submit=${filter}>
          ${inputField({ id: 'to', name: 'to', label: 'To', hint: 'Show only emails to this address', type: 'email', spellcheck: false, value: to, error: errors.fields.to, width: 'two-thirds' })}
          ${button('Filter', { secondary: true })}
        </form>
        ${mails.length === 0
          ? html`<p>No emails.</p>`
          : mails.map(
              (m) => html`<div class="nhsuk-card app-mail-card">
                <div class="nhsuk-card__content">
                  <h2 class="nhsuk-card__heading nhsuk-heading-s">${m.subject}</h2>
                  <p class="nhsuk-body-s">To ${m.to}, written ${formatDateTime(m.created_at)}${m.sent_at ? `, sent ${formatDateTime(m.sent_at)}` : ', not sent'}</p>
                  <div class="app-mail">${m.body_text}</div>
                </div>
              </div>`,
            )}
        ${nextCursor ? html`<form novalidate @submit=${more}>${button('Show more emails', { secondary: true })}</form>` : nothing}`,
    );

  const filter = (event: Event) => {
    event.preventDefault();
    const v = ((new FormData(event.currentTarget as HTMLFormElement).get('to') as string) ?? '').trim();
    ctx.navigate(v ? `/admin/outbox?to=${encodeURIComponent(v)}` : '/admin/outbox');
  };

  const more = async (event: Event) => {
    event.preventDefault();
    if (!nextCursor) return;
    const res = await call(api.GET('/admin/outbox', { params: { query: { ...query, cursor: nextCursor } } }));
    if (!ctx.isCurrent()) return;
    if (res.ok) {
      mails = [...mails, ...res.data.items];
      nextCursor = res.data.next_cursor ?? null;
    } else {
      errors = problemToFormErrors(res.problem, {});
    }
    rerender();
  };

  rerender();
}
