// What members do with a post they can see: mark it helpful, flag it for the moderators, and
// (the question's author, or a moderator with a reason) accept a reply as the answer.
import { html, type TemplateResult } from 'lit-html';
import { api, call, type FieldError, type PostView } from '../api/client';
import { button, fieldErrorsToFormErrors, formValues, radiosField, textareaField } from '../forms';
import { perPage } from './page-state';
import { cachedReasons, checkReason, combineReason, loadReasons, reasonFieldIds, reasonFields } from './reasons';
import { panelClosers, postMenuSlots, postPanelSlots, type SlotContext } from './slots';

export const FLAG_REASONS = [
  { value: 'identifies_person', text: 'It could identify a person who uses services' },
  { value: 'disrespectful', text: 'It is disrespectful or offensive' },
  { value: 'spam', text: 'It is spam or advertising' },
  { value: 'off_topic', text: 'It is off topic for this space' },
  { value: 'other', text: 'Something else' },
] as const;

type FlagReason = (typeof FLAG_REASONS)[number]['value'];

interface Panel {
  kind: 'flag' | 'accept' | 'unaccept';
  postId: number;
  values: Record<string, string>;
  busy: boolean;
}

const state = perPage(() => ({ panel: null as Panel | null, busy: false }));
panelClosers.push((page) => {
  state(page).panel = null;
});

const hidden = (text: string) => html`<span class="nhsuk-u-visually-hidden">${text}</span>`;

export function helpfulCountText(n: number): string {
  if (n === 0) return 'No one has marked this helpful yet';
  return n === 1 ? '1 person found this helpful' : `${n} people found this helpful`;
}

/** Checks the flag form before sending: a reason, and details for "something else". */
export function checkFlag(values: Record<string, string>): FieldError[] {
  const out: FieldError[] = [];
  const reason = values.reason ?? '';
  if (!FLAG_REASONS.some((r) => r.value === reason)) out.push({ field: 'reason', message: 'Choose why you are flagging this post' });
  const details = (values.details ?? '').trim();
  if (reason === 'other' && !details) out.push({ field: 'details', message: 'Say what is wrong with the post' });
  if (details.length > 500) out.push({ field: 'details', message: 'Details must be 500 characters or fewer' });
  return out;
}

function isAuthor(s: SlotContext): boolean {
  return !!s.page.member && s.page.member.id === s.thread.thread.author_id;
}

/** Whether the viewer may accept (or clear) an answer in this thread, and whether a reason is needed. */
export function canAccept(s: SlotContext, p: PostView): boolean {
  const t = s.thread.thread;
  return t.kind === 'question' && !p.is_first && p.status === 'visible' && (isAuthor(s) || s.thread.can_moderate);
}

async function open(s: SlotContext, panel: Panel, focusId: string): Promise<void> {
  // A moderator's reason form opens with its preset reasons (usually fetched already).
  if (panel.kind !== 'flag' && !cachedReasons()) await loadReasons();
  if (!s.page.isCurrent()) return;
  s.closePanels();
  s.clearErrors();
  state(s.page).panel = panel;
  s.rerender();
  document.getElementById(focusId)?.focus();
}

function close(s: SlotContext, postId: number): void {
  state(s.page).panel = null;
  s.clearErrors();
  s.rerender();
  document.getElementById(`post-${postId}`)?.focus();
}

async function toggleHelpful(s: SlotContext, p: PostView): Promise<void> {
  const st = state(s.page);
  if (st.busy) return;
  st.busy = true;
  const opts = { params: { path: { id: p.id } } };
  const res = await call(p.viewer_found_helpful ? api.DELETE('/posts/{id}/helpful', opts) : api.PUT('/posts/{id}/helpful', opts));
  st.busy = false;
  if (!s.page.isCurrent()) return;
  if (!res.ok) return s.fail(res.problem, {});
  await s.reload();
}

async function setAccepted(s: SlotContext, p: PostView, accept: boolean, reason?: string): Promise<boolean> {
  const st = state(s.page);
  if (st.busy) return false;
  st.busy = true;
  const path = { params: { path: { id: s.thread.thread.id } } };
  const res = accept
    ? await call(api.PUT('/threads/{id}/accepted', { ...path, body: reason ? { post_id: p.id, reason } : { post_id: p.id } }))
    : await call(api.DELETE('/threads/{id}/accepted', { ...path, body: reason ? { reason } : {} }));
  st.busy = false;
  if (!s.page.isCurrent()) return false;
  if (!res.ok) {
    s.fail(res.problem, reasonFieldIds(`accept-${p.id}`));
    return false;
  }
  st.panel = null;
  await s.reload();
  s.announce(accept ? `You accepted the reply by ${p.author_name} as the answer.` : 'The accepted answer has been cleared. The question is unanswered again.');
  return true;
}

function acceptClicked(s: SlotContext, p: PostView, accept: boolean): void {
  // A moderator deciding for someone else's question says why; the author just decides.
  if (isAuthor(s)) {
    void setAccepted(s, p, accept);
    return;
  }
  void open(s, { kind: accept ? 'accept' : 'unaccept', postId: p.id, values: {}, busy: false }, `accept-${p.id}-reason-text`);
}

postMenuSlots.push((p, s) => {
  const me = s.page.member;
  if (!me || p.status !== 'visible') return null;
  const items: TemplateResult[] = [];
  const own = p.author_id === me.id;
  if (own) {
    items.push(html`<li class="app-helpful"><span class="app-helpful__count">${helpfulCountText(p.helpful_count)}</span></li>`);
  } else {
    items.push(html`<li class="app-helpful">
      <button class="app-link-button app-helpful__toggle" type="button" aria-pressed=${p.viewer_found_helpful ? 'true' : 'false'} @click=${() => void toggleHelpful(s, p)}>
        Helpful${hidden(` (the post by ${p.author_name})`)}
      </button>
      <span class="app-helpful__count">${helpfulCountText(p.helpful_count)}</span>
    </li>`);
    items.push(html`<li>
      <button class="app-link-button" type="button" @click=${() => void open(s, { kind: 'flag', postId: p.id, values: {}, busy: false }, `flag-${p.id}-reason`)}>
        Flag${hidden(` the post by ${p.author_name} for a moderator`)}
      </button>
    </li>`);
  }
  if (canAccept(s, p)) {
    const accepted = s.thread.accepted_post_id === p.id;
    items.push(html`<li>
      <button class="app-link-button" type="button" @click=${() => acceptClicked(s, p, !accepted)}>
        ${accepted ? 'Clear the accepted answer' : html`Accept as answer${hidden(` (the reply by ${p.author_name})`)}`}
      </button>
    </li>`);
  }
  return items;
});

async function sendFlag(event: Event, s: SlotContext, p: PostView): Promise<void> {
  event.preventDefault();
  const st = state(s.page);
  const panel = st.panel;
  if (!panel || panel.busy) return;
  const values = formValues(event.currentTarget as HTMLFormElement);
  panel.values = values;
  const fieldIds = { reason: `flag-${p.id}-reason`, details: `flag-${p.id}-details` };
  const found = checkFlag(values);
  if (found.length) return s.showErrors(fieldErrorsToFormErrors(found, fieldIds));
  panel.busy = true;
  s.clearErrors();
  const details = values.details?.trim();
  const res = await call(
    api.POST('/posts/{id}/flags', { params: { path: { id: p.id } }, body: details ? { reason: values.reason as FlagReason, details } : { reason: values.reason as FlagReason } }),
  );
  panel.busy = false;
  if (!s.page.isCurrent()) return;
  if (!res.ok) {
    if (res.problem.status === 409) {
      st.panel = null;
      return s.fail({ ...res.problem, title: 'You have already flagged this post', detail: 'A moderator will look at it. You can flag a post only once.', errors: [] }, {});
    }
    return s.fail(res.problem, fieldIds);
  }
  st.panel = null;
  await s.reload();
  s.announce('Thank you: you have flagged the post for a moderator to review. We will tell you what they decide.');
}

async function sendAccept(event: Event, s: SlotContext, p: PostView, accept: boolean): Promise<void> {
  event.preventDefault();
  const panel = state(s.page).panel;
  if (!panel) return;
  const values = formValues(event.currentTarget as HTMLFormElement);
  panel.values = values;
  const found = checkReason(values);
  if (found.length) return s.showErrors(fieldErrorsToFormErrors(found, reasonFieldIds(`accept-${p.id}`)));
  await setAccepted(s, p, accept, combineReason(values.preset ?? '', values.reason_text ?? ''));
}

postPanelSlots.push((p, s) => {
  const panel = state(s.page).panel;
  if (!panel || panel.postId !== p.id) return null;
  const cancel = html`<button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="button" @click=${() => close(s, p.id)}>Cancel</button>`;
  if (panel.kind === 'flag') {
    return html`<form class="app-panel" novalidate @submit=${(e: Event) => void sendFlag(e, s, p)} aria-labelledby=${`flag-${p.id}-heading`}>
      <h3 class="nhsuk-heading-s" id=${`flag-${p.id}-heading`}>Flag this post for a moderator</h3>
      <p>A moderator will review it. The author is not told who flagged it.</p>
      ${radiosField({ id: `flag-${p.id}-reason`, name: 'reason', label: 'Why are you flagging it?', choices: [...FLAG_REASONS], value: panel.values.reason, error: s.errors.fields.reason })}
      ${textareaField({
        id: `flag-${p.id}-details`,
        name: 'details',
        label: 'Details (required for something else)',
        hint: 'Up to 500 characters. Do not repeat anything that could identify a person.',
        value: panel.values.details,
        error: s.errors.fields.details,
        rows: 3,
      })}
      <div class="nhsuk-button-group">${button('Send flag', { disabled: panel.busy })} ${cancel}</div>
    </form>`;
  }
  const accept = panel.kind === 'accept';
  return html`<form class="app-panel" novalidate @submit=${(e: Event) => void sendAccept(e, s, p, accept)} aria-labelledby=${`accept-${p.id}-heading`}>
    <h3 class="nhsuk-heading-s" id=${`accept-${p.id}-heading`}>${accept ? 'Accept this reply as the answer' : 'Clear the accepted answer'}</h3>
    <p>You are deciding for the member who asked, so the reason is written to the audit log.</p>
    ${reasonFields({ prefix: `accept-${p.id}`, presets: cachedReasons(), values: panel.values, errors: s.errors.fields, message: false })}
    <div class="nhsuk-button-group">${button(accept ? 'Accept as answer' : 'Clear the answer')} ${cancel}</div>
  </form>`;
});
