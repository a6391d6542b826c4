// Tags for admins: the most used tags, and merging one tag into another.
import { html } from 'lit-html';
import { api, call } from '../../api/client';
import { button, errorSummary, hasErrors, inputField, textareaField } from '../../forms';
import type { PageContext } from '../../routes';
import { newFormState, submitForm } from '../../submit';
import { successBanner } from '../../ui';

export async function tagsAdminPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/tags', { params: { query: { limit: 100 } } }));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  let tags = res.data.items;
  let message: string | null = null;
  const state = newFormState();
  const fieldIds = { from: 'merge-from', into: 'merge-into', reason: 'merge-reason' };

  const rerender = () =>
    ctx.show(
      `${hasErrors(state.errors) ? 'Error: ' : ''}Tags`,
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          ${errorSummary(state.errors)}
          <h1>Tags</h1>
          ${successBanner(message)}
          ${tags.length === 0
            ? html`<p>No threads have tags yet.</p>`
            : html`<table class="nhsuk-table">
                <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Tags, most used first</caption>
                <thead class="nhsuk-table__head">
                  <tr class="nhsuk-table__row">
                    <th class="nhsuk-table__header" scope="col">Tag</th>
                    <th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">Threads</th>
                  </tr>
                </thead>
                <tbody class="nhsuk-table__body">
                  ${tags.map(
                    (t) => html`<tr class="nhsuk-table__row">
                      <td class="nhsuk-table__cell">${t.name} <span class="nhsuk-body-s">(${t.slug})</span></td>
                      <td class="nhsuk-table__cell nhsuk-table__cell--numeric">${t.thread_count}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>`}
          <h2>Merge a tag into another</h2>
          <p>Threads with the first tag get the second instead, and the first tag goes away.</p>
          <form novalidate @submit=${onMerge}>
            ${inputField({ id: fieldIds.from, name: 'from', label: 'Tag that goes away', value: state.values.from, error: state.errors.fields.from, list: 'tag-list', spellcheck: false, width: 'one-half' })}
            ${inputField({ id: fieldIds.into, name: 'into', label: 'Tag its threads get instead', value: state.values.into, error: state.errors.fields.into, list: 'tag-list', spellcheck: false, width: 'one-half' })}
            <datalist id="tag-list">${tags.map((t) => html`<option value=${t.slug}></option>`)}</datalist>
            ${textareaField({ id: fieldIds.reason, name: 'reason', label: 'Reason (optional)', hint: 'Recorded in the audit log.', rows: 2, value: state.values.reason, error: state.errors.fields.reason })}
            ${button('Merge tags', { disabled: state.busy })}
          </form>
        </div>
      </div>`,
    );

  const onMerge = (event: Event) =>
    submitForm(event, ctx, state, {
      fieldIds,
      rules: {
        from: [(v) => (v.trim() === '' ? 'Enter the tag that goes away' : null)],
        into: [(v) => (v.trim() === '' ? 'Enter the tag its threads get instead' : null)],
      },
      rerender: () => {
        message = null;
        rerender();
      },
      send: (v) => {
        const reason = (v.reason ?? '').trim();
        return call(api.POST('/admin/tags/merge', { body: { from: (v.from ?? '').trim(), into: (v.into ?? '').trim(), ...(reason ? { reason } : {}) } }));
      },
      onSuccess: async (r, v) => {
        message = `“${v.from}” has been merged into “${r.into.name}” (${r.threads} ${r.threads === 1 ? 'thread' : 'threads'}).`;
        state.values = {};
        const again = await call(api.GET('/tags', { params: { query: { limit: 100 } } }));
        if (again.ok) tags = again.data.items;
        rerender();
        ctx.focusHeading();
      },
    });

  rerender();
}
