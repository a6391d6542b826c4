// Watched words for admins: the rules, adding, changing and deleting one (after confirming),
// and trying a text against them.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type Schemas } from '../../api/client';
import { button, errorSummary, hasErrors, inputField, NO_ERRORS, problemToFormErrors, radiosField, textareaField, type FormErrors } from '../../forms';
import type { PageContext } from '../../routes';
import { newFormState, submitForm } from '../../submit';
import { backLink, successBanner, summaryList } from '../../ui';
import { setFlash, takeFlash } from '../../forum/flash';

type WatchedWord = Schemas['WatchedWordView'];
type TestResult = Schemas['TestResult'];

export const KIND_TEXT: Record<WatchedWord['kind'], string> = { word: 'Word', phrase: 'Phrase', regex: 'Regular expression' };
export const RULE_ACTION_TEXT: Record<WatchedWord['action'], string> = {
  block: 'Block: refuse the post',
  hold: 'Hold: send the post for review',
  flag: 'Flag: publish it and flag it for moderators',
};
const ACTION_SHORT: Record<WatchedWord['action'], string> = { block: 'Block', hold: 'Hold', flag: 'Flag' };
const ACTION_COLOUR: Record<WatchedWord['action'], string> = { block: 'red', hold: 'yellow', flag: 'orange' };

const FIELD_IDS = { pattern: 'ww-pattern', kind: 'ww-kind', action: 'ww-action', note: 'ww-note', message: 'ww-message' };

function ruleFields(values: Record<string, string>, errors: FormErrors): TemplateResult {
  return html`${inputField({ id: FIELD_IDS.pattern, name: 'pattern', label: 'Pattern', hint: 'A word (no spaces), a phrase, or a regular expression. Matching ignores case.', value: values.pattern, error: errors.fields.pattern, spellcheck: false })}
    ${radiosField({ id: FIELD_IDS.kind, name: 'kind', label: 'Kind', choices: Object.entries(KIND_TEXT).map(([value, text]) => ({ value, text })), value: values.kind ?? 'word', error: errors.fields.kind })}
    ${radiosField({ id: FIELD_IDS.action, name: 'action', label: 'What happens to a post that contains it', choices: Object.entries(RULE_ACTION_TEXT).map(([value, text]) => ({ value, text })), value: values.action ?? 'flag', error: errors.fields.action })}
    ${textareaField({ id: FIELD_IDS.note, name: 'note', label: 'Note for admins (optional)', hint: 'Why the rule exists. Members never see it.', rows: 2, value: values.note, error: errors.fields.note })}
    ${textareaField({ id: FIELD_IDS.message, name: 'message', label: 'Message to the writer (optional)', hint: 'Shown to a member whose post this rule blocks.', rows: 2, value: values.message, error: errors.fields.message })}`;
}

const requiredPattern = { pattern: [(v: string) => (v.trim() === '' ? 'Enter a pattern' : null)] };

export async function watchedWordsPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/admin/watched-words'));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  let words = res.data.items;
  let message: string | null = takeFlash();
  const add = newFormState({ kind: 'word', action: 'flag' });
  const test = newFormState();
  let result: TestResult | null = null;
  let lastErrors: 'add' | 'test' = 'add';

  const rerender = () => {
    const errors = lastErrors === 'add' ? add.errors : test.errors;
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Watched words`,
      html`${errorSummary(errors)}
        <h1>Watched words</h1>
        ${successBanner(message)}
        <p>Words, phrases and patterns checked in every new post, reply, edit and title. The strongest matching rule applies: block, then hold, then flag.</p>
        ${words.length === 0
          ? html`<p>There are no watched words yet.</p>`
          : html`<table class="nhsuk-table">
              <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Watched words</caption>
              <thead class="nhsuk-table__head">
                <tr class="nhsuk-table__row">
                  <th class="nhsuk-table__header" scope="col">Pattern</th>
                  <th class="nhsuk-table__header" scope="col">Kind</th>
                  <th class="nhsuk-table__header" scope="col">Action</th>
                  <th class="nhsuk-table__header" scope="col">Note and message</th>
                  <th class="nhsuk-table__header" scope="col"><span class="nhsuk-u-visually-hidden">Change</span></th>
                </tr>
              </thead>
              <tbody class="nhsuk-table__body">
                ${words.map(
                  (w) => html`<tr class="nhsuk-table__row">
                    <td class="nhsuk-table__cell"><code>${w.pattern}</code></td>
                    <td class="nhsuk-table__cell">${KIND_TEXT[w.kind]}</td>
                    <td class="nhsuk-table__cell"><strong class="nhsuk-tag nhsuk-tag--${ACTION_COLOUR[w.action]}">${ACTION_SHORT[w.action]}</strong></td>
                    <td class="nhsuk-table__cell">${w.note ?? ''}${w.message ? html`<br /><span class="nhsuk-body-s">Message: ${w.message}</span>` : nothing}</td>
                    <td class="nhsuk-table__cell">
                      <a href=${`/admin/watched-words/${w.id}`}>Change<span class="nhsuk-u-visually-hidden"> ${w.pattern}</span></a><br />
                      <a href=${`/admin/watched-words/${w.id}/delete`}>Delete<span class="nhsuk-u-visually-hidden"> ${w.pattern}</span></a>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
        <h2>Add a watched word</h2>
        <form novalidate @submit=${onAdd}>
          ${ruleFields(add.values, add.errors)}
          ${button('Add watched word', { disabled: add.busy })}
        </form>
        <h2>Try a text</h2>
        <form novalidate @submit=${onTest}>
          ${textareaField({ id: 'ww-test', name: 'text', label: 'Text to try', hint: 'Nothing is posted. You see which rules match and what would happen.', rows: 4, value: test.values.text, error: test.errors.fields.text })}
          ${button('Try this text', { secondary: true, disabled: test.busy })}
        </form>
        ${result ? testResult(result) : nothing}`,
    );
  };

  const testResult = (r: TestResult) =>
    html`<div class="app-test-result" aria-live="polite">
      <h3 class="nhsuk-heading-s">Result</h3>
      ${summaryList([['What would happen', r.action ? RULE_ACTION_TEXT[r.action] : 'Nothing: no rule matches']])}
      ${r.matches.length
        ? html`<table class="nhsuk-table">
            <caption class="nhsuk-table__caption nhsuk-table__caption--s">Rules that match</caption>
            <thead class="nhsuk-table__head">
              <tr class="nhsuk-table__row">
                <th class="nhsuk-table__header" scope="col">Pattern</th>
                <th class="nhsuk-table__header" scope="col">Kind</th>
                <th class="nhsuk-table__header" scope="col">Action</th>
                <th class="nhsuk-table__header" scope="col">Matched text</th>
              </tr>
            </thead>
            <tbody class="nhsuk-table__body">
              ${r.matches.map(
                (m) => html`<tr class="nhsuk-table__row">
                  <td class="nhsuk-table__cell"><code>${m.pattern}</code></td>
                  <td class="nhsuk-table__cell">${KIND_TEXT[m.kind]}</td>
                  <td class="nhsuk-table__cell">${ACTION_SHORT[m.action]}</td>
                  <td class="nhsuk-table__cell"><mark class="app-finding">${m.matched}</mark></td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : nothing}
    </div>`;

  const onAdd = (event: Event) => {
    lastErrors = 'add';
    return submitForm(event, ctx, add, {
      fieldIds: FIELD_IDS,
      rules: requiredPattern,
      rerender: () => {
        message = null;
        rerender();
      },
      send: (v) =>
        call(
          api.POST('/admin/watched-words', {
            body: {
              pattern: (v.pattern ?? '').trim(),
              kind: (v.kind ?? 'word') as WatchedWord['kind'],
              action: (v.action ?? 'flag') as WatchedWord['action'],
              ...(v.note?.trim() ? { note: v.note.trim() } : {}),
              ...(v.message?.trim() ? { message: v.message.trim() } : {}),
            },
          }),
        ),
      onSuccess: (w) => {
        words = [...words, w];
        add.values = { kind: 'word', action: 'flag' };
        message = `“${w.pattern}” has been added.`;
        rerender();
        ctx.focusHeading();
      },
    });
  };

  const onTest = (event: Event) => {
    lastErrors = 'test';
    return submitForm(event, ctx, test, {
      fieldIds: { text: 'ww-test' },
      rules: { text: [(v) => (v.trim() === '' ? 'Enter a text to try' : null)] },
      rerender: () => {
        result = null;
        rerender();
      },
      send: (v) => call(api.POST('/admin/watched-words/test', { body: { text: v.text ?? '' } })),
      onSuccess: (r) => {
        result = r;
        message = null;
        rerender();
      },
    });
  };

  rerender();
}

async function findWord(ctx: PageContext): Promise<WatchedWord | null> {
  const id = Number(ctx.params.id);
  const res = await call(api.GET('/admin/watched-words'));
  if (!ctx.isCurrent()) return null;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return null;
  }
  const word = res.data.items.find((w) => w.id === id);
  if (!word) ctx.showProblem({ type: 'about:blank', title: 'Page not found', status: 404 });
  return word ?? null;
}

export async function watchedWordPage(ctx: PageContext): Promise<void> {
  const word = await findWord(ctx);
  if (!word) return;
  const state = newFormState({ pattern: word.pattern, kind: word.kind, action: word.action, note: word.note ?? '', message: word.message ?? '' });
  const rerender = () =>
    ctx.show(
      `${hasErrors(state.errors) ? 'Error: ' : ''}Change a watched word`,
      html`${backLink('/admin/watched-words', 'Back to watched words')}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(state.errors)}
            <h1>Change a watched word</h1>
            <form novalidate @submit=${onSubmit}>
              ${ruleFields(state.values, state.errors)}
              ${button('Save changes', { disabled: state.busy })}
            </form>
          </div>
        </div>`,
    );
  const onSubmit = (event: Event) =>
    submitForm(event, ctx, state, {
      fieldIds: FIELD_IDS,
      rules: requiredPattern,
      rerender,
      send: (v) =>
        call(
          api.PATCH('/admin/watched-words/{id}', {
            params: { path: { id: word.id } },
            body: {
              pattern: (v.pattern ?? '').trim(),
              kind: v.kind as WatchedWord['kind'],
              action: v.action as WatchedWord['action'],
              note: (v.note ?? '').trim(),
              message: (v.message ?? '').trim(),
            },
          }),
        ),
      onSuccess: (w) => {
        setFlash(`“${w.pattern}” has been changed.`);
        ctx.navigate('/admin/watched-words');
      },
    });
  rerender();
}

export async function deleteWatchedWordPage(ctx: PageContext): Promise<void> {
  const word = await findWord(ctx);
  if (!word) return;
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  const rerender = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Delete a watched word`,
      html`${backLink('/admin/watched-words', 'Back to watched words')}
        ${errorSummary(errors)}
        <h1>Delete “${word.pattern}”?</h1>
        ${summaryList([
          ['Kind', KIND_TEXT[word.kind]],
          ['Action', RULE_ACTION_TEXT[word.action]],
          ['Note', word.note ?? ''],
        ])}
        <p>Posts already written are not changed. New posts are no longer checked for it.</p>
        <form novalidate @submit=${onDelete}>
          <div class="nhsuk-button-group">
            ${button('Yes, delete it', { warning: true, disabled: busy })}
            <a class="nhsuk-link" href="/admin/watched-words">No, keep it</a>
          </div>
        </form>`,
    );
  const onDelete = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    rerender();
    const res = await call(api.DELETE('/admin/watched-words/{id}', { params: { path: { id: word.id } } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) {
      errors = problemToFormErrors(res.problem, {});
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    setFlash(`“${word.pattern}” has been deleted.`);
    ctx.navigate('/admin/watched-words');
  };
  rerender();
}
