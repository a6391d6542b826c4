// The thread page rendered against a stubbed API: locked threads, held posts, quotes and the
// menu slots later features fill.
import { html, render } from 'lit-html';
import { describe, expect, it, vi } from 'vitest';
import type { Member, PostView, ThreadPage } from '../src/api/client';
import type { PageContext } from '../src/routes';

const ME: Member = {
  id: 7,
  email: 'sam@example.org',
  display_name: 'Sam',
  organisation: 'Trust',
  job_role: 'AMHP',
  region: 'london',
  role: 'member',
  status: 'active',
  email_verified: true,
  created_at: '2026-01-01T00:00:00Z',
};

function post(over: Partial<PostView>): PostView {
  return {
    id: 1,
    thread_id: 3,
    author_id: 2,
    author_name: 'Ari',
    is_first: false,
    body_html: '<p>Hello</p>',
    status: 'visible',
    helpful_count: 0,
    viewer_found_helpful: false,
    created_at: '2026-01-01T10:00:00Z',
    ...over,
  };
}

function threadPage(over: Partial<ThreadPage['thread']>, posts: PostView[]): ThreadPage {
  return {
    thread: {
      id: 3,
      category: 'london',
      title: 'A thread',
      kind: 'discussion',
      status: 'visible',
      pinned: false,
      locked: false,
      answered: false,
      reply_count: posts.length - 1,
      author_id: 2,
      author_name: 'Ari',
      last_activity_at: '2026-01-01T10:00:00Z',
      created_at: '2026-01-01T10:00:00Z',
      tags: [],
      slow_mode_seconds: 0,
      ...over,
    },
    posts,
    can_moderate: false,
    watching: false,
  };
}

let answer: ThreadPage;
vi.mock('../src/api/client', async (original) => ({
  ...(await original<typeof import('../src/api/client')>()),
  api: {
    GET: async (path: string) => ({
      data: path === '/categories' ? { items: [{ slug: 'london', name: 'London', description: '', kind: 'region', pre_moderated: false, thread_count: 1 }] } : answer,
      response: new Response(null, { status: 200 }),
    }),
  },
}));

async function open(page: ThreadPage): Promise<HTMLElement> {
  answer = page;
  const { threadPage: show } = await import('../src/pages/thread');
  const target = document.createElement('main');
  document.body.replaceChildren(target);
  const ctx = {
    params: { id: String(page.thread.id) },
    query: new URLSearchParams(),
    path: `/threads/${page.thread.id}`,
    member: ME,
    isCurrent: () => true,
    show: (_title: string, content: unknown) => render(content as never, target),
    focusErrorSummary: () => {},
    focusHeading: () => {},
    navigate: () => {},
    setMember: () => {},
    refreshMember: async () => ME,
    showProblem: () => {
      throw new Error('unexpected problem');
    },
  } satisfies PageContext;
  await show(ctx);
  return target;
}

describe('thread page', () => {
  it('says a locked thread is locked and offers no way to reply', async () => {
    const el = await open(threadPage({ locked: true }, [post({ id: 1, is_first: true }), post({ id: 2 })]));
    expect(el.textContent).toContain('This thread is locked');
    expect(el.querySelector('.app-reply')).toBeNull();
    expect(el.textContent).not.toContain('Reply to this post');
    expect(el.querySelector('.app-markers')?.textContent).toContain('Locked');
  });

  it('offers the reply form and per-post replies on an open thread', async () => {
    const el = await open(threadPage({}, [post({ id: 1, is_first: true }), post({ id: 2 })]));
    expect(el.querySelector('form.app-reply textarea#reply-body')).not.toBeNull();
    const replies = [...el.querySelectorAll('.app-post__menu button')].filter((b) => b.textContent?.trim().startsWith('Reply to this post'));
    expect(replies.length).toBe(2);
    expect(el.querySelector('.nhsuk-back-link')?.textContent).toBe('Back to London');
  });

  it('marks the author\u2019s held post with its reason, and quotes the post a reply answers', async () => {
    const el = await open(
      threadPage({}, [
        post({ id: 1, is_first: true, body_html: '<p>The <em>opening</em> question</p>' }),
        post({ id: 2, author_id: ME.id, author_name: 'Sam', reply_to_id: 1, status: 'held', held_reason: 'possible case information', body_markdown: 'mine' }),
      ]),
    );
    const mine = el.querySelector('#post-2')!;
    expect(mine.classList.contains('app-post--reply')).toBe(true);
    expect(mine.querySelector('.app-post__quote')?.textContent).toMatch(/In reply to\s+Ari:\s+The opening question/);
    expect(mine.querySelector('.app-markers')?.textContent).toContain('Awaiting review');
    expect(mine.querySelector('.app-post__held')?.textContent).toContain('possible case information');
    const actions = [...mine.querySelectorAll('.app-post__menu button')].map((b) => b.textContent?.replace(/\s+/g, ' ').trim());
    // Held: no helpful votes or flags yet.
    expect(actions).toEqual(['Reply to this post by Sam', 'Edit your post', 'Delete your post']);
    // The sanitised body sits in its container, as HTML.
    expect(el.querySelector('#post-1 .app-post__body em')?.textContent).toBe('opening');
  });

  it('shows a held thread as awaiting review with the reason', async () => {
    const el = await open(threadPage({ status: 'held', author_id: ME.id }, [post({ id: 1, is_first: true, author_id: ME.id, status: 'held', held_reason: "a new member's first posts are reviewed" })]));
    expect(el.querySelector('.nhsuk-inset-text')?.textContent).toContain("This thread is awaiting review (a new member's first posts are reviewed)");
  });

  it('renders what the menu slots add, per post and per thread', async () => {
    const slots = await import('../src/forum/slots');
    slots.postMenuSlots.push((p) => html`<li class="test-helpful">Helpful ${p.id}</li>`);
    slots.threadMenuSlots.push(() => html`<li class="test-watch">Watch</li>`);
    try {
      const el = await open(threadPage({}, [post({ id: 1, is_first: true }), post({ id: 2 })]));
      expect([...el.querySelectorAll('.test-helpful')].map((x) => x.textContent)).toEqual(['Helpful 1', 'Helpful 2']);
      expect(el.querySelector('.app-thread__menu .test-watch')).not.toBeNull();
    } finally {
      slots.postMenuSlots.pop();
      slots.threadMenuSlots.pop();
    }
  });

  it('shows tags, slow mode and the accepted answer, with helpful votes and a flag on others’ posts', async () => {
    const page = threadPage({ kind: 'question', answered: true, tags: ['rota', 'supervision'], slow_mode_seconds: 60 }, [
      post({ id: 1, is_first: true }),
      post({ id: 2, author_name: 'Bo', helpful_count: 2, viewer_found_helpful: true }),
    ]);
    const el = await open({ ...page, accepted_post_id: 2 });
    expect([...el.querySelectorAll('.app-tags__link')].map((a) => a.getAttribute('href'))).toEqual(['/spaces/london?tag=rota', '/spaces/london?tag=supervision']);
    expect(el.textContent).toContain('members can reply once every 1 minute');
    expect(el.querySelector('#post-2 .app-markers')?.textContent).toContain('Accepted answer');
    expect(el.querySelector('a[href="#post-2"]')?.textContent).toContain('go to the answer by Bo');
    const toggle = el.querySelector('#post-2 .app-helpful__toggle');
    expect(toggle?.getAttribute('aria-pressed')).toBe('true');
    expect(el.querySelector('#post-2 .app-helpful__count')?.textContent).toBe('2 people found this helpful');
    expect(el.querySelector('#post-2 .app-post__menu')?.textContent).toContain('Flag');
    // Only the question's author or a moderator accepts answers.
    expect(el.textContent).not.toContain('Accept as answer');
    expect(el.querySelector('.app-menu__moderator')).toBeNull();
  });

  it('gives moderators their menu on the thread and its posts, and the question’s author the accept button', async () => {
    const el = await open({ ...threadPage({ kind: 'question', author_id: ME.id }, [post({ id: 1, is_first: true, author_id: ME.id }), post({ id: 2 })]), can_moderate: true });
    const threadMenu = el.querySelector('.app-thread__menu')?.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(threadMenu).toContain('Lock');
    expect(threadMenu).toContain('Watch this thread');
    expect(el.querySelector('#post-2 .app-post__menu')?.textContent).toContain('Redact');
    expect(el.querySelector('#post-2 .app-post__menu')?.textContent).toContain('Accept as answer');
    // Not on the opening post.
    expect(el.querySelector('#post-1 .app-post__menu')?.textContent).not.toContain('Accept as answer');
  });
});
