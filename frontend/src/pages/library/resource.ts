// One resource: summary, body, attachments, related resources, the discussion, and for
// curators and the owner the review date, status and a form to move the status on.
import { html, nothing } from 'lit-html';
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import { api, call } from '../../api/client';
import { button, errorSummary, hasErrors, problemToFormErrors, selectField, textareaField, NO_ERRORS, type FormErrors } from '../../forms';
import { takeFlash } from '../../forum/flash';
import type { PageContext } from '../../routes';
import { backLink, formatDate, summaryList } from '../../ui';
import { STATUSES, demoTag, humanSize, kindName, resourceItem, resourcePath, statusName, statusTag, type ResourceView } from './common';

const NEXT_STATUSES: Record<string, string[]> = {
  draft: ['in_review', 'archived'],
  in_review: ['published', 'draft'],
  published: ['archived', 'draft'],
  archived: ['published', 'draft'],
};

export async function resourcePage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug;
  const res = await call(api.GET('/resources/{slug}', { params: { path: { slug } } }));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  let r: ResourceView = res.data;
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  let flash = takeFlash() ?? '';

  const onStatus = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    busy = true;
    const out = await call(api.POST('/resources/{slug}/status', { params: { path: { slug } }, body: { to: String(data.get('to') ?? ''), reason: String(data.get('reason') ?? '') } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (out.ok) {
      r = out.data;
      errors = NO_ERRORS;
      flash = `The status is now ${statusName(r.status).toLowerCase()}.`;
    } else {
      errors = problemToFormErrors(out.problem, { to: 'to', reason: 'reason' });
    }
    render();
    if (!out.ok) ctx.focusErrorSummary();
  };

  const onDiscuss = async (event: Event) => {
    event.preventDefault();
    const out = await call(api.POST('/resources/{slug}/discussion', { params: { path: { slug } } }));
    if (!ctx.isCurrent()) return;
    if (out.ok) ctx.navigate(out.data.url);
    else {
      errors = problemToFormErrors(out.problem, {});
      render();
      ctx.focusErrorSummary();
    }
  };

  const render = () => {
    const signedIn = !!ctx.member && ctx.member.status === 'active';
    const details: [string, string | null | undefined][] = [
      ['Kind', kindName(r.kind)],
      ['From', r.source_org],
      ['Authors', r.authors.length ? r.authors.join(', ') : null],
      ['Audience', r.audience],
      ['Published', r.published_on ? formatDate(r.published_on) : null],
      ['Topics', r.topics.length ? r.topics.map((t) => t.name).join(', ') : null],
      ['Regions', r.regions.length ? r.regions.map((t) => t.name).join(', ') : null],
      ['Tags', r.tags.length ? r.tags.join(', ') : null],
    ];
    const shown = details.filter(([, v]) => v) as [string, string][];
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}${r.title}`,
      html`${backLink('/library', 'Library')}
        ${errorSummary(errors)}
        ${flash ? html`<div class="nhsuk-inset-text app-flash" role="status"><p>${flash}</p></div>` : nothing}
        <h1><span class="nhsuk-caption-l">${kindName(r.kind)}</span> ${r.title}</h1>
        <p>${r.status !== 'published' ? statusTag(r.status) : nothing} ${demoTag(r.is_demo)}</p>
        ${r.superseded_by
          ? html`<div class="nhsuk-warning-callout"><h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Superseded</span></h2>
              <p>This has been replaced by <a href=${resourcePath(r.superseded_by.slug)}>${r.superseded_by.title}</a>.</p></div>`
          : nothing}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            <p class="nhsuk-lede-text">${r.summary}</p>
            ${r.external_url ? html`<p><a href=${r.external_url} rel="noopener noreferrer">View it on the publisher's website</a></p>` : nothing}
            <div class="app-resource__body">${unsafeHTML(r.body_html)}</div>
            ${r.attachments.length
              ? html`<h2>Files</h2>
                  <ul class="nhsuk-list app-attachments">
                    ${r.attachments.map(
                      (a) => html`<li>
                        <a href=${a.download_url} download>${a.title}</a>
                        <span class="nhsuk-body-s">(${a.file_type.toUpperCase()}, ${humanSize(a.size_bytes)}${a.page_count ? `, ${a.page_count} pages` : ''})</span>
                      </li>`,
                    )}
                  </ul>`
              : nothing}
            <h2>Discuss this resource</h2>
            ${r.discussion
              ? html`<p><a href=${r.discussion.url}>Go to the discussion</a></p>`
              : signedIn && r.status === 'published'
                ? html`<form @submit=${onDiscuss}><button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit">Start a discussion</button></form>`
                : html`<p>${signedIn ? 'It can be discussed once it is published.' : html`<a href="/sign-in">Sign in</a> to discuss it with colleagues.`}</p>`}
            ${r.related.length
              ? html`<h2>Related resources</h2>
                  <ul class="nhsuk-list">${r.related.map((x) => resourceItem(x, 3))}</ul>`
              : nothing}
          </div>
          <div class="nhsuk-grid-column-one-third">
            <h2 class="nhsuk-heading-s">About this resource</h2>
            ${summaryList(shown)}
            ${r.can_edit
              ? html`<h2 class="nhsuk-heading-s">For curators</h2>
                  ${summaryList([
                    ['Status', statusName(r.status)],
                    ['Review by', r.review_by ? formatDate(r.review_by) : 'Not set'],
                    ['Owner', r.owner?.display_name ?? 'No owner'],
                    ['Revision', String(r.revision)],
                  ])}
                  <ul class="nhsuk-list">
                    <li><a href=${`${resourcePath(r.slug)}/edit`}>Edit this resource</a></li>
                    <li><a href=${`${resourcePath(r.slug)}/history`}>Revision history</a></li>
                  </ul>`
              : nothing}
            ${r.can_curate
              ? html`<form novalidate @submit=${onStatus}>
                  ${selectField({
                    id: 'to',
                    name: 'to',
                    label: 'Change the status to',
                    choices: STATUSES.filter(([k]) => (NEXT_STATUSES[r.status] ?? []).includes(k)).map(([value, text]) => ({ value, text })),
                    error: errors.fields.to,
                  })}
                  ${textareaField({ id: 'reason', name: 'reason', label: 'Reason', hint: 'Kept in the status log', rows: 3, error: errors.fields.reason })}
                  ${button('Change status', { secondary: true, disabled: busy })}
                </form>`
              : nothing}
          </div>
        </div>`,
    );
  };
  render();
}
