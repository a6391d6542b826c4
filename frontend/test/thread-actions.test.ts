// The pieces behind the thread page's actions: flag and reason checks, tags, slow mode,
// helpful counts, the header's unread count, and which moderator actions a post or thread offers.
import { describe, expect, it } from 'vitest';
import type { PostView, ThreadPage } from '../src/api/client';
import { checkFlag, helpfulCountText } from '../src/forum/post-actions';
import { checkReason, combineReason } from '../src/forum/reasons';
import { durationText, parseTags, slowModeText, tagPath } from '../src/forum/tags';
import { postActions, threadActions } from '../src/forum/moderator-menu';
import { isRedacted, postMarkers } from '../src/forum/markers';
import type { SlotContext } from '../src/forum/slots';
import { NO_ERRORS } from '../src/forms';
import { notificationsLinkText } from '../src/nav';
import { spacePath } from '../src/pages/spaces';
import { unreadText } from '../src/pages/notifications';
import type { PageContext } from '../src/routes';

function post(over: Partial<PostView> = {}): PostView {
  return { id: 2, thread_id: 1, author_id: 5, author_name: 'Ari', is_first: false, body_html: '<p>Hi</p>', status: 'visible', helpful_count: 0, viewer_found_helpful: false, created_at: '2026-01-01T00:00:00Z', ...over };
}

function slots(over: Partial<ThreadPage['thread']> = {}, canModerate = true): SlotContext {
  const thread: ThreadPage = {
    thread: { id: 1, category: 'london', title: 'T', kind: 'discussion', status: 'visible', pinned: false, locked: false, answered: false, reply_count: 1, author_id: 5, author_name: 'Ari', last_activity_at: '', created_at: '', tags: ['rota'], slow_mode_seconds: 0, ...over },
    posts: [],
    can_moderate: canModerate,
    watching: false,
  };
  const page = { member: { id: 9 } } as unknown as PageContext;
  const noop = () => {};
  return { page, thread, reload: async () => {}, errors: NO_ERRORS, fail: noop, showErrors: noop, clearErrors: noop, announce: noop, rerender: noop, closePanels: noop };
}

describe('flags', () => {
  it('needs a known reason, and details for something else', () => {
    expect(checkFlag({}).map((e) => e.field)).toEqual(['reason']);
    expect(checkFlag({ reason: 'spam' })).toEqual([]);
    expect(checkFlag({ reason: 'other', details: '  ' }).map((e) => e.field)).toEqual(['details']);
    expect(checkFlag({ reason: 'other', details: 'It names a ward' })).toEqual([]);
    expect(checkFlag({ reason: 'spam', details: 'x'.repeat(501) }).map((e) => e.field)).toEqual(['details']);
  });
});

describe('reasons', () => {
  it('joins a preset and one\u2019s own words, or uses either alone', () => {
    expect(combineReason('Spam', '')).toBe('Spam');
    expect(combineReason('', ' my words ')).toBe('my words');
    expect(combineReason('Spam', 'second time')).toBe('Spam: second time');
  });

  it('requires a reason and keeps it and the message within their limits', () => {
    expect(checkReason({}).map((e) => e.field)).toEqual(['reason']);
    expect(checkReason({ preset: 'Spam' })).toEqual([]);
    expect(checkReason({ reason_text: 'x'.repeat(501) }).map((e) => e.field)).toEqual(['reason']);
    expect(checkReason({ reason_text: 'ok', message: 'x'.repeat(2001) }).map((e) => e.field)).toEqual(['message']);
  });
});

describe('tags and slow mode', () => {
  it('splits tags at commas, tidies spaces and drops repeats', () => {
    expect(parseTags(' Supervision,  AMHP   rota, ,Supervision,')).toEqual(['Supervision', 'AMHP rota']);
    expect(parseTags('')).toEqual([]);
    expect(tagPath('london', 'amhp rota')).toBe('/spaces/london?tag=amhp%20rota');
  });

  it('keeps the sort and the tag in a space\u2019s address', () => {
    expect(spacePath('london')).toBe('/spaces/london');
    expect(spacePath('london', 'new', 'rota')).toBe('/spaces/london?sort=new&tag=rota');
    expect(spacePath('london', 'activity', 'rota')).toBe('/spaces/london?tag=rota');
  });

  it('says how long members wait', () => {
    expect(durationText(30)).toBe('30 seconds');
    expect(durationText(60)).toBe('1 minute');
    expect(durationText(900)).toBe('15 minutes');
    expect(durationText(3600)).toBe('1 hour');
    expect(slowModeText(300)).toBe('Slow mode is on: members can reply once every 5 minutes.');
  });
});

describe('counts in words', () => {
  it('counts helpful votes and unread notifications', () => {
    expect(helpfulCountText(0)).toBe('No one has marked this helpful yet');
    expect(helpfulCountText(1)).toBe('1 person found this helpful');
    expect(helpfulCountText(4)).toBe('4 people found this helpful');
    expect(notificationsLinkText(null)).toBe('Notifications');
    expect(notificationsLinkText(0)).toBe('Notifications');
    expect(notificationsLinkText(3)).toBe('Notifications (3 unread)');
    expect(unreadText(1)).toBe('You have 1 unread notification.');
  });
});

describe('moderator actions', () => {
  const keys = (p: PostView, s = slots()) => postActions(p, s).map((a) => a.key);

  it('follow the post\u2019s state, and none for someone who doesn\u2019t moderate here', () => {
    expect(keys(post())).toEqual(['hide', 'delete', 'redact', 'warn']);
    expect(keys(post({ status: 'hidden' }))).toEqual(['unhide', 'delete', 'redact', 'warn']);
    expect(keys(post({ status: 'deleted' }))).toEqual(['restore', 'warn']);
    expect(keys(post({ author_id: 9 }))).toEqual(['hide', 'redact']);
    expect(keys(post(), slots({}, false))).toEqual([]);
  });

  it('can\u2019t redact twice, and mark a redacted post', () => {
    const redacted = post({ body_html: '<p class="app-redacted">Removed by moderators.</p>' });
    expect(isRedacted(redacted)).toBe(true);
    expect(keys(redacted)).toEqual(['hide', 'delete', 'warn']);
    expect(postMarkers({ ...redacted, status: 'hidden' }).map((m) => m.text)).toEqual(['Hidden', 'Redacted']);
  });

  it('warn the author about this space, with a message they must be given', () => {
    const warn = postActions(post(), slots()).find((a) => a.key === 'warn');
    expect(warn?.message).toBe(false);
    expect(warn?.check?.({ message: '  ' }).map((e) => e.field)).toEqual(['message']);
    expect(warn?.check?.({ message: 'Please keep case details out of posts' })).toEqual([]);
    expect(warn?.fieldIds).toEqual({ message: 'mod-warn-message' });
    expect(warn?.done).toBe('Your warning has been sent to Ari.');
  });

  it('on the thread follow its state; only redaction and deletion carry no message', () => {
    const open = threadActions(slots(), []).map((a) => a.key);
    expect(open).toEqual(['lock', 'pin', 'move', 'hide', 'slow-mode', 'edit']);
    const closed = threadActions(slots({ locked: true, pinned: true, status: 'hidden' }), []).map((a) => a.key);
    expect(closed).toEqual(['unlock', 'unpin', 'move', 'unhide', 'slow-mode', 'edit']);
    expect(threadActions(slots({}, false), [])).toEqual([]);
    const byKey = Object.fromEntries(threadActions(slots(), []).map((a) => [a.key, a]));
    expect(byKey.lock.message).toBe(true);
    expect(byKey.move.message).toBe(false);
    expect(byKey.move.check?.({})).toHaveLength(1);
    expect(byKey.edit.check?.({ title: ' ' })).toHaveLength(1);
  });
});
