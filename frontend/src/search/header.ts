// The search box in the header of every page: suggestions of titles as you type, and the form
// opening the results page in the app (without it, the form still works as a plain GET).
import { api, call, type SearchSuggestion } from '../api/client';
import { attachCombobox } from './combobox';
import { MAX_QUERY, searchPath, EMPTY_SEARCH } from './state';

const MAX_SUGGESTIONS = 8;

const TYPE_WORDS: Record<string, string> = {
  resource: 'Guidance',
  thread: 'Discussion',
  post: 'Post',
  collection: 'Collection',
};

export function suggestionText(s: SearchSuggestion): string {
  const type = TYPE_WORDS[s.type];
  return type ? `${s.title} (${type})` : s.title;
}

/**
 * One suggestion per title and page: a thread's first post carries the thread's title, and
 * would otherwise be offered beside the thread itself. The thread (not the post) is kept.
 */
export function distinctSuggestions(items: SearchSuggestion[]): SearchSuggestion[] {
  const out: SearchSuggestion[] = [];
  for (const s of items) {
    const key = (x: SearchSuggestion) => `${x.title}\u0000${x.url.split('#')[0]}`;
    const at = out.findIndex((o) => key(o) === key(s));
    if (at < 0) out.push(s);
    else if (out[at].type === 'post' && s.type !== 'post') out[at] = s;
  }
  return out;
}

/** A suggestion's address, kept within the app: anything else becomes a search for its title. */
export function suggestionHref(s: SearchSuggestion): string {
  if (s.url.startsWith('/') && !s.url.startsWith('//') && !s.url.startsWith('/\\')) return s.url;
  return searchPath({ ...EMPTY_SEARCH, q: s.title.slice(0, MAX_QUERY) });
}

export function attachHeaderSearch(header: HTMLElement, navigate: (to: string) => void): void {
  const form = header.querySelector<HTMLFormElement>('form#search');
  const input = form?.querySelector<HTMLInputElement>('#search-field');
  const group = form?.querySelector<HTMLElement>('.nhsuk-form-group');
  if (!form || !input || !group) return;
  input.maxLength = MAX_QUERY;
  group.classList.add('app-header-search');
  attachCombobox<SearchSuggestion>(input, group, {
    id: 'search-suggestions',
    label: 'Search suggestions',
    text: suggestionText,
    async fetch(q) {
      const res = await call(api.GET('/search/suggest', { params: { query: { q } } }));
      return res.ok ? distinctSuggestions(res.data.items).slice(0, MAX_SUGGESTIONS) : [];
    },
    choose(s) {
      input.value = '';
      navigate(suggestionHref(s));
    },
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (!q) {
      input.focus();
      return;
    }
    navigate(searchPath({ ...EMPTY_SEARCH, q }));
  });
}

/** Shows the search being looked at in the header's box, so it can be changed from there. */
export function showQueryInHeader(q: string): void {
  const input = document.querySelector<HTMLInputElement>('#search-field');
  if (input && document.activeElement !== input) input.value = q;
}
