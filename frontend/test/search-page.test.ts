// The search results page rendered against a stubbed API: the count in the live region, the
// title, tabs with counts, filters, snippets, attachments, did-you-mean and the empty state.
import { render } from 'lit-html';
import { describe, expect, it, vi } from 'vitest';
import type { SearchHit, SearchResults } from '../src/api/client';
import type { PageContext } from '../src/routes';

function hit(over: Partial<SearchHit>): SearchHit {
  return { type: 'thread', id: 3, title: 'Weekend rota', url: '/threads/3', snippet: 'an <mark>AMHP</mark> rota', score: 1, topics: [], regions: ['london'], space: 'london', published_at: '2026-12-01T10:00:00Z', ...over };
}

let answers: Record<string, SearchResults> = {};
const asked: unknown[] = [];
vi.mock('../src/api/client', async (original) => ({
  ...(await original<typeof import('../src/api/client')>()),
  api: {
    GET: async (path: string, opts?: { params?: { query?: { q?: string; type?: string[] } } }) => {
      asked.push({ path, query: opts?.params?.query });
      const key = path === '/search' ? `${opts?.params?.query?.q}|${opts?.params?.query?.type?.join(',') ?? ''}` : path;
      const data = answers[key] ?? (path === '/meta' ? { regions: [{ id: 'london', name: 'London' }], roles: [], job_roles: [] } : undefined);
      return data ? { data, response: new Response(null, { status: 200 }) } : { error: { title: 'Not found', status: 404 }, response: new Response(null, { status: 404 }) };
    },
  },
}));

async function open(search: string): Promise<{ el: HTMLElement; titles: string[] }> {
  const { searchPage } = await import('../src/pages/search');
  const el = document.createElement('main');
  document.body.replaceChildren(el);
  const titles: string[] = [];
  const ctx = {
    params: {},
    query: new URLSearchParams(search),
    path: '/search',
    member: null,
    isCurrent: () => true,
    show: (title: string, content: unknown) => {
      titles.push(title);
      render(content as never, el);
    },
    focusErrorSummary: () => {},
    focusHeading: () => {},
    navigate: () => {},
    setMember: () => {},
    refreshMember: async () => null,
    showProblem: (p) => {
      throw new Error(`unexpected problem ${p.title}`);
    },
  } satisfies PageContext;
  await searchPage(ctx);
  return { el, titles };
}

const facets = (type: [string, number][]) => ({ type: type.map(([value, count]) => ({ value, count })), kind: [{ value: 'toolkit', count: 1 }], topic: [], region: [{ value: 'london', count: 2 }] });

describe('search page', () => {
  it('lists results with safe snippets, tabs with counts and filters, and announces the count', async () => {
    answers = {
      'AMHP|': {
        hits: [hit({}), hit({ type: 'resource', id: 9, slug: 'toolkit', title: 'Toolkit', url: '/library/toolkit', kind: 'toolkit', space: undefined, topics: ['amhp-practice'], regions: [], attachment_title: 'standards.pdf', page: 4, snippet: '<mark>AMHP</mark> &lt;script&gt;x&lt;/script&gt;<img src=x onerror=alert(1)>' })],
        total: 2,
        facets: facets([['thread', 1], ['resource', 1]]),
        took_ms: 1,
        next_cursor: 'o20',
      },
    };
    const { el, titles } = await open('q=AMHP');
    expect(titles.at(-1)).toBe('Search results for AMHP');
    // First shown empty, then with the count, so the live region announces it.
    expect(el.querySelector('[role=status]')?.textContent?.trim()).toBe('2 results for AMHP');
    expect(el.querySelector('[role=status]')?.getAttribute('aria-live')).toBe('polite');
    const tabs = [...el.querySelectorAll('.app-search-tabs a')].map((a) => a.textContent?.replace(/\s+/g, ' ').trim());
    expect(tabs).toEqual(['All (2)', 'Guidance and toolkits (1)', 'Discussions (1)', 'Posts (0)', 'Collections (0)']);
    expect(el.querySelector('.app-search-tabs [aria-current=page]')?.textContent).toContain('All');
    const labels = [...el.querySelectorAll('.nhsuk-checkboxes__label')].map((l) => l.textContent?.trim());
    expect(labels).toEqual(['Toolkit (1)', 'London (2)']);
    const results = el.querySelectorAll('.app-search-result');
    expect(results.length).toBe(2);
    expect(results[0].querySelector('a')?.getAttribute('href')).toBe('/threads/3');
    expect(results[0].querySelector('mark')?.textContent).toBe('AMHP');
    const second = results[1];
    expect(second.querySelector('.app-search-result__attachment')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('In the attachment standards.pdf, page 4');
    expect(second.querySelector('.app-search-result__snippet img, .app-search-result__snippet script')).toBeNull();
    expect(second.querySelector('.app-search-result__snippet')?.textContent).toContain('<script>x</script>');
    expect(el.querySelector('.nhsuk-pagination a[rel=next]')?.getAttribute('href')).toBe('/search?q=AMHP&cursor=o20');
  });

  it('takes the tab counts from the search without the chosen type', async () => {
    answers = {
      'rota|thread': { hits: [hit({})], total: 1, facets: facets([['thread', 1]]), took_ms: 1 },
      'rota|': { hits: [hit({})], total: 3, facets: facets([['thread', 1], ['post', 2]]), took_ms: 1 },
    };
    const { el } = await open('q=rota&type=thread');
    const current = el.querySelector('.app-search-tabs [aria-current=page]')?.textContent?.replace(/\s+/g, ' ').trim();
    expect(current).toBe('Discussions (1)');
    expect(el.querySelector('.app-search-tabs')?.textContent?.replace(/\s+/g, ' ')).toContain('Posts (2)');
    expect(el.querySelector<HTMLInputElement>('form.app-search-filters input[name=type]')?.value).toBe('thread');
  });

  it('shows tips and the did-you-mean link when nothing is found', async () => {
    answers = { 'rotta|': { hits: [], total: 0, facets: facets([]), did_you_mean: 'rota', took_ms: 1 } };
    const { el } = await open('q=rotta&kind=toolkit');
    expect(el.querySelector('[role=status]')?.textContent?.trim()).toBe('0 results for rotta');
    expect(el.querySelector('.app-search__did-you-mean a')?.getAttribute('href')).toBe('/search?q=rota&kind=toolkit');
    const tips = el.querySelector('.app-search__empty')?.textContent ?? '';
    expect(tips).toContain('checking your spelling');
    expect(tips).toContain('acronyms work both ways');
    expect(el.querySelector('.app-search__empty a[href="/search?q=rotta"]')?.textContent).toBe('removing the filters');
  });

  it('asks nothing without words', async () => {
    asked.length = 0;
    const { el, titles } = await open('');
    expect(titles).toEqual(['Search']);
    expect(el.querySelector('h1')?.textContent).toBe('Search');
    expect(asked).toEqual([]);
  });
});
