// Curators' pages: the dashboard of what needs doing (drafts, resources in review, practice
// examples waiting, reviews due, broken links) and the review of one practice example, with
// what the case-information guard found and the decision (publish, ask for changes, decline).
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type Schemas } from '../../api/client';
import { button, errorSummary, hasErrors, NO_ERRORS, problemToFormErrors, radiosField, textareaField, type FormErrors } from '../../forms';
import { findingLines } from '../../forum/editor';
import { setFlash, takeFlash } from '../../forum/flash';
import type { PageContext } from '../../routes';
import { backLink, formatDate, formatDateTime, successBanner, summaryList } from '../../ui';
import { publishedLinks } from '../practice-examples/index';
import { sections, statusTag } from '../practice-examples/form';

type DashboardResource = Schemas['DashboardResource'];
type ReviewAction = Schemas['ReviewAction'];

function resourceList(items: DashboardResource[], empty: string, dates = false): TemplateResult {
  if (items.length === 0) return html`<p>${empty}</p>`;
  return html`<ul class="nhsuk-list nhsuk-list--bullet">
    ${items.map(
      (r) => html`<li>
        <a href=${`/library/${r.slug}`}>${r.title}</a>
        ${dates && r.review_by
          ? html` – review ${r.review_overdue ? 'was due' : 'due'} ${formatDate(r.review_by)}${r.review_overdue ? html` <strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>` : nothing}`
          : nothing}
        ${r.owner_name ? html`<span class="nhsuk-body-s"> (owner: ${r.owner_name})</span>` : nothing}
      </li>`,
    )}
  </ul>`;
}

export async function curationDashboardPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/curation/dashboard'));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  const d = res.data;
  const flash = takeFlash();
  ctx.show(
    'Curation',
    html`${successBanner(flash)}
      <h1>Curation</h1>
      <p>What needs a curator now. <a href="/library/new">Add a resource</a>.</p>
      <h2>Practice examples waiting for review</h2>
      ${d.practice_examples.length === 0
        ? html`<p>No practice examples are waiting.</p>`
        : html`<ul class="nhsuk-list nhsuk-list--bullet">
            ${d.practice_examples.map(
              (p) => html`<li>
                <a href=${`/curation/practice-examples/${p.id}`}>${p.title}</a>
                <span class="nhsuk-body-s"> by ${p.author_name}, sent ${formatDate(p.submitted_at)}</span>
                ${p.case_information_count > 0 ? html` <strong class="nhsuk-tag nhsuk-tag--orange">Possible case information</strong>` : nothing}
              </li>`,
            )}
          </ul>`}
      <h2>Reviews due within 30 days or past</h2>
      ${resourceList(d.review_due, 'No reviews are due.', true)}
      <h2>Broken external links</h2>
      ${d.broken_links.length === 0
        ? html`<p>No broken links were found at the last check.</p>`
        : html`<ul class="nhsuk-list nhsuk-list--bullet">
            ${d.broken_links.map(
              (b) => html`<li>
                <a href=${`/library/${b.resource.slug}`}>${b.resource.title}</a>:
                <span class="app-break-word">${b.url}</span> – ${b.error ?? (b.http_status ? `status ${b.http_status}` : 'broken')},
                checked ${formatDateTime(b.checked_at)}
              </li>`,
            )}
          </ul>`}
      <h2>Resources in review</h2>
      ${resourceList(d.in_review, 'No resources are in review.')}
      <h2>Drafts</h2>
      ${resourceList(d.drafts, 'There are no drafts.')}`,
  );
}

const ACTIONS: { value: ReviewAction; text: string }[] = [
  { value: 'publish', text: 'Publish it in the library and open its discussion' },
  { value: 'request_changes', text: 'Ask the member for changes' },
  { value: 'decline', text: 'Decline it' },
];

export async function reviewPracticeExamplePage(ctx: PageContext): Promise<void> {
  const id = Number(ctx.params.id);
  if (!Number.isInteger(id) || id <= 0) {
    ctx.showProblem({ type: 'about:blank', title: 'Not found', status: 404, detail: 'No such practice example.', errors: [] });
    return;
  }
  const res = await call(api.GET('/practice-examples/{id}', { params: { path: { id } } }));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  let v = res.data;
  let action: ReviewAction | '' = '';
  let message = '';
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  const flash = takeFlash();

  const rerender = () => {
    const found = findingLines(v.case_information);
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Review: ${v.title}`,
      html`${backLink('/curation', 'Curation')}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(errors)} ${successBanner(flash)}
            <h1><span class="nhsuk-caption-l">Review a practice example</span> ${v.title}</h1>
            <p>${statusTag(v.status)}</p>
            ${publishedLinks(v)}
            ${found.length
              ? html`<div class="nhsuk-card nhsuk-card--warning app-case-warning">
                  <div class="nhsuk-card__content">
                    <h2 class="nhsuk-card__heading"><span class="nhsuk-u-visually-hidden">Important: </span>The case-information guard found something</h2>
                    <p>It cannot be published while these are there: ask the member for changes.</p>
                    <ul>
                      ${v.case_information.map((f) => html`<li>${labelOf(f.field)}: ${f.description} “${f.matched}”</li>`)}
                    </ul>
                  </div>
                </div>`
              : html`<p>The case-information guard found nothing in it.</p>`}
            ${summaryList([
              ['Shared by', v.author_name],
              ['Setting', v.setting],
              ['Region', v.region],
              ['Topic', v.topic_name],
              ['Sent', formatDateTime(v.submitted_at)],
            ])}
            ${sections(v)}
            ${v.events.length
              ? html`<h2 class="nhsuk-heading-m">History</h2>
                  <ul class="nhsuk-list">
                    ${v.events.map(
                      (e) => html`<li>${formatDateTime(e.created_at)}: ${EVENT_TEXT[e.action] ?? e.action}${e.actor_name ? ` by ${e.actor_name}` : ''}${e.message ? html` – “<span class="app-pre-wrap">${e.message}</span>”` : nothing}</li>`,
                    )}
                  </ul>`
              : nothing}
            ${v.can_review
              ? html`<h2 class="nhsuk-heading-m">Your decision</h2>
                  <form novalidate @submit=${onSubmit} @change=${onInput} @input=${onInput}>
                    ${radiosField({ id: 'action', name: 'action', label: 'What do you want to do?', choices: ACTIONS, value: action, error: errors.fields.action })}
                    ${textareaField({
                      id: 'message',
                      name: 'message',
                      label: 'Message to the member',
                      hint: 'Required to ask for changes (say what to change) or to decline (say why). Optional when publishing.',
                      value: message,
                      error: errors.fields.message ?? errors.fields.review,
                    })}
                    ${button('Send decision', { disabled: busy })}
                  </form>`
              : v.status === 'in_review'
                ? html`<p>You sent this practice example, so another curator needs to review it.</p>`
                : nothing}
          </div>
        </div>`,
    );
  };

  const onInput = (event: Event) => {
    const el = event.target as HTMLInputElement;
    if (el.name === 'action' && el.checked) action = el.value as ReviewAction;
    if (el.name === 'message') message = el.value;
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const fieldErrors: { field: string; message: string }[] = [];
    if (!action) fieldErrors.push({ field: 'action', message: 'Choose what you want to do' });
    else if (action !== 'publish' && !message.trim())
      fieldErrors.push({ field: 'message', message: action === 'decline' ? 'Give the reason for declining' : 'Say what the member should change' });
    if (fieldErrors.length) {
      errors = problemToFormErrors({ type: 'about:blank', title: 'There is a problem', status: 422, errors: fieldErrors }, { action: 'action', message: 'message' });
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    busy = true;
    errors = NO_ERRORS;
    rerender();
    const r = await call(api.POST('/practice-examples/{id}/review', { params: { path: { id } }, body: { action: action as ReviewAction, message: message.trim() || undefined } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (r.ok) {
      v = r.data;
      setFlash(
        action === 'publish'
          ? `“${v.title}” is published in the library.`
          : action === 'decline'
            ? `“${v.title}” was declined; the member has been told why.`
            : `The member has been asked for changes to “${v.title}”.`,
      );
      ctx.navigate('/curation');
      return;
    }
    // A refused publication names the sections the guard found something in: they aren't
    // fields of this form, so they show in the summary with the problem's detail.
    errors = problemToFormErrors(r.problem, { action: 'action', message: 'message' });
    if (r.problem.status === 422 && r.problem.detail) errors = { ...errors, detail: r.problem.detail };
    rerender();
    ctx.focusErrorSummary();
  };

  rerender();
}

const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  setting: 'Setting',
  challenge: 'The challenge',
  what_we_did: 'What we did',
  legal_framework: 'Legal framework',
  outcomes: 'Outcomes and evidence',
  learning: 'Learning',
  contact: 'Contact',
};

function labelOf(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

const EVENT_TEXT: Record<string, string> = {
  submit: 'Sent',
  resubmit: 'Sent again',
  publish: 'Published',
  request_changes: 'Changes asked for',
  decline: 'Declined',
};
