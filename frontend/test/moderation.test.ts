import { describe, expect, it } from 'vitest';
import { actionText, combineReason, reasonErrors, type LogEntry, type QueueItem } from '../src/pages/moderation/common';
import { actionsFor, itemTitle, kindOfId } from '../src/pages/moderation/queue';
import { targetHref } from '../src/pages/moderation/log';
import { moved } from '../src/pages/admin/spaces';
import { checkWarning } from '../src/pages/members';
import { wholeNumber } from '../src/pages/settings';

const item = (over: Partial<QueueItem>): QueueItem => ({
  id: 'post-1',
  kind: 'held',
  created_at: '2026-01-01T00:00:00Z',
  summary: { findings: [], flags: [], flag_count: 0, thread_title: 'A thread' },
  ...over,
});

const entry = (target: LogEntry['target']): LogEntry => ({
  id: 1,
  automatic: false,
  action: 'post.hidden',
  target,
  appealable: false,
  created_at: '2026-01-01T00:00:00Z',
});

describe('reasons', () => {
  it('joins a preset reason and the moderator’s words', () => {
    expect(combineReason('Spam', '')).toBe('Spam');
    expect(combineReason('', '  my words ')).toBe('my words');
    expect(combineReason('Spam', 'advert for a course')).toBe('Spam: advert for a course');
    expect(combineReason(' ', ' ')).toBe('');
  });

  it('asks for a reason when there is neither', () => {
    expect(reasonErrors({ preset: '', reason: ' ' })).toEqual([{ field: 'reason', message: 'Choose a reason or write one' }]);
    expect(reasonErrors({ preset: 'Spam' })).toEqual([]);
    expect(reasonErrors({ reason: 'x' })).toEqual([]);
  });

  it('words log actions, leaving unknown ones as they are', () => {
    expect(actionText('post.redacted')).toBe('Post text removed');
    expect(actionText('something.new')).toBe('something.new');
  });
});

describe('queue items', () => {
  it('offers every decision on posts, only approve and reject on members and appeals', () => {
    expect(actionsFor(item({ kind: 'held' })).map((a) => a.value)).toEqual(['approve', 'reject', 'hide', 'redact']);
    expect(actionsFor(item({ kind: 'flagged' })).map((a) => a.value)).toEqual(['approve', 'reject', 'hide', 'redact']);
    expect(actionsFor(item({ kind: 'member' })).map((a) => a.value)).toEqual(['approve', 'reject']);
    expect(actionsFor(item({ kind: 'appeal' })).map((a) => a.value)).toEqual(['approve', 'reject']);
  });

  it('narrows the search for one item by its id', () => {
    expect(kindOfId('member-3')).toBe('member');
    expect(kindOfId('appeal-5')).toBe('appeal');
    expect(kindOfId('post-12')).toBeUndefined();
  });

  it('names an item by its thread, member or appellant', () => {
    expect(itemTitle(item({}))).toBe('A thread');
    expect(itemTitle(item({ kind: 'member', summary: { findings: [], flags: [], flag_count: 0, member: { id: 2, display_name: 'Pat', email: 'p@x', organisation: 'o', job_role: 'j', region: 'london' } } }))).toBe('Pat');
    expect(itemTitle(item({ kind: 'appeal', summary: { findings: [], flags: [], flag_count: 0 } }))).toBe('Appeal by a member');
  });
});

describe('log targets', () => {
  it('links posts and threads the viewer may see, nothing else', () => {
    expect(targetHref(entry({ type: 'post', id: 7, thread_id: 3 }))).toBe('/threads/3#post-7');
    expect(targetHref(entry({ type: 'thread', id: 3, thread_id: 3 }))).toBe('/threads/3');
    expect(targetHref(entry({ type: 'post', id: 7 }))).toBeNull();
    expect(targetHref(entry({ type: 'member', id: 2, label: 'Pat' }))).toBeNull();
  });
});

describe('space order', () => {
  it('swaps a space with its neighbour, and leaves the ends alone', () => {
    expect(moved(['a', 'b', 'c'], 'b', -1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 'b', 1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b', 'c'], 'a', -1)).toEqual(['a', 'b', 'c']);
    expect(moved(['a', 'b', 'c'], 'c', 1)).toEqual(['a', 'b', 'c']);
    expect(moved(['a', 'b'], 'z', 1)).toEqual(['a', 'b']);
  });
});

describe('settings numbers', () => {
  it('takes whole numbers in range only', () => {
    const rule = wholeNumber(0, 50, 'First posts');
    expect(rule('0')).toBeNull();
    expect(rule(' 50 ')).toBeNull();
    expect(rule('51')).toMatch(/0 to 50/);
    expect(rule('2.5')).toMatch(/whole number/);
    expect(rule('')).toMatch(/whole number/);
  });
});

describe('warnings', () => {
  it('need a message and a reason, the message first as on the form', () => {
    expect(checkWarning({}).map((e) => e.field)).toEqual(['message', 'reason']);
    expect(checkWarning({ message: ' ', preset: 'Spam' }).map((e) => e.field)).toEqual(['message']);
    expect(checkWarning({ message: 'Please stop', reason_text: 'Second advert' })).toEqual([]);
    expect(checkWarning({ message: 'x'.repeat(2001), reason_text: 'ok' }).map((e) => e.field)).toEqual(['message']);
  });
});
