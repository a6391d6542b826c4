// One thread: its posts in order with markers and quoted parents, paging, the reply form,
// editing, deleting and the earlier versions of one's own posts (and a moderator's edit of
// someone else's, with a reason), its tags and slow mode, the accepted answer, and the menus
// the forum features fill (watching, helpful, flags, answers, moderator actions).
import { html, nothing, type TemplateResult } from 'lit-html';
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import { api, call, type PostView, type Problem, type Revision, type ThreadPage } from '../api/client';
import { button, errorSummary, fieldErrorsToFormErrors, formValues, hasErrors, NO_ERRORS, problemToFormErrors, type FormErrors } from '../forms';
import { BodyEditor } from '../forum/editor';
import { setFlash, takeFlash } from '../forum/flash';
import { excerpt, markerTags, postMarkers, threadMarkers } from '../forum/markers';
import { spaceName, loadSpaces } from '../forum/space-names';
import { closeSlotPanels, postMenuItems, postPanels, threadMenuItems, threadPanels, type SlotContext } from '../forum/slots';
import { cachedReasons, checkReason, combineReason, loadReasons, reasonFieldIds, reasonFields } from '../forum/reasons';
import { slowModeText, tagList } from '../forum/tags';
// Each registers its menu items and forms in the slots, in this order.
import '../forum/watch';
import '../forum/post-actions';
import '../forum/moderator-menu';
import type { PageContext } from '../routes';
import { backLink, formatDateTime, insetText } from '../ui';
import { spacePath } from './spaces';

const PAGE_SIZE = 50;

type Panel = { kind: 'edit'; postId: number; editor: BodyEditor; asModerator: boolean; values: Record<string, string> } | { kind: 'delete'; postId: number } | { kind: 'versions'; postId: number; items: Revision[] | null };

/** How to mention a colleague (docs/notifications.md), under the post editors. */
export const MENTION_HINT =
  'You can use Markdown: **bold**, *italic*, lists and links. To mention a colleague, write @[their name] (for example @[Jane Smith]) or @jane.smith; they are told about your post. Do not include anything that could identify a person who uses services.';

function heldText(reason: string | null | undefined, what: 'thread' | 'post'): string {
  const why = reason ? ` (${reason})` : '';
  return `This ${what} is awaiting review${why}. Only you and the moderators can see it until a moderator approves it.`;
}

export async function threadPage(ctx: PageContext): Promise<void> {
  const id = Number(ctx.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) {
    ctx.showProblem({ type: 'about:blank', title: 'Page not found', status: 404 });
    return;
  }
  const [first, spaces] = await Promise.all([call(api.GET('/threads/{id}', { params: { path: { id }, query: { limit: PAGE_SIZE } } })), loadSpaces()]);
  if (!ctx.isCurrent()) return;
  if (!first.ok) {
    ctx.showProblem(first.problem);
    return;
  }
  let page: ThreadPage = first.data;
  let posts: PostView[] = first.data.posts;
  let nextCursor = first.data.next_cursor ?? null;
  let message = takeFlash();
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  let panel: Panel | null = null;
  let replyTo: PostView | null = null;
  const me = ctx.member;
  let replyEditor = newReplyEditor();

  function newReplyEditor(): BodyEditor {
    return new BodyEditor({ id: 'reply-body', name: 'body', label: 'Your reply', hint: MENTION_HINT, headingLevel: 3, rows: 6, rerender: () => rerender() });
  }

  const slotContext = (): SlotContext => ({
    page: ctx,
    thread: { ...page, posts },
    reload,
    errors,
    fail: (problem, fieldIds) => fail(problem, fieldIds),
    showErrors: (found) => {
      errors = found;
      message = null;
      rerender();
      ctx.focusErrorSummary();
    },
    clearErrors: () => {
      errors = NO_ERRORS;
      message = null;
    },
    announce: (text) => {
      errors = NO_ERRORS;
      message = text;
      rerender();
      focus('#thread-message');
    },
    rerender: () => rerender(),
    closePanels: () => {
      if (panel?.kind === 'edit') panel.editor.dispose();
      panel = null;
    },
  });

  /** Before the page opens a panel of its own, a feature's open form closes. */
  const openPanel = (next: Panel | null) => {
    if (panel?.kind === 'edit') panel.editor.dispose();
    closeSlotPanels(ctx);
    panel = next;
  };

  const fail = (problem: Problem, fieldIds: Record<string, string>) => {
    errors = problemToFormErrors(problem, fieldIds);
    message = null;
    rerender();
    ctx.focusErrorSummary();
  };

  const focus = (selector: string) => document.querySelector<HTMLElement>(selector)?.focus();

  /** Fetches the posts after the last one shown (more pages, or a reply just written). */
  const fetchAfter = async (): Promise<PostView[] | null> => {
    const cursor = nextCursor ?? (posts.length ? String(posts[posts.length - 1].id) : null);
    const query = cursor ? { limit: PAGE_SIZE, cursor } : { limit: PAGE_SIZE };
    const res = await call(api.GET('/threads/{id}', { params: { path: { id }, query } }));
    if (!ctx.isCurrent()) return null;
    if (!res.ok) {
      fail(res.problem, {});
      return null;
    }
    page = res.data;
    nextCursor = res.data.next_cursor ?? null;
    return res.data.posts;
  };

  async function reload(): Promise<void> {
    const res = await call(api.GET('/threads/{id}', { params: { path: { id }, query: { limit: Math.min(100, Math.max(PAGE_SIZE, posts.length)) } } }));
    if (!ctx.isCurrent()) return;
    if (!res.ok && res.problem.status === 404) {
      // An action (a flag that reached the threshold, say) took the thread out of the viewer's sight.
      setFlash('That thread is no longer available to you.');
      ctx.navigate(spacePath(page.thread.category));
      return;
    }
    if (!res.ok) return fail(res.problem, {});
    page = res.data;
    posts = res.data.posts;
    nextCursor = res.data.next_cursor ?? null;
    rerender();
  }

  const rerender = () => {
    if (!ctx.isCurrent()) {
      replyEditor.dispose();
      if (panel?.kind === 'edit') panel.editor.dispose();
      return;
    }
    const t = page.thread;
    const opening = posts.find((p) => p.is_first);
    const canReply = !t.locked && t.status !== 'deleted';
    const slots = slotContext();
    const threadItems = threadMenuItems(slots);
    const accepted = page.accepted_post_id ? posts.find((p) => p.id === page.accepted_post_id) : undefined;
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}${t.title}`,
      html`${backLink(spacePath(t.category), `Back to ${spaceName(spaces, t.category)}`)}
        ${errorSummary(errors)}
        ${message
          ? html`<div class="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="thread-message-title" id="thread-message" tabindex="-1">
              <div class="nhsuk-notification-banner__header">
                <h2 class="nhsuk-notification-banner__title" id="thread-message-title">Success</h2>
              </div>
              <div class="nhsuk-notification-banner__content"><p class="nhsuk-notification-banner__heading">${message}</p></div>
            </div>`
          : nothing}
        <div class="app-thread__header">
          <h1 class="app-thread__title">${t.title}</h1>
          ${markerTags(threadMarkers(t))}
          <p class="nhsuk-body-s app-thread__meta">Started by ${t.author_name} on ${formatDateTime(t.created_at)}</p>
          ${tagList(t.category, t.tags)}
          ${threadItems.length ? html`<ul class="nhsuk-list app-menu app-thread__menu" aria-label="Thread actions">${threadItems}</ul>` : nothing}
          ${threadPanels(slots)}
        </div>
        ${accepted
          ? insetText(html`<p><strong class="nhsuk-tag nhsuk-tag--green">Accepted answer</strong> ${t.author_name} accepted an answer to this question: <a href=${`#post-${accepted.id}`}>go to the answer by ${accepted.author_name}</a>.</p>`)
          : nothing}
        ${t.slow_mode_seconds > 0 ? insetText(html`<p>${slowModeText(t.slow_mode_seconds)}</p>`) : nothing}
        ${t.status === 'held' ? insetText(html`<p><strong class="nhsuk-tag nhsuk-tag--yellow">Awaiting review</strong> ${heldText(opening?.held_reason, 'thread')}</p>`) : nothing}
        ${t.locked ? insetText(html`<p>This thread is locked. No one can reply to it.</p>`) : nothing}
        <ol class="app-posts" aria-label="Posts" data-thread=${t.id}>
          ${posts.map((p) => postTemplate(p))}
        </ol>
        ${nextCursor ? html`<form novalidate @submit=${more}>${button('Show more posts', { secondary: true, disabled: busy })}</form>` : nothing}
        ${canReply ? replyForm() : nothing}`,
    );
  };

  const postTemplate = (p: PostView): TemplateResult => {
    const own = !!me && p.author_id === me.id;
    const parent = p.reply_to_id ? posts.find((x) => x.id === p.reply_to_id) : undefined;
    const items: TemplateResult[] = [];
    if (!page.thread.locked && p.status !== 'deleted') {
      items.push(html`<li><button class="app-link-button" type="button" @click=${() => startReply(p)}>Reply to this post<span class="nhsuk-u-visually-hidden"> by ${p.author_name}</span></button></li>`);
    }
    if (own && p.body_markdown != null) {
      items.push(html`<li><button class="app-link-button" type="button" @click=${() => startEdit(p, false)}>Edit<span class="nhsuk-u-visually-hidden"> your post</span></button></li>`);
    }
    if (!own && page.can_moderate && p.body_markdown != null && p.status !== 'deleted') {
      items.push(html`<li class="app-menu__moderator"><button class="app-link-button" type="button" @click=${() => startEdit(p, true)}>Edit<span class="nhsuk-u-visually-hidden"> the post by ${p.author_name} (a moderator action)</span></button></li>`);
    }
    if (own && p.status !== 'deleted') {
      items.push(html`<li><button class="app-link-button" type="button" @click=${() => startDelete(p)}>Delete<span class="nhsuk-u-visually-hidden"> your post</span></button></li>`);
    }
    if (p.edited_at && (own || page.can_moderate)) {
      items.push(html`<li><button class="app-link-button" type="button" @click=${() => showVersions(p)}>View earlier versions<span class="nhsuk-u-visually-hidden"> of the post by ${p.author_name}</span></button></li>`);
    }
    const slots = slotContext();
    items.push(...postMenuItems(p, slots));
    const isAccepted = page.accepted_post_id === p.id;
    const editing = panel?.kind === 'edit' && panel.postId === p.id ? panel : null;
    return html`<li class="app-post${p.reply_to_id ? ' app-post--reply' : ''}${isAccepted ? ' app-post--accepted' : ''}${p.status !== 'visible' ? ` app-post--${p.status}` : ''}" id=${`post-${p.id}`} tabindex="-1">
      <article aria-labelledby=${`post-${p.id}-author`}>
        <header class="app-post__header">
          <h2 class="nhsuk-heading-xs app-post__author" id=${`post-${p.id}-author`}>${p.author_name}${p.is_first ? html`<span class="nhsuk-u-visually-hidden"> started the thread</span>` : nothing}</h2>
          <p class="nhsuk-body-s app-post__meta">
            <time datetime=${p.created_at}>${formatDateTime(p.created_at)}</time>${p.edited_at ? html` · Edited <time datetime=${p.edited_at}>${formatDateTime(p.edited_at)}</time>` : nothing}
          </p>
          ${markerTags([...(isAccepted ? [{ text: 'Accepted answer', colour: 'green' as const }] : []), ...postMarkers(p)])}
        </header>
        ${p.reply_to_id
          ? html`<blockquote class="app-post__quote">
              ${parent
                ? html`<p class="nhsuk-body-s">In reply to <a href=${`#post-${parent.id}`}>${parent.author_name}</a>:</p>
                    <p class="nhsuk-body-s">${excerpt(parent.body_html)}</p>`
                : html`<p class="nhsuk-body-s">In reply to a post that is not shown.</p>`}
            </blockquote>`
          : nothing}
        ${p.status === 'held' ? html`<p class="nhsuk-body-s app-post__held">${heldText(p.held_reason, 'post')}</p>` : nothing}
        ${editing ? editForm(p, editing.editor) : html`<div class="app-post__body">${unsafeHTML(p.body_html)}</div>`}
        ${panel?.kind === 'delete' && panel.postId === p.id ? deleteConfirm(p) : nothing}
        ${panel?.kind === 'versions' && panel.postId === p.id ? versions(panel.items) : nothing}
        ${items.length && !editing ? html`<ul class="nhsuk-list app-menu app-post__menu" aria-label=${`Actions for the post by ${p.author_name}`}>${items}</ul>` : nothing}
        ${editing ? nothing : postPanels(p, slots)}
      </article>
    </li>`;
  };

  const editForm = (p: PostView, editor: BodyEditor) =>
    html`<form class="app-post__edit" novalidate @submit=${(e: Event) => saveEdit(e, p, editor)}>
      ${editor.template(errors.fields.body && panel?.kind === 'edit' ? errors.fields.body : undefined)}
      ${panel?.kind === 'edit' && panel.asModerator
        ? html`<p>You are changing someone else's post. The earlier version is kept in its history.</p>
            ${reasonFields({ prefix: `edit-${p.id}`, presets: cachedReasons(), values: panel.values, errors: errors.fields, message: false })}`
        : nothing}
      <div class="nhsuk-button-group">
        ${button('Save changes', { disabled: busy })}
        <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="button" @click=${cancelPanel}>Cancel</button>
      </div>
    </form>`;

  const deleteConfirm = (p: PostView) =>
    html`<div class="nhsuk-card nhsuk-card--warning app-post__confirm">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading"><span class="nhsuk-u-visually-hidden">Important: </span>Delete this post?</h3>
        <p>${p.is_first ? 'This is the first post, so the whole thread will be deleted.' : 'Other members will no longer see it.'}</p>
        <div class="nhsuk-button-group">
          <button class="nhsuk-button nhsuk-button--warning" data-module="nhsuk-button" type="button" ?disabled=${busy} @click=${() => confirmDelete(p)}>Yes, delete it</button>
          <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="button" @click=${cancelPanel}>No, keep it</button>
        </div>
      </div>
    </div>`;

  const versions = (items: Revision[] | null) =>
    html`<div class="app-post__versions">
      <h3 class="nhsuk-heading-s">Earlier versions</h3>
      ${items === null
        ? html`<p>Loading…</p>`
        : items.length === 0
          ? html`<p>There are no earlier versions.</p>`
          : html`<ol class="nhsuk-list app-revisions">
              ${items.map(
                (r) => html`<li class="app-revisions__item">
                  <p class="nhsuk-body-s">Before the change on ${formatDateTime(r.created_at)}:</p>
                  <pre class="app-revisions__text">${r.body_markdown}</pre>
                </li>`,
              )}
            </ol>`}
      <button class="app-link-button" type="button" @click=${cancelPanel}>Hide earlier versions</button>
    </div>`;

  const replyForm = () =>
    html`<form class="app-reply" novalidate @submit=${sendReply}>
      <h2 id="reply-heading">Reply</h2>
      ${replyTo
        ? html`<div class="app-reply__to">
            <p>Replying to ${replyTo.author_name}: <q>${excerpt(replyTo.body_html, 120)}</q></p>
            <button class="app-link-button" type="button" @click=${() => { replyTo = null; rerender(); }}>Reply to the thread instead</button>
          </div>`
        : nothing}
      ${replyEditor.template(panel?.kind === 'edit' ? undefined : errors.fields.body)}
      ${button('Post reply', { disabled: busy })}
    </form>`;

  const cancelPanel = () => {
    const was = panel;
    if (was?.kind === 'edit') was.editor.dispose();
    panel = null;
    rerender();
    if (was) focus(`#post-${was.postId}`);
  };

  const startReply = (p: PostView) => {
    replyTo = p;
    rerender();
    focus('#reply-body');
  };

  const startEdit = (p: PostView, asModerator: boolean) => {
    openPanel(null);
    errors = NO_ERRORS;
    const label = asModerator ? `Edit the post by ${p.author_name}` : 'Edit your post';
    const editor = new BodyEditor({ id: `edit-${p.id}`, name: 'body', label, hint: MENTION_HINT, headingLevel: 3, value: p.body_markdown ?? '', rerender: () => rerender() });
    panel = { kind: 'edit', postId: p.id, editor, asModerator, values: {} };
    if (asModerator && !cachedReasons()) void loadReasons().then(() => rerender());
    rerender();
    focus(`#edit-${p.id}`);
  };

  const startDelete = (p: PostView) => {
    openPanel({ kind: 'delete', postId: p.id });
    rerender();
    focus(`#post-${p.id} .app-post__confirm .nhsuk-button--warning`);
  };

  const showVersions = async (p: PostView) => {
    openPanel({ kind: 'versions', postId: p.id, items: null });
    rerender();
    const res = await call(api.GET('/posts/{id}/revisions', { params: { path: { id: p.id } } }));
    if (!ctx.isCurrent() || panel?.kind !== 'versions' || panel.postId !== p.id) return;
    if (!res.ok) return fail(res.problem, {});
    panel = { ...panel, items: res.data.items };
    rerender();
  };

  const saveEdit = async (event: Event, p: PostView, editor: BodyEditor) => {
    event.preventDefault();
    if (busy) return;
    const asModerator = panel?.kind === 'edit' && panel.asModerator;
    const fieldIds = { body: `edit-${p.id}`, ...(asModerator ? reasonFieldIds(`edit-${p.id}`) : {}) };
    const values = formValues(event.currentTarget as HTMLFormElement);
    if (panel?.kind === 'edit') panel.values = values;
    const found = [...(editor.value.trim() ? [] : [{ field: 'body', message: 'Enter the post' }]), ...(asModerator ? checkReason(values) : [])];
    if (found.length) {
      errors = fieldErrorsToFormErrors(found, fieldIds);
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    busy = true;
    const reason = asModerator ? combineReason(values.preset ?? '', values.reason_text ?? '') : undefined;
    const res = await call(api.PATCH('/posts/{id}', { params: { path: { id: p.id } }, body: reason ? { body: editor.value, reason } : { body: editor.value } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) return fail(res.problem, fieldIds);
    editor.dispose();
    panel = null;
    errors = NO_ERRORS;
    posts = posts.map((x) => (x.id === res.data.id ? res.data : x));
    message = res.data.status === 'held' ? heldText(res.data.held_reason, 'post') : asModerator ? `Your changes to the post by ${p.author_name} have been saved.` : 'Your changes have been saved.';
    rerender();
    focus('#thread-message');
  };

  const confirmDelete = async (p: PostView) => {
    if (busy) return;
    busy = true;
    const res = await call(api.DELETE('/posts/{id}', { params: { path: { id: p.id } }, body: {} }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) return fail(res.problem, {});
    panel = null;
    if (p.is_first) {
      setFlash('Your thread has been deleted.');
      ctx.navigate(spacePath(page.thread.category));
      return;
    }
    posts = posts.filter((x) => x.id !== p.id);
    message = 'Your post has been deleted.';
    errors = NO_ERRORS;
    rerender();
    ctx.focusHeading();
  };

  const more = async (event: Event) => {
    event.preventDefault();
    if (busy || !nextCursor) return;
    busy = true;
    const fresh = await fetchAfter();
    busy = false;
    if (!fresh) return;
    posts = [...posts, ...fresh.filter((f) => !posts.some((x) => x.id === f.id))];
    errors = NO_ERRORS;
    rerender();
    if (fresh[0]) focus(`#post-${fresh[0].id}`);
  };

  const sendReply = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!replyEditor.value.trim()) {
      errors = { title: 'There is a problem', items: [{ text: 'Enter your reply', href: '#reply-body' }], fields: { body: 'Enter your reply' } };
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    busy = true;
    errors = NO_ERRORS;
    rerender();
    const res = await call(api.POST('/threads/{id}/posts', { params: { path: { id } }, body: replyTo ? { body: replyEditor.value, reply_to: replyTo.id } : { body: replyEditor.value } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) return fail(res.problem, { body: 'reply-body', reply_to: 'reply-body' });
    replyEditor.dispose();
    replyEditor = newReplyEditor();
    replyTo = null;
    // Load everything up to the new reply, so it shows where it belongs.
    let fresh: PostView[] = [];
    do {
      const batch = await fetchAfter();
      if (!batch) return;
      fresh = [...fresh, ...batch];
    } while (nextCursor);
    posts = [...posts, ...fresh.filter((f) => !posts.some((x) => x.id === f.id))];
    message = res.data.status === 'held' ? heldText(res.data.held_reason, 'post').replace('This post', 'Your reply') : 'Your reply has been posted.';
    rerender();
    focus(`#post-${res.data.id}`);
  };

  rerender();
}
