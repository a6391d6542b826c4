// Practice examples for members: submitting one through the template, the list of their own
// with their status, and one submission (with the curator's message, and the form again when
// changes were asked for).
import { html, nothing } from 'lit-html';
import { api, call } from '../../api/client';
import { button, errorSummary, fieldErrorsToFormErrors, hasErrors, NO_ERRORS, problemToFormErrors, type FormErrors } from '../../forms';
import { setFlash, takeFlash } from '../../forum/flash';
import type { PageContext } from '../../routes';
import { backLink, formatDate, insetText, successBanner, summaryList } from '../../ui';
import { checkBeforeSending, emptyRequest, ExampleForm, FIELD_IDS, loadChoices, requestFrom, sections, statusTag, toBody, type ExampleRequest, type ExampleView } from './form';

async function templateForm(
  ctx: PageContext,
  opts: {
    title: string;
    caption?: string;
    back: [string, string];
    intro: ReturnType<typeof html> | typeof nothing;
    initial: ExampleRequest;
    submitText: string;
    send: (body: ExampleRequest) => Promise<{ ok: true; id: number } | { ok: false; problem: Parameters<typeof problemToFormErrors>[0] }>;
    done: (id: number) => void;
  },
): Promise<void> {
  const choices = await loadChoices();
  if (!ctx.isCurrent()) return;
  if (!choices) {
    ctx.showProblem({ type: 'about:blank', title: 'The form could not be loaded', status: 0, detail: 'Try again later.', errors: [] });
    return;
  }
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  const form = new ExampleForm(opts.initial, () => rerender(), choices.regions, choices.topics);

  const rerender = () => {
    if (!ctx.isCurrent()) {
      form.dispose();
      return;
    }
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}${opts.title}`,
      html`${backLink(opts.back[0], opts.back[1])}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(errors)}
            <h1>${opts.caption ? html`<span class="nhsuk-caption-l">${opts.caption}</span> ` : nothing}${opts.title}</h1>
            ${opts.intro}
            <form novalidate @submit=${onSubmit} @input=${(e: Event) => form.input(e)} @change=${(e: Event) => form.input(e)}>
              ${form.template(errors)}
              ${button(opts.submitText, { disabled: busy })}
            </form>
          </div>
        </div>`,
    );
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const problems = checkBeforeSending(form.values);
    if (problems.length) {
      errors = fieldErrorsToFormErrors(problems, FIELD_IDS);
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    busy = true;
    errors = NO_ERRORS;
    rerender();
    const res = await opts.send(toBody(form.values));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (res.ok) {
      form.dispose();
      opts.done(res.id);
      return;
    }
    errors = problemToFormErrors(res.problem, FIELD_IDS);
    rerender();
    ctx.focusErrorSummary();
  };

  rerender();
}

const INTRO = html`<p>Share something that worked in your practice, so colleagues can learn from it. A curator reads every practice example before it is published in the library, and its discussion opens in the topic space you choose.</p>
  ${insetText('Do not include anything that could identify a person who uses services: no names, NHS numbers, dates of birth, addresses or case numbers.')}`;

export async function newPracticeExamplePage(ctx: PageContext): Promise<void> {
  await templateForm(ctx, {
    title: 'Share a practice example',
    back: ['/practice-examples', 'Your practice examples'],
    intro: INTRO,
    initial: emptyRequest(),
    submitText: 'Send for review',
    send: async (body) => {
      const r = await call(api.POST('/practice-examples', { body }));
      return r.ok ? { ok: true, id: r.data.id } : r;
    },
    done: (id) => {
      setFlash('Your practice example has been sent to the curators for review.');
      ctx.navigate(`/practice-examples/${id}`);
    },
  });
}

export async function myPracticeExamplesPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/practice-examples', { params: { query: { mine: true, limit: 100 } } }));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  const items = res.data.items;
  ctx.show(
    'Your practice examples',
    html`<h1>Your practice examples</h1>
      <p>Practice examples are accounts of practice that worked, published in the library after a curator has read them.</p>
      <p><a class="nhsuk-button" href="/practice-examples/new" role="button" draggable="false" data-module="nhsuk-button">Share a practice example</a></p>
      ${items.length === 0
        ? html`<p>You have not shared a practice example yet.</p>`
        : html`<table class="nhsuk-table">
            <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Your practice examples</caption>
            <thead class="nhsuk-table__head">
              <tr><th scope="col" class="nhsuk-table__header">Title</th><th scope="col" class="nhsuk-table__header">Sent</th><th scope="col" class="nhsuk-table__header">Status</th></tr>
            </thead>
            <tbody class="nhsuk-table__body">
              ${items.map(
                (i) => html`<tr class="nhsuk-table__row">
                  <td class="nhsuk-table__cell"><a href=${`/practice-examples/${i.id}`}>${i.title}</a></td>
                  <td class="nhsuk-table__cell">${formatDate(i.submitted_at)}</td>
                  <td class="nhsuk-table__cell">${statusTag(i.status)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}`,
  );
}

export function publishedLinks(v: ExampleView) {
  if (v.status !== 'published') return nothing;
  return html`<ul class="nhsuk-list">
    ${v.resource_slug ? html`<li><a href=${`/library/${v.resource_slug}`}>Read it in the library</a></li>` : nothing}
    ${v.discussion_thread_id ? html`<li><a href=${`/threads/${v.discussion_thread_id}`}>Join its discussion</a></li>` : nothing}
  </ul>`;
}

export async function practiceExamplePage(ctx: PageContext): Promise<void> {
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
  const v = res.data;
  if (v.can_edit) {
    await templateForm(ctx, {
      title: v.title,
      caption: 'Change and resubmit',
      back: ['/practice-examples', 'Your practice examples'],
      intro: html`<div class="nhsuk-card nhsuk-card--warning">
          <div class="nhsuk-card__content">
            <h2 class="nhsuk-card__heading"><span class="nhsuk-u-visually-hidden">Important: </span>A curator asked for changes</h2>
            <p class="app-pre-wrap app-curator-message">${v.curator_message ?? ''}</p>
          </div>
        </div>
        <p>Change what the curator asked for, then send it again. It goes back to the curators for review.</p>`,
      initial: requestFrom(v),
      submitText: 'Resubmit for review',
      send: async (body) => {
        const r = await call(api.PUT('/practice-examples/{id}', { params: { path: { id } }, body }));
        return r.ok ? { ok: true, id: r.data.id } : r;
      },
      done: () => {
        setFlash('Your practice example has been sent back to the curators for review.');
        ctx.navigate(`/practice-examples/${id}`, { replace: true });
      },
    });
    return;
  }
  const flash = takeFlash();
  ctx.show(
    v.title,
    html`${backLink('/practice-examples', 'Your practice examples')}
      <div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          ${successBanner(flash)}
          <h1><span class="nhsuk-caption-l">Practice example</span> ${v.title}</h1>
          <p>${statusTag(v.status)}</p>
          ${v.status === 'declined' && v.curator_message
            ? insetText(html`<p><strong>The curator's reason:</strong></p><p class="app-pre-wrap">${v.curator_message}</p>`)
            : nothing}
          ${v.status === 'in_review' ? html`<p>A curator will read it and publish it, or ask you for changes.</p>` : nothing}
          ${publishedLinks(v)}
          ${summaryList([
            ['Setting', v.setting],
            ['Region', v.region],
            ['Topic', v.topic_name],
            ['Shared by', v.author_name],
            ['Sent', formatDate(v.submitted_at)],
          ])}
          ${sections(v)}
        </div>
      </div>`,
  );
}
