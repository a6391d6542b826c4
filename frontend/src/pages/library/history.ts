// A resource's revision history and status log, the diff of one revision against another,
// and restoring an old revision (curators). Insertions and deletions are marked in words, not
// only by colour.
import { html, nothing } from 'lit-html';
import { api, call } from '../../api/client';
import { button, errorSummary, hasErrors, problemToFormErrors, NO_ERRORS, type FormErrors } from '../../forms';
import { setFlash } from '../../forum/flash';
import type { PageContext } from '../../routes';
import { backLink, formatDateTime } from '../../ui';
import { resourcePath, statusName } from './common';

const FIELD_NAMES: Record<string, string> = {
  title: 'Title',
  slug: 'Slug',
  kind: 'Kind',
  status: 'Status',
  summary: 'Summary',
  body_markdown: 'Body',
  source_org: 'Source organisation',
  authors: 'Authors',
  audience: 'Audience',
  external_url: 'External web address',
  published_on: 'Published date',
  review_by: 'Review-by date',
  owner: 'Owner',
  topics: 'Topics',
  regions: 'Regions',
  tags: 'Tags',
  superseded_by: 'Superseded by',
  featured: 'Featured',
  is_demo: 'Demo content',
};

export async function historyPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug;
  const res = await call(api.GET('/resources/{slug}/revisions', { params: { path: { slug } } }));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  const h = res.data;
  ctx.show(
    `History: ${h.title}`,
    html`${backLink(resourcePath(h.slug), h.title)}
      <h1><span class="nhsuk-caption-l">${h.title}</span> Revision history</h1>
      <table class="nhsuk-table">
        <caption class="nhsuk-table__caption">Revisions, newest first</caption>
        <thead class="nhsuk-table__head">
          <tr class="nhsuk-table__row">
            <th scope="col" class="nhsuk-table__header">Revision</th>
            <th scope="col" class="nhsuk-table__header">When and who</th>
            <th scope="col" class="nhsuk-table__header">Note</th>
            <th scope="col" class="nhsuk-table__header">Changes</th>
          </tr>
        </thead>
        <tbody class="nhsuk-table__body">
          ${h.revisions.map(
            (r) => html`<tr class="nhsuk-table__row">
              <td class="nhsuk-table__cell">${r.number}${r.current ? ' (current)' : ''}</td>
              <td class="nhsuk-table__cell">${formatDateTime(r.created_at)}${r.author ? html`<br />${r.author.display_name}` : nothing}</td>
              <td class="nhsuk-table__cell">${r.note ?? ''}</td>
              <td class="nhsuk-table__cell"><a href=${`${resourcePath(h.slug)}/history/${r.number}`}>Changes in revision ${r.number}</a></td>
            </tr>`,
          )}
        </tbody>
      </table>
      <h2>Status log</h2>
      ${h.status_changes.length
        ? html`<ul class="nhsuk-list nhsuk-list--bullet">
            ${h.status_changes.map(
              (s) => html`<li>${formatDateTime(s.created_at)}: ${statusName(s.from)} to ${statusName(s.to)}${s.actor ? ` by ${s.actor.display_name}` : ''}. Reason: ${s.reason}</li>`,
            )}
          </ul>`
        : html`<p>The status has not changed since the resource was created.</p>`}`,
  );
}

export async function diffPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug;
  const n = Number(ctx.params.n);
  if (!Number.isInteger(n) || n < 1) {
    ctx.showProblem({ type: 'about:blank', title: 'Not found', status: 404, detail: 'No such revision.', errors: [] });
    return;
  }
  const againstRaw = ctx.query.get('against');
  const against = againstRaw !== null && /^\d+$/.test(againstRaw) ? Number(againstRaw) : undefined;
  const [res, hist] = await Promise.all([
    call(api.GET('/resources/{slug}/revisions/{n}/diff', { params: { path: { slug, n }, query: { against } } })),
    call(api.GET('/resources/{slug}/revisions', { params: { path: { slug } } })),
  ]);
  if (!ctx.isCurrent()) return;
  if (!res.ok || !hist.ok) {
    ctx.showProblem(!res.ok ? res.problem : (hist as { ok: false; problem: never }).problem);
    return;
  }
  const d = res.data;
  const h = hist.data;
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  const onRestore = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const note = String(new FormData(event.currentTarget as HTMLFormElement).get('note') ?? '').trim();
    busy = true;
    const out = await call(api.POST('/resources/{slug}/revisions/{n}/restore', { params: { path: { slug, n } }, body: note ? { note } : {} }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (out.ok) {
      setFlash(`Revision ${n} has been restored as revision ${out.data.revision}.`);
      ctx.navigate(resourcePath(out.data.slug));
      return;
    }
    errors = problemToFormErrors(out.problem, { note: 'note' });
    render();
    ctx.focusErrorSummary();
  };
  const current = h.revisions.find((r) => r.current)?.number;
  const render = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Revision ${d.to}: ${h.title}`,
      html`${backLink(`${resourcePath(h.slug)}/history`, 'Revision history')}
        ${errorSummary(errors)}
        <h1><span class="nhsuk-caption-l">${h.title}</span> Changes in revision ${d.to}</h1>
        <p>${d.from === 0 ? 'Compared with nothing: this is the first revision.' : `Compared with revision ${d.from}.`}</p>
        ${d.fields.length === 0 ? html`<p>No fields differ.</p>` : nothing}
        ${d.fields.map(
          (f) => html`<h2 class="nhsuk-heading-m">${FIELD_NAMES[f.field] ?? f.field}</h2>
            <div class="app-diff">
              ${f.hunks.map((hk) =>
                hk.kind === 'insert'
                  ? html`<ins class="app-diff__insert"><span class="app-diff__marker">Added: </span>${hk.text}</ins>`
                  : hk.kind === 'delete'
                    ? html`<del class="app-diff__delete"><span class="app-diff__marker">Removed: </span>${hk.text}</del>`
                    : html`<span class="app-diff__equal">${hk.text}</span>`,
              )}
            </div>`,
        )}
        ${h.can_restore && d.to !== current
          ? html`<h2>Restore this revision</h2>
              <p>Restoring writes a new revision with the content of revision ${d.to}. The slug and status stay as they are.</p>
              <form novalidate @submit=${onRestore}>
                <div class="nhsuk-form-group${errors.fields.note ? ' nhsuk-form-group--error' : ''}">
                  <label class="nhsuk-label" for="note">Reason (optional)</label>
                  <input class="nhsuk-input" id="note" name="note" type="text" />
                </div>
                ${button(`Restore revision ${d.to}`, { disabled: busy })}
              </form>`
          : nothing}`,
    );
  render();
}
