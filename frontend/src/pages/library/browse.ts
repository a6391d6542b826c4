// The library: published resources with NHS.UK checkbox filters for kind, topic and region.
// The filters are a GET form, so a filtered list has its own address; paging follows the cursor.
import { html, nothing } from 'lit-html';
import { api, call } from '../../api/client';
import type { PageContext } from '../../routes';
import { canCurate } from '../../nav';
import { KINDS, REGIONS, STATUSES, resourceItem } from './common';

function checkboxes(name: string, legend: string, choices: [string, string][], chosen: string[]) {
  return html`<div class="nhsuk-form-group">
    <fieldset class="nhsuk-fieldset">
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${legend}</legend>
      <div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes">
        ${choices.map(
          ([value, text], i) => html`<div class="nhsuk-checkboxes__item">
            <input class="nhsuk-checkboxes__input" id=${`${name}-${i}`} name=${name} type="checkbox" value=${value} ?checked=${chosen.includes(value)} />
            <label class="nhsuk-label nhsuk-checkboxes__label" for=${`${name}-${i}`}>${text}</label>
          </div>`,
        )}
      </div>
    </fieldset>
  </div>`;
}

export async function libraryPage(ctx: PageContext): Promise<void> {
  const q = ctx.query;
  const kind = q.getAll('kind');
  const topic = q.getAll('topic');
  const region = q.getAll('region');
  const status = q.getAll('status');
  const tag = q.getAll('tag');
  const text = q.get('q') ?? '';
  const cursor = q.get('cursor') ?? undefined;
  const curator = canCurate(ctx.member);
  const [list, spaces] = await Promise.all([
    call(api.GET('/resources', { params: { query: { kind, topic, region, tag, status, q: text || undefined, cursor, limit: 20 } } })),
    call(api.GET('/categories')),
  ]);
  if (!ctx.isCurrent()) return;
  if (!list.ok) {
    ctx.showProblem(list.problem);
    return;
  }
  // The topic list comes from the forum's topic spaces, which only members can list.
  const topics: [string, string][] = spaces.ok ? spaces.data.items.filter((s) => s.kind === 'topic').map((s) => [s.slug, s.name]) : [];
  const next = new URLSearchParams(q);
  const first = new URLSearchParams(q);
  first.delete('cursor');
  if (list.data.next_cursor) next.set('cursor', list.data.next_cursor);
  const filtered = kind.length + topic.length + region.length + status.length > 0 || text !== '';
  ctx.show(
    'Library',
    html`<h1>Library</h1>
      <p class="nhsuk-lede-text">Guidance, toolkits, frameworks and reports for mental health social work, kept up to date by curators.</p>
      ${curator ? html`<p><a class="nhsuk-button nhsuk-button--secondary" href="/library/new">Add a resource</a></p>` : nothing}
      <div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-one-third">
          <form method="get" action="/library" class="app-library-filters">
            <h2 class="nhsuk-heading-m">Filter</h2>
            <div class="nhsuk-form-group">
              <label class="nhsuk-label" for="q">Title or summary contains</label>
              <input class="nhsuk-input" id="q" name="q" type="search" .value=${text} />
            </div>
            ${checkboxes('kind', 'Kind', KINDS, kind)}
            ${topics.length ? checkboxes('topic', 'Topic', topics, topic) : nothing}
            ${checkboxes('region', 'Region', REGIONS, region)}
            ${curator ? checkboxes('status', 'Status (curators)', STATUSES, status) : nothing}
            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">Apply filters</button>
            ${filtered ? html`<p><a href="/library">Clear filters</a></p>` : nothing}
          </form>
        </div>
        <div class="nhsuk-grid-column-two-thirds">
          ${list.data.items.length
            ? html`<ul class="nhsuk-list app-resource-list">${list.data.items.map((r) => resourceItem(r))}</ul>`
            : html`<p>No resources match these filters.</p>`}
          ${list.data.next_cursor || cursor
            ? html`<nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
                <ul class="nhsuk-list nhsuk-pagination__list">
                  ${cursor ? html`<li class="nhsuk-pagination-item--previous"><a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href=${`/library?${first.toString()}`}><span class="nhsuk-pagination__title">First page</span></a></li>` : nothing}
                  ${list.data.next_cursor
                    ? html`<li class="nhsuk-pagination-item--next"><a class="nhsuk-pagination__link nhsuk-pagination__link--next" href=${`/library?${next.toString()}`}><span class="nhsuk-pagination__title">Next page</span></a></li>`
                    : nothing}
                </ul>
              </nav>`
            : nothing}
        </div>
      </div>`,
  );
}
