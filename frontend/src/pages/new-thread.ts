// Starting a thread in a space: title, kind, tags and the post editor with its preview and
// case-information warnings.
import { html, nothing } from 'lit-html';
import { api, call } from '../api/client';
import { button, errorSummary, hasErrors, inputField, radiosField, required, validate, fieldErrorsToFormErrors, problemToFormErrors, NO_ERRORS, type FormErrors } from '../forms';
import { BodyEditor } from '../forum/editor';
import { setFlash } from '../forum/flash';
import { parseTags } from '../forum/tags';
import { MENTION_HINT } from './thread';
import type { PageContext } from '../routes';
import { backLink } from '../ui';
import { spacePath } from './spaces';

// A `category` error (the space went away) has no field here: it shows in the summary only.
const FIELD_IDS = { title: 'title', kind: 'kind', body: 'body', tags: 'tags' };

export async function newThreadPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug;
  // The space's name and whether it exists, from its first page of threads.
  const res = await call(api.GET('/categories/{slug}/threads', { params: { path: { slug }, query: { limit: 1 } } }));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  const space = res.data.space;
  let title = '';
  let kind: 'discussion' | 'question' = 'discussion';
  let tags = '';
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  const editor = new BodyEditor({ id: 'body', name: 'body', label: 'Your post', hint: MENTION_HINT, rerender: () => rerender() });

  const rerender = () => {
    if (!ctx.isCurrent()) {
      editor.dispose();
      return;
    }
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Start a new thread`,
      html`${backLink(spacePath(space.slug), space.name)}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(errors)}
            <h1><span class="nhsuk-caption-l">${space.name}</span> Start a new thread</h1>
            ${space.pre_moderated ? html`<p>A moderator checks every post in this space before other members see it.</p>` : nothing}
            <form novalidate @submit=${onSubmit} @input=${onInput} @change=${onInput}>
              ${inputField({ id: FIELD_IDS.title, name: 'title', label: 'Title', hint: 'Say what the thread is about in a few words', value: title, error: errors.fields.title })}
              ${radiosField({
                id: FIELD_IDS.kind,
                name: 'kind',
                label: 'What kind of thread is it?',
                choices: [
                  { value: 'discussion', text: 'A discussion' },
                  { value: 'question', text: 'A question (an answer can be marked as the accepted one)' },
                ],
                value: kind,
                error: errors.fields.kind,
              })}
              ${inputField({
                id: FIELD_IDS.tags,
                name: 'tags',
                label: 'Tags (optional)',
                hint: 'Up to 5 words or short phrases that help colleagues find the thread, separated by commas, like: supervision, s136, AMHP rota',
                value: tags,
                error: errors.fields.tags,
                spellcheck: false,
              })}
              ${editor.template(errors.fields.body)}
              ${button('Post thread', { disabled: busy })}
            </form>
          </div>
        </div>`,
    );
  };

  // The preview re-renders the form while someone types, so keep what they typed elsewhere.
  const onInput = (event: Event) => {
    const el = event.target as HTMLInputElement;
    if (el.name === 'title') title = el.value;
    if (el.name === 'tags') tags = el.value;
    if (el.name === 'kind' && el.checked) kind = el.value === 'question' ? 'question' : 'discussion';
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    title = String(data.get('title') ?? '');
    kind = data.get('kind') === 'question' ? 'question' : 'discussion';
    tags = String(data.get('tags') ?? '');
    const tagList = parseTags(tags);
    const fieldErrors = validate(
      { title, body: editor.value },
      { title: [required('Enter a title')], body: [required('Enter your post')] },
    );
    if (tagList.length > 5) fieldErrors.push({ field: 'tags', message: 'Enter up to 5 tags' });
    if (fieldErrors.length) {
      errors = fieldErrorsToFormErrors(fieldErrors, FIELD_IDS);
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    busy = true;
    errors = NO_ERRORS;
    rerender();
    const created = await call(api.POST('/threads', { body: { category: space.slug, title: title.trim(), body: editor.value, kind, ...(tagList.length ? { tags: tagList } : {}) } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (created.ok) {
      editor.dispose();
      setFlash(created.data.status === 'held' ? 'Your thread has been sent for review.' : 'Your thread has been posted.');
      ctx.navigate(`/threads/${created.data.id}`);
      return;
    }
    errors = problemToFormErrors(created.problem, FIELD_IDS);
    rerender();
    ctx.focusErrorSummary();
  };

  rerender();
}
