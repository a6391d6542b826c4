// Admin settings: the email domains whose members are approved without a moderator.
import { html } from 'lit-html';
import { api, call } from '../api/client';
import { button, errorSummary, hasErrors, inputField, textareaField } from '../forms';
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

function settingsValues(s: { approved_domains: string[]; held_first_posts: number; flag_hide_threshold: number }): Record<string, string> {
  return { approved_domains: s.approved_domains.join('\n'), held_first_posts: String(s.held_first_posts), flag_hide_threshold: String(s.flag_hide_threshold) };
}

/** A whole number from `min` to `max`, as the API wants it. */
export function wholeNumber(min: number, max: number, label: string): (v: string) => string | null {
  return (v) => {
    const t = v.trim();
    if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) return `${label} must be a whole number from ${min} to ${max}`;
    return null;
  };
}

export async function settingsPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/admin/settings'));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  const state = newFormState(settingsValues(res.data));
  let message: string | null = null;
  const fieldIds = { approved_domains: 'approved-domains', held_first_posts: 'held-first-posts', flag_hide_threshold: 'flag-hide-threshold' };
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
            ${inputField({
              id: fieldIds.held_first_posts,
              name: 'held_first_posts',
              label: 'First posts reviewed for each new member',
              hint: "A new member's first this-many posts wait for a moderator. 0 to 50; 0 turns it off.",
              type: 'number',
              width: 'width-10',
              value: state.values.held_first_posts,
              error: state.errors.fields.held_first_posts,
            })}
            ${inputField({
              id: fieldIds.flag_hide_threshold,
              name: 'flag_hide_threshold',
              label: 'Flags that hide a post',
              hint: 'A post flagged by this many different members is hidden until a moderator reviews it. 1 to 100.',
              type: 'number',
              width: 'width-10',
              value: state.values.flag_hide_threshold,
              error: state.errors.fields.flag_hide_threshold,
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
      rules: {
        held_first_posts: [wholeNumber(0, 50, 'First posts reviewed')],
        flag_hide_threshold: [wholeNumber(1, 100, 'Flags that hide a post')],
      },
      send: (v) =>
        call(
          api.PUT('/admin/settings', {
            body: {
              approved_domains: parseDomains(v.approved_domains ?? ''),
              held_first_posts: Number(v.held_first_posts),
              flag_hide_threshold: Number(v.flag_hide_threshold),
            },
          }),
        ),
      onSuccess: (data) => {
        state.values = settingsValues(data);
        message = 'Settings saved.';
        rerender();
      },
    });
  rerender();
}
