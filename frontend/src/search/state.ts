// What a search is, as the address of its results page holds it: the words, the type tab, the
// filters, the order and the page. Links and the filter form are built from it, so every
// results page can be bookmarked, shared and reached with the back button.

export type SearchType = 'resource' | 'thread' | 'post' | 'collection';
export type SearchSort = 'relevance' | 'newest';
export type FacetName = 'kind' | 'topic' | 'region';

export const FACETS: readonly FacetName[] = ['kind', 'topic', 'region'];

export const TYPE_TABS: readonly { value: SearchType | null; text: string }[] = [
  { value: null, text: 'All' },
  { value: 'resource', text: 'Guidance and toolkits' },
  { value: 'thread', text: 'Discussions' },
  { value: 'post', text: 'Posts' },
  { value: 'collection', text: 'Collections' },
];

export const SORTS: readonly { value: SearchSort; text: string }[] = [
  { value: 'relevance', text: 'Best match' },
  { value: 'newest', text: 'Newest' },
];

// The server cuts queries at 256 characters; a longer address would only be cut there.
export const MAX_QUERY = 256;
// The server pages at most 1,000 results deep; 50 pages of 20 reach that.
const MAX_PAGES = 50;
const MAX_FILTER_VALUES = 20;

export interface SearchState {
  q: string;
  type: SearchType | null;
  kind: string[];
  topic: string[];
  region: string[];
  sort: SearchSort;
  /**
   * The cursors that led to this page, oldest first: empty on the first page, the last one
   * is the page shown. Keeping the trail lets "Previous" go back without the server's help.
   */
  cursors: string[];
}

export const EMPTY_SEARCH: SearchState = { q: '', type: null, kind: [], topic: [], region: [], sort: 'relevance', cursors: [] };

function isType(v: string | null): v is SearchType {
  return TYPE_TABS.some((t) => t.value !== null && t.value === v);
}

function values(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (const raw of params.getAll(name)) {
    const v = raw.trim();
    if (v && v.length <= 100 && !out.includes(v)) out.push(v);
  }
  return out.slice(0, MAX_FILTER_VALUES);
}

/** Reads a search from the results page's address; anything unknown falls back to the default. */
export function parseSearchState(params: URLSearchParams): SearchState {
  const type = params.get('type');
  const sort = params.get('sort');
  return {
    q: (params.get('q') ?? '').trim().slice(0, MAX_QUERY),
    type: isType(type) ? type : null,
    kind: values(params, 'kind'),
    topic: values(params, 'topic'),
    region: values(params, 'region'),
    sort: sort === 'newest' ? 'newest' : 'relevance',
    cursors: params
      .getAll('cursor')
      .filter((c) => c !== '' && c.length <= 500)
      .slice(0, MAX_PAGES),
  };
}

/** The results page's address for a search; defaults are left out so addresses stay short. */
export function searchPath(state: SearchState): string {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  if (state.type) p.set('type', state.type);
  for (const f of FACETS) for (const v of state[f]) p.append(f, v);
  if (state.sort !== 'relevance') p.set('sort', state.sort);
  for (const c of state.cursors) p.append('cursor', c);
  const qs = p.toString();
  return qs ? `/search?${qs}` : '/search';
}

/** A type tab: the same words and filters, from the first page. */
export function withType(state: SearchState, type: SearchType | null): SearchState {
  return { ...state, type, cursors: [] };
}

export function withSort(state: SearchState, sort: SearchSort): SearchState {
  return { ...state, sort, cursors: [] };
}

/** The same words and tab with no filters. */
export function withoutFilters(state: SearchState): SearchState {
  return { ...state, kind: [], topic: [], region: [], cursors: [] };
}

export function hasFilters(state: SearchState): boolean {
  return FACETS.some((f) => state[f].length > 0);
}

export function nextPage(state: SearchState, cursor: string): SearchState {
  return { ...state, cursors: [...state.cursors, cursor] };
}

export function previousPage(state: SearchState): SearchState {
  return { ...state, cursors: state.cursors.slice(0, -1) };
}

export function pageNumber(state: SearchState): number {
  return state.cursors.length + 1;
}

/** The search the filter form asks for: its words, tab and sort from hidden fields, filters ticked. */
export function stateFromForm(data: FormData): SearchState {
  const p = new URLSearchParams();
  data.forEach((v, k) => {
    if (typeof v === 'string' && k !== 'cursor') p.append(k, v);
  });
  return parseSearchState(p);
}

/** The query for `GET /api/search` (an empty list is sent as nothing). */
export function apiQuery(state: SearchState, limit: number) {
  const cursor = state.cursors[state.cursors.length - 1];
  return {
    q: state.q,
    limit,
    type: state.type ? [state.type] : [],
    kind: state.kind,
    topic: state.topic,
    region: state.region,
    tag: [],
    ...(state.sort !== 'relevance' ? { sort: state.sort } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

/** "1 result", "1,024 results for AMHP". */
export function resultCountText(total: number, q: string): string {
  const n = total === 1 ? '1 result' : `${total.toLocaleString('en-GB')} results`;
  return q ? `${n} for ${q}` : n;
}
