// A collection: its introduction and ordered sections of resources; and a simple editor for
// curators, where the sections are written as text (one resource slug a line).
import { html, nothing } from 'lit-html';
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import { api, call, type Schemas } from '../../api/client';
import { button, errorSummary, hasErrors, inputField, problemToFormErrors, selectField, textareaField, NO_ERRORS, type FormErrors } from '../../forms';
import { setFlash, takeFlash } from '../../forum/flash';
import type { PageContext } from '../../routes';
import { backLink } from '../../ui';
import { demoTag, resourceItem, statusTag } from './common';

type CollectionView = Schemas['CollectionView'];

export async function collectionPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug;
  const res = await call(api.GET('/collections/{slug}', { params: { path: { slug } } }));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  const c = res.data;
  const flash = takeFlash();
  ctx.show(
    c.title,
    html`${backLink('/library', 'Library')}
      ${flash ? html`<div class="nhsuk-inset-text" role="status"><p>${flash}</p></div>` : nothing}
      <h1><span class="nhsuk-caption-l">Collection</span> ${c.title}</h1>
      <p>${c.status !== 'published' ? statusTag(c.status) : nothing} ${demoTag(c.is_demo)}</p>
      <p class="nhsuk-lede-text">${c.summary}</p>
      <div class="app-collection__intro">${unsafeHTML(c.intro_html)}</div>
      ${c.can_edit ? html`<p><a href=${`/collections/${encodeURIComponent(c.slug)}/edit`}>Edit this collection</a></p>` : nothing}
      ${c.sections.map(
        (s) => html`<h2>${s.title}</h2>
          ${s.intro_html ? html`<div>${unsafeHTML(s.intro_html)}</div>` : nothing}
          <ul class="nhsuk-list">
            ${s.items.map((i) => html`${resourceItem(i.resource, 3)}${i.note ? html`<p class="nhsuk-body-s app-collection__note">${i.note}</p>` : nothing}`)}
          </ul>`,
      )}`,
  );
}

/** Sections as text: "## Title" starts a section; each other line is "slug" or "slug | note". */
function sectionsToText(c: CollectionView | null): string {
  if (!c) return '';
  return c.sections
    .map((s) => [`## ${s.title}`, ...s.items.map((i) => (i.note ? `${i.resource.slug} | ${i.note}` : i.resource.slug))].join('\n'))
    .join('\n\n');
}

function textToSections(text: string) {
  const sections: { title: string; items: { resource: string; note?: string }[] }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('## ')) {
      sections.push({ title: line.slice(3).trim(), items: [] });
      continue;
    }
    if (sections.length === 0) sections.push({ title: 'Resources', items: [] });
    const [slug, ...note] = line.split('|');
    const n = note.join('|').trim();
    sections[sections.length - 1].items.push({ resource: slug.trim(), ...(n ? { note: n } : {}) });
  }
  return sections;
}

export async function collectionEditorPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug;
  let existing: CollectionView | null = null;
  if (slug) {
    const res = await call(api.GET('/collections/{slug}', { params: { path: { slug } } }));
    if (!ctx.isCurrent()) return;
    if (!res.ok) {
      ctx.showProblem(res.problem);
      return;
    }
    existing = res.data;
  }
  const v: Record<string, string> = {
    title: existing?.title ?? '',
    slug: existing?.slug ?? '',
    summary: existing?.summary ?? '',
    intro_markdown: existing?.intro_markdown ?? '',
    status: existing?.status ?? 'draft',
    sections: sectionsToText(existing),
  };
  let errors: FormErrors = NO_ERRORS;
  const ids = { title: 'title', slug: 'slug', summary: 'summary', intro_markdown: 'intro_markdown', status: 'status', sections: 'sections' };
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    for (const k of Object.keys(v)) v[k] = String(data.get(k) ?? '');
    const body = {
      title: v.title,
      slug: v.slug || undefined,
      summary: v.summary,
      intro_markdown: v.intro_markdown,
      status: v.status,
      featured: existing?.featured ?? false,
      is_demo: existing?.is_demo ?? false,
      sections: textToSections(v.sections),
    };
    const out = existing
      ? await call(api.PUT('/collections/{slug}', { params: { path: { slug: existing.slug } }, body }))
      : await call(api.POST('/collections', { body }));
    if (!ctx.isCurrent()) return;
    if (out.ok) {
      setFlash('The collection has been saved.');
      ctx.navigate(`/collections/${encodeURIComponent(out.data.slug)}`);
      return;
    }
    errors = problemToFormErrors(out.problem, ids);
    render();
    ctx.focusErrorSummary();
  };
  const heading = existing ? 'Edit collection' : 'New collection';
  const render = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}${heading}`,
      html`${backLink(existing ? `/collections/${encodeURIComponent(existing.slug)}` : '/library', existing ? existing.title : 'Library')}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(errors)}
            <h1>${heading}</h1>
            <form novalidate @submit=${onSubmit}>
              ${inputField({ id: 'title', name: 'title', label: 'Title', value: v.title, error: errors.fields.title })}
              ${inputField({ id: 'slug', name: 'slug', label: 'Slug (optional)', value: v.slug, error: errors.fields.slug, spellcheck: false })}
              ${textareaField({ id: 'summary', name: 'summary', label: 'Summary', value: v.summary, rows: 2, error: errors.fields.summary })}
              ${textareaField({ id: 'intro_markdown', name: 'intro_markdown', label: 'Introduction', hint: 'Markdown', value: v.intro_markdown, rows: 5, error: errors.fields.intro_markdown })}
              ${selectField({ id: 'status', name: 'status', label: 'Status', choices: [['draft', 'Draft'], ['published', 'Published'], ['archived', 'Archived']].map(([value, text]) => ({ value, text })), value: v.status, error: errors.fields.status })}
              ${textareaField({
                id: 'sections',
                name: 'sections',
                label: 'Sections',
                hint: 'Start each section with a line "## Section title"; then one resource slug a line, optionally followed by " | a note".',
                value: v.sections,
                rows: 12,
                error: errors.fields.sections,
              })}
              ${button('Save collection')}
            </form>
          </div>
        </div>`,
    );
  render();
}
