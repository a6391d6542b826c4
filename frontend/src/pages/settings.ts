// Admin settings: the email domains whose members are approved without a moderator.
import { html } from 'lit-html';
import { api, call } from '../api/client';
import { button, errorSummary, hasErrors, textareaField } from '../forms';
import type { PageContext } from '../routes';
import { newFormState, submitForm } from '../submit';
import { successBanner } from '../ui';

/** One domain per line; blank lines dropped, case folded, a leading "@" tolerated. */
export function parseDomains(text: string): string[] {
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const d = line.trim().replace(/^@/, '').toLowerCase();
    if (d) seen.add(d);
  }
  return [...seen];
}

export async function settingsPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/admin/settings'));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  const state = newFormState({ approved_domains: res.data.approved_domains.join('\n') });
  let message: string | null = null;
  const fieldIds = { approved_domains: 'approved-domains' };
  const rerender = () =>
    ctx.show(
      `${hasErrors(state.errors) ? 'Error: ' : ''}Settings`,
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          ${errorSummary(state.errors)}
          <h1>Settings</h1>
          ${successBanner(message)}
          <form novalidate @submit=${onSubmit}>
            ${textareaField({
              id: fieldIds.approved_domains,
              name: 'approved_domains',
              label: 'Approved email domains',
              hint: 'One domain on each line, for example nhs.net. People who register with an address at one of these domains become members as soon as they confirm their email. Everyone else waits for a moderator.',
              rows: 8,
              value: state.values.approved_domains,
              error: state.errors.fields.approved_domains,
            })}
            ${button('Save settings', { disabled: state.busy })}
          </form>
        </div>
      </div>`,
    );
  const onSubmit = (event: Event) =>
    submitForm(event, ctx, state, {
      fieldIds,
      rerender: () => {
        message = null;
        rerender();
      },
      send: (v) => call(api.PUT('/admin/settings', { body: { approved_domains: parseDomains(v.approved_domains ?? '') } })),
      onSuccess: (data) => {
        state.values = { approved_domains: data.approved_domains.join('\n') };
        message = 'Settings saved.';
        rerender();
      },
    });
  rerender();
}
