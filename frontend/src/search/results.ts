// The pieces of the search results page: type tabs, filter checkboxes, one result, paging
// and the tips shown when nothing is found.
import { html, nothing, type TemplateResult } from 'lit-html';
import type { FacetCount, SearchHit } from '../api/client';
import { formatDate } from '../ui';
import { snippetTemplate } from './snippet';
import {
  EMPTY_SEARCH,
  FACETS,
  SORTS,
  TYPE_TABS,
  hasFilters,
  nextPage,
  pageNumber,
  previousPage,
  searchPath,
  withSort,
  withType,
  withoutFilters,
  type FacetName,
  type SearchState,
} from './state';

export const FACET_LEGENDS: Record<FacetName, string> = { kind: 'Kind', topic: 'Topic', region: 'Region' };

export const KIND_NAMES: Record<string, string> = {
  guidance: 'Guidance',
  toolkit: 'Toolkit',
  framework: 'Framework',
  report: 'Report',
  video: 'Video',
  training: 'Training',
  practice_example: 'Practice example',
  template: 'Template',
};

export const TYPE_NAMES: Record<string, string> = {
  resource: 'Guidance and toolkits',
  thread: 'Discussion',
  post: 'Post',
  collection: 'Collection',
};

/** Names for facet values (slugs) where known; otherwise the slug made readable. */
export type Namer = (facet: FacetName, value: string) => string;

export function readableSlug(slug: string): string {
  const words = slug.replace(/[-_]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : slug;
}

/** Only addresses within the app become links. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return null;
  return url;
}

export function typeTabs(state: SearchState, counts: FacetCount[]): TemplateResult {
  const countOf = (value: string | null) =>
    value === null ? counts.reduce((sum, c) => sum + c.count, 0) : (counts.find((c) => c.value === value)?.count ?? 0);
  return html`<nav class="app-search-tabs" aria-label="Result types">
    <ul class="app-search-tabs__list">
      ${TYPE_TABS.map((t) => {
        const label = html`${t.text} <span class="app-search-tabs__count">(${countOf(t.value)})</span>`;
        const href = searchPath(withType(state, t.value));
        return t.value === state.type
          ? html`<li class="app-search-tabs__item app-search-tabs__item--current"><a href=${href} aria-current="page">${label}</a></li>`
          : html`<li class="app-search-tabs__item"><a href=${href}>${label}</a></li>`;
      })}
    </ul>
  </nav>`;
}

export function sortLinks(state: SearchState): TemplateResult {
  return html`<nav class="app-filter" aria-label="Sort results">
    <ul class="nhsuk-list app-filter__list">
      <li class="app-filter__item">Sort by:</li>
      ${SORTS.map((s) => {
        const href = searchPath(withSort(state, s.value));
        return html`<li class="app-filter__item">
          ${s.value === state.sort ? html`<a href=${href} aria-current="page"><strong>${s.text}</strong></a>` : html`<a href=${href}>${s.text}</a>`}
        </li>`;
      })}
    </ul>
  </nav>`;
}

/** The values to offer under a facet: those with results, and any ticked that now have none. */
export function facetOptions(counts: FacetCount[], selected: string[]): FacetCount[] {
  const out = counts.filter((c) => c.count > 0 || selected.includes(c.value));
  for (const v of selected) if (!out.some((c) => c.value === v)) out.push({ value: v, count: 0 });
  return out;
}

export function filterForm(
  state: SearchState,
  facets: Record<FacetName, FacetCount[]>,
  name: Namer,
  onSubmit: (event: Event) => void,
): TemplateResult | typeof nothing {
  const groups = FACETS.map((f) => [f, facetOptions(facets[f] ?? [], state[f])] as const).filter(([, opts]) => opts.length > 0);
  if (groups.length === 0 && !hasFilters(state)) return nothing;
  return html`<form class="app-search-filters" action="/search" method="get" novalidate @submit=${onSubmit}>
    <h2 class="nhsuk-heading-s">Filter results</h2>
    <input type="hidden" name="q" .value=${state.q} />
    ${state.type ? html`<input type="hidden" name="type" .value=${state.type} />` : nothing}
    ${state.sort !== 'relevance' ? html`<input type="hidden" name="sort" .value=${state.sort} />` : nothing}
    ${groups.map(
      ([facet, options]) => html`<div class="nhsuk-form-group">
        <fieldset class="nhsuk-fieldset">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${FACET_LEGENDS[facet]}</legend>
          <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
            ${options.map((o, i) => {
              const id = `filter-${facet}-${i}`;
              return html`<div class="nhsuk-checkboxes__item">
                <input class="nhsuk-checkboxes__input" id=${id} name=${facet} type="checkbox" .value=${o.value} .checked=${state[facet].includes(o.value)} />
                <label class="nhsuk-label nhsuk-checkboxes__label" for=${id}>${name(facet, o.value)} (${o.count})</label>
              </div>`;
            })}
          </div>
        </fieldset>
      </div>`,
    )}
    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" data-module="nhsuk-button" type="submit">Apply filters</button>
    ${hasFilters(state) ? html`<p><a href=${searchPath(withoutFilters(state))}>Clear filters</a></p>` : nothing}
  </form>`;
}

function hitMeta(hit: SearchHit, name: Namer, spaceName: (slug: string) => string): TemplateResult {
  const parts: (TemplateResult | string)[] = [];
  if (hit.space) parts.push(`In ${spaceName(hit.space)}`);
  else if (hit.topics.length) parts.push(hit.topics.map((t) => name('topic', t)).join(', '));
  if (hit.regions.length && !hit.space) parts.push(hit.regions.map((r) => name('region', r)).join(', '));
  if (hit.published_at) parts.push(html`<time datetime=${hit.published_at}>${formatDate(hit.published_at)}</time>`);
  return html`${parts.map((p, i) => html`${i > 0 ? ' · ' : ''}${p}`)}`;
}

export function resultItem(hit: SearchHit, name: Namer, spaceName: (slug: string) => string): TemplateResult {
  const href = safeHref(hit.url);
  const kind = hit.kind ? (KIND_NAMES[hit.kind] ?? readableSlug(hit.kind)) : null;
  return html`<li class="app-search-result">
    <h2 class="nhsuk-heading-s app-search-result__title">${href ? html`<a href=${href}>${hit.title}</a>` : hit.title}</h2>
    <p class="app-search-result__tags">
      <strong class="nhsuk-tag nhsuk-tag--grey">${TYPE_NAMES[hit.type] ?? readableSlug(hit.type)}</strong>
      ${kind && hit.type === 'resource' ? html`<strong class="nhsuk-tag nhsuk-tag--blue">${kind}</strong>` : nothing}
    </p>
    ${hit.attachment_title
      ? html`<p class="nhsuk-body-s app-search-result__attachment">
          In the attachment <span class="app-search-result__file">${hit.attachment_title}</span>${hit.page ? `, page ${hit.page}` : ''}
        </p>`
      : nothing}
    <p class="nhsuk-body-s app-search-result__meta">${hitMeta(hit, name, spaceName)}</p>
    ${hit.snippet ? html`<p class="app-search-result__snippet">${snippetTemplate(hit.snippet)}</p>` : nothing}
  </li>`;
}

const ARROW_LEFT = html`<svg class="nhsuk-icon nhsuk-icon--arrow-left" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">
  <path d="M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5.3-.7l5-5a1 1 0 0 1 1.4 0Z" />
</svg>`;
const ARROW_RIGHT = html`<svg class="nhsuk-icon nhsuk-icon--arrow-right" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">
  <path d="m14.7 6.3 5 5c.2.2.3.4.3.7 0 .3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 1.4-1.4Z" />
</svg>`;

/** NHS.UK pagination (previous and next only: the cursors say nothing of pages further on). */
export function pagination(state: SearchState, nextCursor: string | null | undefined): TemplateResult | typeof nothing {
  const page = pageNumber(state);
  if (page === 1 && !nextCursor) return nothing;
  return html`<nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
    <ul class="nhsuk-list nhsuk-pagination__list">
      ${page > 1
        ? html`<li class="nhsuk-pagination-item--previous">
            <a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href=${searchPath(previousPage(state))} rel="prev">
              <span class="nhsuk-pagination__title">Previous<span class="nhsuk-u-visually-hidden"> page</span></span>
              <span class="nhsuk-u-visually-hidden">:</span>
              <span class="nhsuk-pagination__page">Page ${page - 1}</span>
              ${ARROW_LEFT}
            </a>
          </li>`
        : nothing}
      ${nextCursor
        ? html`<li class="nhsuk-pagination-item--next">
            <a class="nhsuk-pagination__link nhsuk-pagination__link--next" href=${searchPath(nextPage(state, nextCursor))} rel="next">
              <span class="nhsuk-pagination__title">Next<span class="nhsuk-u-visually-hidden"> page</span></span>
              <span class="nhsuk-u-visually-hidden">:</span>
              <span class="nhsuk-pagination__page">Page ${page + 1}</span>
              ${ARROW_RIGHT}
            </a>
          </li>`
        : nothing}
    </ul>
  </nav>`;
}

export function didYouMean(state: SearchState, suggestion: string | null | undefined): TemplateResult | typeof nothing {
  if (!suggestion || suggestion.trim().toLowerCase() === state.q.toLowerCase()) return nothing;
  return html`<p class="app-search__did-you-mean">Did you mean <a href=${searchPath({ ...state, q: suggestion, cursors: [] })}>${suggestion}</a>?</p>`;
}

export function noResults(state: SearchState): TemplateResult {
  return html`<div class="app-search__empty">
    <h2 class="nhsuk-heading-m">No results found</h2>
    <p>Improve your search results by:</p>
    <ul>
      <li>checking your spelling</li>
      <li>using fewer words, or more general ones</li>
      <li>trying the acronym or the words in full: acronyms work both ways, so <a href=${searchPath({ ...EMPTY_SEARCH, q: 'AMHP' })}>AMHP</a> also finds "approved mental health professional"</li>
      ${hasFilters(state) ? html`<li><a href=${searchPath(withoutFilters(state))}>removing the filters</a></li>` : nothing}
      ${state.type ? html`<li><a href=${searchPath(withType(state, null))}>searching all types of result</a></li>` : nothing}
    </ul>
  </div>`;
}
