// The member's notifications (newest first, unread ones marked, each read when followed, all
// at once, paging) and how they are e-mailed (immediately, a daily digest, or not at all).
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type Schemas } from '../api/client';
import { button, errorSummary, hasErrors, NO_ERRORS, problemToFormErrors, radiosField, type FormErrors } from '../forms';
import type { PageContext } from '../routes';
import { backLink, formatDateTime, successBanner } from '../ui';

type Notification = Schemas['NotificationView'];
type EmailChoice = Schemas['EmailChoice'];

const PAGE_SIZE = 20;

/** Tells the header to ask for the unread count again. */
export const NOTIFICATIONS_CHANGED = 'app:notifications-changed';

export function unreadText(n: number): string {
  return n === 1 ? 'You have 1 unread notification.' : n === 0 ? 'You have no unread notifications.' : `You have ${n} unread notifications.`;
}

export const EMAIL_CHOICES: { value: EmailChoice; text: string }[] = [
  { value: 'immediate', text: 'Immediately: one e-mail for each notification' },
  { value: 'daily', text: 'A daily digest: one e-mail a day, soon after 7am' },
  { value: 'off', text: 'No e-mails: notifications only appear here' },
];

function notificationItem(n: Notification, follow: (n: Notification, e: Event) => void): TemplateResult {
  return html`<li class="app-notification${n.read ? '' : ' app-notification--unread'}" id=${`notification-${n.id}`} tabindex="-1">
    ${n.read ? nothing : html`<strong class="nhsuk-tag nhsuk-tag--blue app-notification__tag">Unread</strong>`}
    <p class="app-notification__message">${n.message}</p>
    ${n.url && n.thread_title
      ? html`<p class="app-notification__thread"><a href=${n.url} @click=${(e: Event) => follow(n, e)}>${n.thread_title}</a></p>`
      : nothing}
    <p class="nhsuk-body-s app-notification__meta"><time datetime=${n.created_at}>${formatDateTime(n.created_at)}</time></p>
  </li>`;
}

export async function notificationsPage(ctx: PageContext): Promise<void> {
  const first = await call(api.GET('/notifications', { params: { query: { limit: PAGE_SIZE } } }));
  if (!ctx.isCurrent()) return;
  if (!first.ok) {
    ctx.showProblem(first.problem);
    return;
  }
  let items = first.data.items;
  let nextCursor = first.data.next_cursor ?? null;
  let unread = first.data.unread_count;
  let errors: FormErrors = NO_ERRORS;
  let message: string | null = null;
  let busy = false;

  const fail = (problem: Parameters<typeof problemToFormErrors>[0]) => {
    errors = problemToFormErrors(problem, {});
    message = null;
    rerender();
    ctx.focusErrorSummary();
  };

  const follow = async (n: Notification, event: Event) => {
    if (!n.url) return;
    const e = event as MouseEvent;
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      // Opened in another tab or window: the link does its own work; still count it as read.
      if (!n.read) void call(api.POST('/notifications/{id}/read', { params: { path: { id: n.id } } }));
      return;
    }
    event.preventDefault();
    if (!n.read) {
      // Following it reads it; a failure to mark it still lets the member go to the thread.
      await call(api.POST('/notifications/{id}/read', { params: { path: { id: n.id } } }));
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    }
    if (ctx.isCurrent()) ctx.navigate(n.url);
  };

  const markAll = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    const res = await call(api.POST('/notifications/read-all'));
    if (!res.ok) {
      busy = false;
      return fail(res.problem);
    }
    const fresh = await call(api.GET('/notifications', { params: { query: { limit: Math.min(100, Math.max(PAGE_SIZE, items.length)) } } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!fresh.ok) return fail(fresh.problem);
    items = fresh.data.items;
    nextCursor = fresh.data.next_cursor ?? null;
    unread = fresh.data.unread_count;
    errors = NO_ERRORS;
    message = 'All your notifications have been marked as read.';
    window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    rerender();
    ctx.focusHeading();
  };

  const more = async (event: Event) => {
    event.preventDefault();
    if (busy || !nextCursor) return;
    busy = true;
    const res = await call(api.GET('/notifications', { params: { query: { limit: PAGE_SIZE, cursor: nextCursor } } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) return fail(res.problem);
    const known = new Set(items.map((n) => n.id));
    const fresh = res.data.items.filter((n) => !known.has(n.id));
    items = [...items, ...fresh];
    nextCursor = res.data.next_cursor ?? null;
    unread = res.data.unread_count;
    errors = NO_ERRORS;
    rerender();
    if (fresh[0]) document.querySelector<HTMLElement>(`#notification-${fresh[0].id}`)?.focus();
  };

  const rerender = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Notifications`,
      html`${errorSummary(errors)}
        ${successBanner(message)}
        <h1>Notifications</h1>
        <p class="app-notifications__unread">${unreadText(unread)}</p>
        <p><a href="/notifications/settings">Choose how we e-mail you</a></p>
        ${unread > 0 ? html`<form novalidate @submit=${markAll}>${button('Mark all as read', { secondary: true, disabled: busy })}</form>` : nothing}
        ${items.length === 0
          ? html`<p>You have no notifications yet. We will tell you here when someone replies to you, mentions you, or replies in a thread you watch.</p>`
          : html`<ol class="nhsuk-list app-notifications" aria-label="Your notifications, newest first">
              ${items.map((n) => notificationItem(n, (x, e) => void follow(x, e)))}
            </ol>`}
        ${nextCursor ? html`<form novalidate @submit=${more}>${button('Show more notifications', { secondary: true, disabled: busy })}</form>` : nothing}`,
    );

  rerender();
}

export async function notificationSettingsPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/me/notification-preferences'));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  let choice: EmailChoice = res.data.email;
  let errors: FormErrors = NO_ERRORS;
  let message: string | null = null;
  let busy = false;

  const save = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const picked = new FormData(event.currentTarget as HTMLFormElement).get('email');
    const next = EMAIL_CHOICES.find((c) => c.value === picked)?.value;
    if (!next) {
      errors = { title: 'There is a problem', items: [{ text: 'Choose how we e-mail you', href: '#email' }], fields: { email: 'Choose how we e-mail you' } };
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    busy = true;
    const saved = await call(api.PUT('/me/notification-preferences', { body: { email: next } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!saved.ok) {
      errors = problemToFormErrors(saved.problem, { email: 'email' });
      message = null;
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    choice = saved.data.email;
    errors = NO_ERRORS;
    message = 'Your e-mail choice has been saved.';
    rerender();
    ctx.focusHeading();
  };

  const rerender = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}How we e-mail you`,
      html`${backLink('/notifications', 'Back to notifications')}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(errors)}
            ${successBanner(message)}
            <h1>How we e-mail you</h1>
            <p>Notifications always appear on your notifications page. E-mails never include what anyone wrote: they link to the thread.</p>
            <form novalidate @submit=${save}>
              ${radiosField({ id: 'email', name: 'email', label: 'When should we e-mail you about notifications?', choices: EMAIL_CHOICES, value: choice, error: errors.fields.email })}
              ${button('Save', { disabled: busy })}
            </form>
          </div>
        </div>`,
    );

  rerender();
}
