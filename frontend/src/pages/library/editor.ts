// The resource editor, for a new resource and for changes: every field, the NHS.UK error
// summary, and a live preview of the body from POST /preview (the forum editor's).
import { html } from 'lit-html';
import { api, call } from '../../api/client';
import { button, checkboxesField, errorSummary, hasErrors, inputField, problemToFormErrors, selectField, textareaField, NO_ERRORS, type FormErrors } from '../../forms';
import { BodyEditor } from '../../forum/editor';
import { setFlash } from '../../forum/flash';
import type { PageContext } from '../../routes';
import { backLink } from '../../ui';
import { KINDS, REGIONS, STATUSES, resourcePath, type ResourceView } from './common';

const FIELD_IDS: Record<string, string> = {
  kind: 'kind',
  title: 'title',
  slug: 'slug',
  summary: 'summary',
  body_markdown: 'body_markdown',
  source_org: 'source_org',
  authors: 'authors',
  audience: 'audience',
  external_url: 'external_url',
  published_on: 'published_on',
  review_by: 'review_by',
  owner: 'owner',
  topics: 'topics',
  regions: 'regions',
  tags: 'tags',
  status: 'status',
  superseded_by: 'superseded_by',
  note: 'note',
};

const list = (s: string) =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

export async function resourceEditorPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug;
  let existing: ResourceView | null = null;
  if (slug) {
    const res = await call(api.GET('/resources/{slug}', { params: { path: { slug } } }));
    if (!ctx.isCurrent()) return;
    if (!res.ok) {
      ctx.showProblem(res.problem);
      return;
    }
    existing = res.data;
  }
  const spaces = await call(api.GET('/categories'));
  if (!ctx.isCurrent()) return;
  const topicChoices = spaces.ok ? spaces.data.items.filter((s) => s.kind === 'topic').map((s) => ({ value: s.slug, text: s.name })) : [];
  // A topic the resource has but the space list lacks (archived, say) stays choosable.
  for (const t of existing?.topics ?? []) {
    if (!topicChoices.some((c) => c.value === t.slug)) topicChoices.push({ value: t.slug, text: t.name });
  }
  const regionChoices = REGIONS.map(([value, text]) => ({ value, text }));
  const v: Record<string, string> = {
    kind: existing?.kind ?? 'guidance',
    title: existing?.title ?? '',
    slug: existing?.slug ?? '',
    summary: existing?.summary ?? '',
    source_org: existing?.source_org ?? '',
    authors: existing?.authors.join(', ') ?? '',
    audience: existing?.audience ?? '',
    external_url: existing?.external_url ?? '',
    published_on: existing?.published_on ?? '',
    review_by: existing?.review_by ?? '',
    tags: existing?.tags.join(', ') ?? '',
    status: existing?.status ?? 'draft',
    superseded_by: existing?.superseded_by?.slug ?? '',
    note: '',
  };
  let topics = existing?.topics.map((t) => t.slug) ?? [];
  let regions = existing?.regions.map((t) => t.slug) ?? [];
  let featured = existing?.featured ?? false;
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  const editor = new BodyEditor({ id: 'body_markdown', name: 'body_markdown', label: 'Body', value: existing?.body_markdown ?? '', rerender: () => render(), rows: 14 });
  const heading = existing ? 'Edit resource' : 'Add a resource';

  const onInput = (event: Event) => {
    const el = event.target as HTMLInputElement;
    if (el.name === 'featured') featured = el.checked;
    else if (el.name === 'topics' || el.name === 'regions') {
      const form = el.form;
      if (!form) return;
      const checked = new FormData(form).getAll(el.name).map(String);
      if (el.name === 'topics') topics = checked;
      else regions = checked;
    } else if (el.name in v) v[el.name] = el.value;
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    for (const k of Object.keys(v)) v[k] = String(data.get(k) ?? '');
    featured = data.get('featured') === 'yes';
    topics = data.getAll('topics').map(String);
    regions = data.getAll('regions').map(String);
    busy = true;
    const body = {
      kind: v.kind,
      title: v.title,
      slug: v.slug || undefined,
      summary: v.summary,
      body_markdown: editor.value,
      source_org: v.source_org || undefined,
      authors: list(v.authors),
      audience: v.audience || undefined,
      external_url: v.external_url || undefined,
      published_on: v.published_on || undefined,
      review_by: v.review_by || undefined,
      topics,
      regions,
      tags: list(v.tags),
      status: existing && !existing.can_curate ? existing.status : v.status,
      superseded_by: v.superseded_by || undefined,
      featured,
      is_demo: existing?.is_demo ?? false,
      note: v.note || undefined,
    };
    const out = existing
      ? await call(api.PUT('/resources/{slug}', { params: { path: { slug: existing.slug } }, body }))
      : await call(api.POST('/resources', { body }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (out.ok) {
      editor.dispose();
      setFlash(existing ? 'Your changes have been saved.' : 'The resource has been added.');
      ctx.navigate(resourcePath(out.data.slug));
      return;
    }
    errors = problemToFormErrors(out.problem, FIELD_IDS);
    render();
    ctx.focusErrorSummary();
  };

  const render = () => {
    if (!ctx.isCurrent()) {
      editor.dispose();
      return;
    }
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}${heading}`,
      html`${backLink(existing ? resourcePath(existing.slug) : '/library', existing ? existing.title : 'Library')}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(errors)}
            <h1>${heading}</h1>
            <form novalidate @submit=${onSubmit} @input=${onInput} @change=${onInput}>
              ${selectField({ id: 'kind', name: 'kind', label: 'Kind', choices: KINDS.map(([value, text]) => ({ value, text })), value: v.kind, error: errors.fields.kind })}
              ${inputField({ id: 'title', name: 'title', label: 'Title', value: v.title, error: errors.fields.title })}
              ${inputField({ id: 'slug', name: 'slug', label: 'Slug (optional)', hint: 'The last part of the address. Made from the title when left empty.', value: v.slug, error: errors.fields.slug, spellcheck: false })}
              ${textareaField({ id: 'summary', name: 'summary', label: 'Summary', hint: 'One or two sentences shown in lists and search results', value: v.summary, rows: 3, error: errors.fields.summary })}
              ${editor.template(errors.fields.body_markdown)}
              ${inputField({ id: 'source_org', name: 'source_org', label: 'Source organisation (optional)', value: v.source_org, error: errors.fields.source_org })}
              ${inputField({ id: 'authors', name: 'authors', label: 'Authors (optional)', hint: 'Separated by commas', value: v.authors, error: errors.fields.authors })}
              ${inputField({ id: 'audience', name: 'audience', label: 'Audience (optional)', value: v.audience, error: errors.fields.audience })}
              ${inputField({ id: 'external_url', name: 'external_url', label: 'External web address (optional)', hint: 'For videos and reports hosted elsewhere, starting https://', value: v.external_url, type: 'url', error: errors.fields.external_url, spellcheck: false })}
              ${inputField({ id: 'published_on', name: 'published_on', label: 'Published date (optional)', hint: 'For example, 2026-03-31', value: v.published_on, width: 'width-10', error: errors.fields.published_on })}
              ${inputField({ id: 'review_by', name: 'review_by', label: 'Review by (optional)', hint: 'When a curator should check it is still current, for example 2027-03-31', value: v.review_by, width: 'width-10', error: errors.fields.review_by })}
              ${checkboxesField({ id: 'topics', name: 'topics', label: 'Topics', hint: 'Select all that apply', choices: topicChoices, values: topics, error: errors.fields.topics })}
              ${checkboxesField({ id: 'regions', name: 'regions', label: 'Regions (optional)', hint: 'Select all that apply; none means every region', choices: regionChoices, values: regions, error: errors.fields.regions })}
              ${inputField({ id: 'tags', name: 'tags', label: 'Tags (optional)', hint: 'Up to 10, separated by commas', value: v.tags, error: errors.fields.tags })}
              ${!existing || existing.can_curate
                ? selectField({ id: 'status', name: 'status', label: 'Status', hint: 'Changing the status of an existing resource needs a note saying why', choices: STATUSES.map(([value, text]) => ({ value, text })), value: v.status, error: errors.fields.status })
                : html``}
              ${inputField({ id: 'superseded_by', name: 'superseded_by', label: 'Superseded by (optional)', hint: 'The slug of the resource that replaces this one', value: v.superseded_by, error: errors.fields.superseded_by, spellcheck: false })}
              <div class="nhsuk-form-group">
                <div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">
                  <div class="nhsuk-checkboxes__item">
                    <input class="nhsuk-checkboxes__input" id="featured" name="featured" type="checkbox" value="yes" ?checked=${featured} />
                    <label class="nhsuk-label nhsuk-checkboxes__label" for="featured">Feature it in the library</label>
                  </div>
                </div>
              </div>
              ${inputField({ id: 'note', name: 'note', label: 'What changed and why (optional)', hint: 'Kept with the revision', value: v.note, error: errors.fields.note })}
              ${button(existing ? 'Save changes' : 'Add resource', { disabled: busy })}
            </form>
          </div>
        </div>`,
    );
  };
  render();
}
