// The search results page: /search?q=&type=&kind=&topic=&region=&sort=&cursor=. Everything the
// page shows follows from its address, so tabs, filters, order and paging are plain links and
// a GET form, and the result count is announced in a polite live region after each search.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type FacetCount, type SearchResults, type Space } from '../api/client';
import { errorSummary, inputField, NO_ERRORS, problemToFormErrors, type FormErrors } from '../forms';
import { loadMeta, regionName } from '../meta';
import { loadSpaces, spaceName } from '../forum/space-names';
import type { PageContext } from '../routes';
import { showQueryInHeader } from '../search/header';
import { KIND_NAMES, didYouMean, filterForm, noResults, pagination, readableSlug, resultItem, sortLinks, typeTabs, type Namer } from '../search/results';
import { apiQuery, pageNumber, parseSearchState, resultCountText, searchPath, stateFromForm, type FacetName, type SearchState } from '../search/state';

const PAGE_SIZE = 20;

export function searchTitle(state: SearchState): string {
  if (!state.q) return 'Search';
  const page = pageNumber(state);
  return `Search results for ${state.q}${page > 1 ? `, page ${page}` : ''}`;
}

interface View {
  state: SearchState;
  results: SearchResults | null;
  /** Counts for the type tabs: the facets narrow with the type chosen, so these come from the search without it. */
  typeCounts: FacetCount[];
  errors: FormErrors;
  /** What the live region says: empty while a search is running, so each answer is news. */
  status: string;
  names: Namer;
  spaceName: (slug: string) => string;
}

function searchForm(state: SearchState, errors: FormErrors, onSubmit: (e: Event) => void): TemplateResult {
  return html`<form class="app-search-form" action="/search" method="get" novalidate role="search" aria-label="Search again" @submit=${onSubmit}>
    ${inputField({ id: 'search-query', name: 'q', label: 'Search for', type: 'search', value: state.q, error: errors.fields.q, autocomplete: 'off' })}
    ${state.type ? html`<input type="hidden" name="type" .value=${state.type} />` : nothing}
    <button class="nhsuk-button nhsuk-button--small" data-module="nhsuk-button" type="submit">Search</button>
  </form>`;
}

function emptyFacets(): Record<FacetName, FacetCount[]> {
  return { kind: [], topic: [], region: [] };
}

function view(v: View, handlers: { search: (e: Event) => void; filter: (e: Event) => void }): TemplateResult {
  const { state, results } = v;
  const heading = state.q
    ? html`<h1>Search results <span class="nhsuk-u-visually-hidden">for ${state.q}</span></h1>`
    : html`<h1>Search</h1>`;
  const facets = results ? { ...emptyFacets(), ...results.facets } : emptyFacets();
  return html`${errorSummary(v.errors)} ${heading} ${searchForm(state, v.errors, handlers.search)}
    <p class="nhsuk-body app-search__count" role="status" aria-live="polite" aria-atomic="true">${v.status}</p>
    ${state.q && results
      ? html`${didYouMean(state, results.did_you_mean)} ${typeTabs(state, v.typeCounts)}
          <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-one-third">${filterForm(state, facets, v.names, handlers.filter)}</div>
            <div class="nhsuk-grid-column-two-thirds">
              ${results.hits.length === 0
                ? noResults(state)
                : html`${sortLinks(state)}
                    <ul class="nhsuk-list app-search-results">
                      ${results.hits.map((h) => resultItem(h, v.names, v.spaceName))}
                    </ul>
                    ${pagination(state, results.next_cursor)}`}
            </div>
          </div>`
      : nothing}
    ${!state.q
      ? html`<p>Search guidance, toolkits, collections and discussions. Acronyms work both ways: AMHP also finds "approved mental health professional".</p>`
      : nothing}`;
}

function namer(meta: Awaited<ReturnType<typeof loadMeta>>, spaces: Space[] | null): Namer {
  return (facet, value) => {
    if (facet === 'kind') return KIND_NAMES[value] ?? readableSlug(value);
    if (facet === 'region') return regionName(meta, value);
    const name = spaceName(spaces, value);
    return name === value ? readableSlug(value) : name;
  };
}

export async function searchPage(ctx: PageContext): Promise<void> {
  const state = parseSearchState(ctx.query);
  showQueryInHeader(state.q);
  const title = searchTitle(state);
  let v: View = {
    state,
    results: null,
    typeCounts: [],
    errors: NO_ERRORS,
    status: '',
    names: (facet, value) => (facet === 'kind' ? (KIND_NAMES[value] ?? readableSlug(value)) : readableSlug(value)),
    spaceName: (slug) => readableSlug(slug),
  };

  const go = (next: SearchState) => ctx.navigate(searchPath(next));
  const handlers = {
    search(event: Event) {
      event.preventDefault();
      const data = new FormData(event.currentTarget as HTMLFormElement);
      const q = String(data.get('q') ?? '').trim();
      if (!q) {
        v = { ...v, errors: { title: 'There is a problem', items: [{ text: 'Enter what you are looking for', href: '#search-query' }], fields: { q: 'Enter what you are looking for' } } };
        rerender();
        ctx.focusErrorSummary();
        return;
      }
      go({ ...stateFromForm(data), q });
    },
    filter(event: Event) {
      event.preventDefault();
      go(stateFromForm(new FormData(event.currentTarget as HTMLFormElement)));
    },
  };
  const rerender = () => ctx.show(v.errors === NO_ERRORS ? title : `Error: ${title}`, view(v, handlers));

  rerender();
  if (!state.q) return;

  const member = ctx.member;
  const [res, allTypes, meta, spaces] = await Promise.all([
    call(api.GET('/search', { params: { query: apiQuery(state, PAGE_SIZE) } })),
    state.type ? call(api.GET('/search', { params: { query: apiQuery({ ...state, type: null, cursors: [] }, 1) } })) : null,
    loadMeta(),
    member?.status === 'active' ? loadSpaces() : Promise.resolve(null),
  ]);
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    if (res.problem.status === 422 || res.problem.status === 400) {
      v = { ...v, errors: problemToFormErrors(res.problem, { q: 'search-query' }), status: '' };
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    ctx.showProblem(res.problem);
    return;
  }
  v = {
    ...v,
    results: res.data,
    typeCounts: allTypes?.ok ? allTypes.data.facets.type : res.data.facets.type,
    status: resultCountText(res.data.total, state.q),
    names: namer(meta, spaces),
    spaceName: (slug) => {
      const name = spaceName(spaces, slug);
      return name === slug ? readableSlug(slug) : name;
    },
  };
  rerender();
}
