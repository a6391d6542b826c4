import { describe, expect, it } from 'vitest';
import type { ActivityFeed, PostView, ThreadSummary } from '../src/api/client';
import { excerpt, postMarkers, replyCountText, threadMarkers } from '../src/forum/markers';
import { postMenuItems, postMenuSlots, type SlotContext } from '../src/forum/slots';
import { html } from 'lit-html';
import { splitActivity } from '../src/pages/home';
import { parseSort, spacePath, threadCountText } from '../src/pages/spaces';

function thread(over: Partial<ThreadSummary> = {}): ThreadSummary {
  return {
    id: 1,
    category: 'london',
    title: 'A thread',
    kind: 'discussion',
    status: 'visible',
    pinned: false,
    locked: false,
    answered: false,
    reply_count: 0,
    author_id: 2,
    author_name: 'Sam',
    last_activity_at: '2026-01-01T00:00:00Z',
    created_at: '2026-01-01T00:00:00Z',
    tags: [],
    slow_mode_seconds: 0,
    ...over,
  };
}

describe('thread markers', () => {
  it('marks pinned, held, locked and answered threads, in that order', () => {
    expect(threadMarkers(thread()).map((m) => m.text)).toEqual([]);
    expect(threadMarkers(thread({ pinned: true, status: 'held', locked: true, kind: 'question', answered: true })).map((m) => m.text)).toEqual([
      'Pinned',
      'Awaiting review',
      'Locked',
      'Answered',
    ]);
    expect(threadMarkers(thread({ kind: 'question' })).map((m) => m.text)).toEqual(['Question']);
  });

  it('marks held, hidden and deleted posts', () => {
    const post = { status: 'held' } as PostView;
    expect(postMarkers(post).map((m) => m.text)).toEqual(['Awaiting review']);
    expect(postMarkers({ ...post, status: 'visible' })).toEqual([]);
  });

  it('counts replies and threads in words', () => {
    expect(replyCountText(0)).toBe('0 replies');
    expect(replyCountText(1)).toBe('1 reply');
    expect(threadCountText(1)).toBe('1 thread');
    expect(threadCountText(12)).toBe('12 threads');
  });
});

describe('excerpt', () => {
  it('takes the text of sanitised HTML, shortened at a word', () => {
    expect(excerpt('<p>Hello <strong>there</strong></p>\n<p>colleagues</p>')).toBe('Hello there colleagues');
    const long = `<p>${'word '.repeat(100)}</p>`;
    const out = excerpt(long, 50);
    expect(out.endsWith('\u2026')).toBe(true);
    expect(out.length).toBeLessThanOrEqual(51);
    expect(out).not.toMatch(/wor\u2026$/);
  });

  it('never runs or loads anything while reading the text', () => {
    expect(excerpt('<img src=x onerror="window.__hit=1"><p>ok</p>')).toBe('ok');
    expect((window as unknown as { __hit?: number }).__hit).toBeUndefined();
  });
});

describe('sorting and paths', () => {
  it('accepts the three sorts and defaults to activity', () => {
    expect(parseSort('new')).toBe('new');
    expect(parseSort('unanswered')).toBe('unanswered');
    expect(parseSort('bogus')).toBe('activity');
    expect(parseSort(null)).toBe('activity');
    expect(spacePath('london')).toBe('/spaces/london');
    expect(spacePath('london', 'new')).toBe('/spaces/london?sort=new');
    expect(spacePath('a b')).toBe('/spaces/a%20b');
  });
});

describe('splitActivity', () => {
  it('separates the regional space from the rest, keeping order', () => {
    const feed: ActivityFeed = {
      region_space: 'north-west',
      items: [thread({ id: 1, category: 'north-west' }), thread({ id: 2, category: 'london' }), thread({ id: 3, category: 'north-west' })],
    };
    const { region, elsewhere } = splitActivity(feed);
    expect(region.map((t) => t.id)).toEqual([1, 3]);
    expect(elsewhere.map((t) => t.id)).toEqual([2]);
    expect(splitActivity({ items: feed.items }).elsewhere.length).toBe(3);
  });
});

describe('post menu slots', () => {
  it('collects the items later features register', () => {
    const post = { id: 5 } as PostView;
    postMenuSlots.push((p) => (p.id === 5 ? html`<li>Helpful</li>` : null));
    try {
      expect(postMenuItems(post, {} as SlotContext).length).toBe(1);
      expect(postMenuItems({ id: 6 } as PostView, {} as SlotContext).length).toBe(0);
    } finally {
      postMenuSlots.pop();
    }
  });
});
