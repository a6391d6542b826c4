// Preset reasons for admins: the reasons moderators can pick in every decision form.
import { html } from 'lit-html';
import { api, call } from '../../api/client';
import { button, errorSummary, hasErrors, inputField, NO_ERRORS, problemToFormErrors } from '../../forms';
import type { PageContext } from '../../routes';
import { newFormState, submitForm } from '../../submit';
import { successBanner } from '../../ui';
import type { PresetReason } from '../moderation/common';

export async function reasonsPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/moderation/reasons'));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  let reasons = res.data.items;
  let message: string | null = null;
  const state = newFormState();
  const fieldIds = { text: 'reason-text' };

  const rerender = () =>
    ctx.show(
      `${hasErrors(state.errors) ? 'Error: ' : ''}Preset reasons`,
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          ${errorSummary(state.errors)}
          <h1>Preset reasons</h1>
          ${successBanner(message)}
          <p>Moderators can choose one of these in every decision, and add their own words.</p>
          ${reasons.length === 0
            ? html`<p>There are no preset reasons yet.</p>`
            : html`<dl class="nhsuk-summary-list">
                ${reasons.map(
                  (r) => html`<div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key app-reason">${r.text}</dt>
                    <dd class="nhsuk-summary-list__actions">
                      <button class="app-link-button" type="button" @click=${() => remove(r)}>Remove<span class="nhsuk-u-visually-hidden"> “${r.text}”</span></button>
                    </dd>
                  </div>`,
                )}
              </dl>`}
          <h2>Add a reason</h2>
          <form novalidate @submit=${onAdd}>
            ${inputField({ id: fieldIds.text, name: 'text', label: 'Reason', hint: 'Up to 500 characters.', value: state.values.text, error: state.errors.fields.text })}
            ${button('Add reason', { disabled: state.busy })}
          </form>
        </div>
      </div>`,
    );

  const onAdd = (event: Event) =>
    submitForm(event, ctx, state, {
      fieldIds,
      rules: { text: [(v) => (v.trim() === '' ? 'Enter a reason' : null)] },
      rerender: () => {
        message = null;
        rerender();
      },
      send: (v) => call(api.POST('/moderation/reasons', { body: { text: (v.text ?? '').trim() } })),
      onSuccess: (r) => {
        reasons = [...reasons, r];
        state.values = {};
        message = `“${r.text}” has been added.`;
        rerender();
      },
    });

  const remove = async (r: PresetReason) => {
    const del = await call(api.DELETE('/moderation/reasons/{id}', { params: { path: { id: r.id } } }));
    if (!ctx.isCurrent()) return;
    if (!del.ok) {
      state.errors = problemToFormErrors(del.problem, {});
      message = null;
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    reasons = reasons.filter((x) => x.id !== r.id);
    state.errors = NO_ERRORS;
    message = `“${r.text}” has been removed.`;
    rerender();
    ctx.focusHeading();
  };

  rerender();
}
