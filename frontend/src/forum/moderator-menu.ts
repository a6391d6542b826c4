// The moderator's menu on a thread page they moderate: hide, unhide, delete, restore and
// redact posts and warn their authors; lock, pin, move, hide, slow down and retitle or retag the
// thread. Every action asks for a reason (a preset or one's own words) and, where the API takes
// one, a message to the author; the outcome is announced after the thread is read again.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type FieldError, type PostView, type Result, type Space } from '../api/client';
import { button, fieldErrorsToFormErrors, formValues, inputField, selectField, textareaField } from '../forms';
import { warningCallout } from '../ui';
import { isRedacted } from './markers';
import { perPage } from './page-state';
import { cachedReasons, checkReason, combineReason, loadReasons, reasonFieldIds, reasonFields } from './reasons';
import { loadSpaces } from './space-names';
import { panelClosers, postMenuSlots, postPanelSlots, threadMenuSlots, threadPanelSlots, type SlotContext } from './slots';
import { parseTags, SLOW_MODE_CHOICES } from './tags';

const PREFIX = 'mod';

interface Sent {
  reason: string;
  message?: string;
  values: Record<string, string>;
}

export interface ModAction {
  key: string;
  /** The menu item's text (the thing acted on is added for screen readers). */
  label: string;
  /** What screen readers hear after the label, when not "the post by …". */
  about?: string;
  heading: string;
  submit: string;
  explain?: string;
  /** A warning callout above the form (redaction can't be undone). */
  warning?: string;
  /** Whether the API takes a message to the author. */
  message: boolean;
  fields?: (values: Record<string, string>, errors: Record<string, string>) => TemplateResult;
  fieldIds?: Record<string, string>;
  check?: (values: Record<string, string>) => FieldError[];
  send: (sent: Sent) => Promise<Result<unknown>>;
  done: string;
}

interface Panel {
  target: 'thread' | number;
  action: ModAction;
  values: Record<string, string>;
  busy: boolean;
}

const state = perPage(() => ({ panel: null as Panel | null, spaces: null as Space[] | null }));
panelClosers.push((page) => {
  state(page).panel = null;
});

const hidden = (text: string) => html`<span class="nhsuk-u-visually-hidden">${text}</span>`;

function reasonBody(sent: Sent): { reason: string; message?: string } {
  return sent.message ? { reason: sent.reason, message: sent.message } : { reason: sent.reason };
}

type PostPath = '/moderation/posts/{id}/hide' | '/moderation/posts/{id}/unhide' | '/moderation/posts/{id}/restore' | '/moderation/posts/{id}/redact';
type ThreadPath =
  | '/moderation/threads/{id}/hide'
  | '/moderation/threads/{id}/unhide'
  | '/moderation/threads/{id}/restore'
  | '/moderation/threads/{id}/lock'
  | '/moderation/threads/{id}/unlock'
  | '/moderation/threads/{id}/pin'
  | '/moderation/threads/{id}/unpin';

function postAction(path: PostPath, id: number, over: Omit<ModAction, 'send' | 'message'>): ModAction {
  return { ...over, message: true, send: (sent) => call(api.POST(path, { params: { path: { id } }, body: reasonBody(sent) })) };
}

function threadAction(path: ThreadPath, id: number, over: Omit<ModAction, 'send' | 'message'>): ModAction {
  return { ...over, message: true, send: (sent) => call(api.POST(path, { params: { path: { id } }, body: reasonBody(sent) })) };
}

/** The actions a moderator has on one post, by its state. */
export function postActions(p: PostView, s: SlotContext): ModAction[] {
  if (!s.thread.can_moderate) return [];
  const own = s.page.member?.id === p.author_id;
  const out: ModAction[] = [];
  const what = p.is_first ? 'This is the first post, so the whole thread goes with it.' : undefined;
  if (p.status === 'visible') {
    out.push(postAction('/moderation/posts/{id}/hide', p.id, { key: 'hide', label: 'Hide', heading: 'Hide this post', submit: 'Hide post', explain: `Members will no longer see it; moderators still can. ${what ?? ''}`.trim(), done: 'The post has been hidden. Members can no longer see it.' }));
  }
  if (p.status === 'hidden') {
    out.push(postAction('/moderation/posts/{id}/unhide', p.id, { key: 'unhide', label: 'Unhide', heading: 'Show this post again', submit: 'Unhide post', done: 'The post is visible to members again.' }));
  }
  if (p.status === 'deleted') {
    out.push(postAction('/moderation/posts/{id}/restore', p.id, { key: 'restore', label: 'Restore', heading: 'Restore this post', submit: 'Restore post', done: 'The post has been restored.' }));
  }
  if (!own && (p.status === 'visible' || p.status === 'hidden')) {
    out.push({
      key: 'delete',
      label: 'Delete',
      heading: 'Delete this post',
      submit: 'Delete post',
      explain: what ?? 'Members will no longer see it. A moderator can restore it.',
      message: false,
      send: (sent) => call(api.DELETE('/posts/{id}', { params: { path: { id: p.id } }, body: { reason: sent.reason } })),
      done: 'The post has been deleted. Moderators can still restore it.',
    });
  }
  if (!isRedacted(p) && p.status !== 'deleted') {
    out.push(
      postAction('/moderation/posts/{id}/redact', p.id, {
        key: 'redact',
        label: 'Redact',
        heading: 'Redact this post',
        submit: 'Redact post',
        warning: 'Redaction removes the text for good, including every earlier version. It cannot be undone. Do not quote the text in your reason.',
        done: 'The post has been redacted. Its text has been removed for good.',
      }),
    );
  }
  if (!own) out.push(warnAuthor(p, s.thread.thread.category));
  return out;
}

/** A warning to the post's author about this space (space moderators must name one of theirs). */
function warnAuthor(p: PostView, category: string): ModAction {
  const messageId = `${PREFIX}-warn-message`;
  return {
    key: 'warn',
    label: 'Warn the author',
    about: `, ${p.author_name}`,
    heading: `Warn ${p.author_name}`,
    submit: 'Send warning',
    explain: 'They get a notification and an email with your message. The warning is recorded in the moderation log, where they can appeal it.',
    message: false,
    fields: (values, errors) => warningMessageField(messageId, values.message, errors.message),
    fieldIds: { message: messageId },
    check: (v) => ((v.message ?? '').trim() ? [] : [{ field: 'message', message: 'Enter a message for the member' }]),
    send: (sent) =>
      call(api.POST('/members/{id}/warn', { params: { path: { id: p.author_id } }, body: { message: (sent.values.message ?? '').trim(), reason: sent.reason, category } })),
    done: `Your warning has been sent to ${p.author_name}.`,
  };
}

/** The warning's message, which the member reads: on the member page and in the post's menu. */
export function warningMessageField(id: string, value: string | undefined, error: string | undefined): TemplateResult {
  return textareaField({
    id,
    name: 'message',
    label: 'Message to the member',
    hint: 'They see this in their notifications and by email. Do not quote what they wrote or include case information.',
    value,
    error,
    rows: 4,
  });
}

const titleAndTags = (values: Record<string, string>, errors: Record<string, string>) =>
  html`${inputField({ id: `${PREFIX}-title`, name: 'title', label: 'Title', value: values.title, error: errors.title })}
    ${inputField({ id: `${PREFIX}-tags`, name: 'tags', label: 'Tags', hint: 'Separate tags with commas, up to 5', value: values.tags, error: errors.tags })}`;

/** The actions a moderator has on the thread. */
export function threadActions(s: SlotContext, spaces: Space[] | null): ModAction[] {
  if (!s.thread.can_moderate) return [];
  const t = s.thread.thread;
  const out: ModAction[] = [];
  out.push(
    t.locked
      ? threadAction('/moderation/threads/{id}/unlock', t.id, { key: 'unlock', label: 'Unlock', heading: 'Unlock this thread', submit: 'Unlock thread', done: 'The thread has been unlocked. Members can reply again.' })
      : threadAction('/moderation/threads/{id}/lock', t.id, { key: 'lock', label: 'Lock', heading: 'Lock this thread', submit: 'Lock thread', explain: 'Members will no longer be able to reply.', done: 'The thread has been locked. Members can no longer reply.' }),
  );
  out.push(
    t.pinned
      ? threadAction('/moderation/threads/{id}/unpin', t.id, { key: 'unpin', label: 'Unpin', heading: 'Unpin this thread', submit: 'Unpin thread', done: 'The thread is no longer pinned.' })
      : threadAction('/moderation/threads/{id}/pin', t.id, { key: 'pin', label: 'Pin', heading: 'Pin this thread', submit: 'Pin thread', explain: 'Pinned threads stay at the top of their space.', done: 'The thread has been pinned to the top of its space.' }),
  );
  const others = (spaces ?? []).filter((x) => x.slug !== t.category);
  out.push({
    key: 'move',
    label: 'Move',
    heading: 'Move this thread to another space',
    submit: 'Move thread',
    explain: 'You must moderate both spaces.',
    message: false,
    fields: (values, errors) =>
      selectField({
        id: `${PREFIX}-category`,
        name: 'category',
        label: 'Move to',
        choices: [{ value: '', text: 'Choose a space' }, ...others.map((x) => ({ value: x.slug, text: x.name }))],
        value: values.category,
        error: errors.category,
      }),
    fieldIds: { category: `${PREFIX}-category` },
    check: (v) => (v.category ? [] : [{ field: 'category', message: 'Choose the space to move the thread to' }]),
    send: (sent) => call(api.POST('/moderation/threads/{id}/move', { params: { path: { id: t.id } }, body: { category: sent.values.category, reason: sent.reason } })),
    done: 'The thread has been moved.',
  });
  if (t.status === 'visible') {
    out.push(threadAction('/moderation/threads/{id}/hide', t.id, { key: 'hide', label: 'Hide', heading: 'Hide this thread', submit: 'Hide thread', explain: 'Members will no longer see the thread; moderators still can.', done: 'The thread has been hidden. Members can no longer see it.' }));
  } else if (t.status === 'hidden') {
    out.push(threadAction('/moderation/threads/{id}/unhide', t.id, { key: 'unhide', label: 'Unhide', heading: 'Show this thread again', submit: 'Unhide thread', done: 'The thread is visible to members again.' }));
  } else if (t.status === 'deleted') {
    out.push(threadAction('/moderation/threads/{id}/restore', t.id, { key: 'restore', label: 'Restore', heading: 'Restore this thread', submit: 'Restore thread', done: 'The thread has been restored.' }));
  }
  out.push({
    key: 'slow-mode',
    label: 'Slow mode',
    heading: 'Slow mode',
    submit: 'Save slow mode',
    explain: 'How long each member waits between their replies in this thread.',
    message: false,
    fields: (values, errors) =>
      selectField({ id: `${PREFIX}-seconds`, name: 'seconds', label: 'Members may reply once every', choices: SLOW_MODE_CHOICES, value: values.seconds ?? String(t.slow_mode_seconds), error: errors.seconds }),
    fieldIds: { seconds: `${PREFIX}-seconds` },
    send: (sent) => call(api.POST('/threads/{id}/slow-mode', { params: { path: { id: t.id } }, body: { seconds: Number(sent.values.seconds ?? '0'), reason: sent.reason } })),
    done: 'Slow mode has been saved.',
  });
  out.push({
    key: 'edit',
    label: 'Edit title and tags',
    heading: 'Edit the title and tags',
    submit: 'Save title and tags',
    message: false,
    fields: titleAndTags,
    fieldIds: { title: `${PREFIX}-title`, tags: `${PREFIX}-tags` },
    check: (v) => ((v.title ?? '').trim() ? [] : [{ field: 'title', message: 'Enter a title' }]),
    send: (sent) => call(api.PATCH('/threads/{id}', { params: { path: { id: t.id } }, body: { title: (sent.values.title ?? '').trim(), tags: parseTags(sent.values.tags ?? ''), reason: sent.reason } })),
    done: 'The title and tags have been saved.',
  });
  return out;
}

function fieldIds(action: ModAction): Record<string, string> {
  return { ...reasonFieldIds(PREFIX), ...(action.fieldIds ?? {}) };
}

async function open(s: SlotContext, target: Panel['target'], action: ModAction): Promise<void> {
  // The form opens with its preset reasons (asked for once per visit, usually already here).
  if (!cachedReasons()) await loadReasons();
  if (!s.page.isCurrent()) return;
  s.closePanels();
  s.clearErrors();
  const t = s.thread.thread;
  const values: Record<string, string> = action.key === 'edit' && target === 'thread' ? { title: t.title, tags: t.tags.join(', ') } : {};
  state(s.page).panel = { target, action, values, busy: false };
  s.rerender();
  document.getElementById(`${PREFIX}-heading`)?.focus();
}

function close(s: SlotContext): void {
  const panel = state(s.page).panel;
  state(s.page).panel = null;
  s.clearErrors();
  s.rerender();
  if (panel && panel.target !== 'thread') document.getElementById(`post-${panel.target}`)?.focus();
  else s.page.focusHeading();
}

async function submit(event: Event, s: SlotContext): Promise<void> {
  event.preventDefault();
  const panel = state(s.page).panel;
  if (!panel || panel.busy) return;
  const values = formValues(event.currentTarget as HTMLFormElement);
  panel.values = values;
  const found = [...(panel.action.check?.(values) ?? []), ...checkReason(values)];
  if (found.length) return s.showErrors(fieldErrorsToFormErrors(found, fieldIds(panel.action)));
  panel.busy = true;
  s.clearErrors();
  s.rerender();
  const message = panel.action.message ? values.message?.trim() : undefined;
  const res = await panel.action.send({ reason: combineReason(values.preset ?? '', values.reason_text ?? ''), message: message || undefined, values });
  panel.busy = false;
  if (!s.page.isCurrent()) return;
  if (!res.ok) return s.fail(res.problem, fieldIds(panel.action));
  state(s.page).panel = null;
  const note = (res.data as { note?: string } | null)?.note;
  await s.reload();
  s.announce(note ? `${panel.action.done} ${note}` : panel.action.done);
}

function panelTemplate(s: SlotContext, panel: Panel): TemplateResult {
  const a = panel.action;
  return html`<form class="app-panel app-panel--moderator" novalidate @submit=${(e: Event) => void submit(e, s)} aria-labelledby=${`${PREFIX}-heading`}>
    <h3 class="nhsuk-heading-s" id=${`${PREFIX}-heading`} tabindex="-1">${a.heading}</h3>
    ${a.warning ? warningCallout('This cannot be undone', html`<p>${a.warning}</p>`) : nothing}
    ${a.explain ? html`<p>${a.explain}</p>` : nothing}
    ${a.fields ? a.fields(panel.values, s.errors.fields) : nothing}
    ${reasonFields({ prefix: PREFIX, presets: cachedReasons(), values: panel.values, errors: s.errors.fields, message: a.message })}
    <div class="nhsuk-button-group">
      ${button(a.submit, { warning: a.key === 'redact' || a.key === 'delete', disabled: panel.busy })}
      <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="button" @click=${() => close(s)}>Cancel</button>
    </div>
  </form>`;
}

postMenuSlots.push((p, s) =>
  postActions(p, s).map(
    (a) => html`<li class="app-menu__moderator">
      <button class="app-link-button" type="button" @click=${() => void open(s, p.id, a)}>${a.label}${hidden(`${a.about ?? ` the post by ${p.author_name}`} (a moderator action)`)}</button>
    </li>`,
  ),
);

postPanelSlots.push((p, s) => {
  const panel = state(s.page).panel;
  return panel && panel.target === p.id ? panelTemplate(s, panel) : null;
});

threadMenuSlots.push((s) => {
  if (!s.thread.can_moderate) return null;
  if (!cachedReasons()) void loadReasons();
  const st = state(s.page);
  if (!st.spaces) {
    void loadSpaces().then((spaces) => {
      if (spaces && !st.spaces) {
        st.spaces = spaces;
        if (s.page.isCurrent()) s.rerender();
      }
    });
  }
  return threadActions(s, st.spaces).map(
    (a) => html`<li class="app-menu__moderator">
      <button class="app-link-button" type="button" @click=${() => void open(s, 'thread', a)}>${a.label}${hidden(' (a moderator action on this thread)')}</button>
    </li>`,
  );
});

threadPanelSlots.push((s) => {
  const panel = state(s.page).panel;
  return panel && panel.target === 'thread' ? panelTemplate(s, panel) : null;
});
