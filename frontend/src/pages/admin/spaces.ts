// Spaces for admins: every space (archived too) in display order, creating one, moving one up
// or down, and a space's page to change it and choose its space moderators.
import { html, nothing, type TemplateResult } from 'lit-html';
import { live } from 'lit-html/directives/live.js';
import { api, call, type Member, type Problem, type Space } from '../../api/client';
import { button, errorSummary, hasErrors, inputField, NO_ERRORS, problemToFormErrors, radiosField, textareaField, type FormErrors } from '../../forms';
import { setFlash, takeFlash } from '../../forum/flash';
import type { PageContext } from '../../routes';
import { newFormState, submitForm } from '../../submit';
import { backLink, successBanner } from '../../ui';

/** The slugs in order after moving `slug` one place up (-1) or down (+1); unchanged at the ends. */
export function moved(slugs: string[], slug: string, by: -1 | 1): string[] {
  const i = slugs.indexOf(slug);
  const j = i + by;
  if (i < 0 || j < 0 || j >= slugs.length) return slugs;
  const out = [...slugs];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

function checkbox(id: string, name: string, label: string, checked: boolean, hint?: string): TemplateResult {
  return html`<div class="nhsuk-checkboxes__item">
    <input class="nhsuk-checkboxes__input" id=${id} name=${name} type="checkbox" value="yes" .checked=${live(checked)} aria-describedby=${hint ? `${id}-hint` : nothing} />
    <label class="nhsuk-label nhsuk-checkboxes__label" for=${id}>${label}</label>
    ${hint ? html`<div class="nhsuk-hint nhsuk-checkboxes__hint" id=${`${id}-hint`}>${hint}</div>` : nothing}
  </div>`;
}

function checkboxes(legend: string, items: TemplateResult[]): TemplateResult {
  return html`<div class="nhsuk-form-group">
    <fieldset class="nhsuk-fieldset">
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${legend}</legend>
      <div class="nhsuk-checkboxes">${items}</div>
    </fieldset>
  </div>`;
}

const NEW_IDS = { slug: 'space-slug', name: 'space-name', description: 'space-description', kind: 'space-kind', pre_moderated: 'space-pre-moderated' };

export async function spacesAdminPage(ctx: PageContext): Promise<void> {
  const res = await call(api.GET('/categories', { params: { query: { include_archived: true } } }));
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  let spaces: Space[] = res.data.items;
  let message: string | null = takeFlash();
  let orderErrors: FormErrors = NO_ERRORS;
  let busy = false;
  const state = newFormState({ kind: 'topic' });

  const rerender = () => {
    const errors = hasErrors(orderErrors) ? orderErrors : state.errors;
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Spaces`,
      html`${errorSummary(errors)}
        <h1>Spaces</h1>
        ${successBanner(message)}
        <p>Every space, archived ones too, in the order members see them.</p>
        <table class="nhsuk-table">
          <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Spaces in display order</caption>
          <thead class="nhsuk-table__head">
            <tr class="nhsuk-table__row">
              <th class="nhsuk-table__header" scope="col">Space</th>
              <th class="nhsuk-table__header" scope="col">Kind</th>
              <th class="nhsuk-table__header" scope="col">Status</th>
              <th class="nhsuk-table__header" scope="col">Order</th>
            </tr>
          </thead>
          <tbody class="nhsuk-table__body">
            ${spaces.map(
              (s, i) => html`<tr class="nhsuk-table__row">
                <td class="nhsuk-table__cell"><a href=${`/admin/spaces/${s.slug}`}>${s.name}</a><br /><span class="nhsuk-body-s">${s.slug} · ${s.thread_count} ${s.thread_count === 1 ? 'thread' : 'threads'}</span></td>
                <td class="nhsuk-table__cell">${s.kind === 'region' ? 'Regional' : 'Topic'}</td>
                <td class="nhsuk-table__cell">
                  ${s.archived ? html`<strong class="nhsuk-tag nhsuk-tag--grey">Archived</strong>` : html`<strong class="nhsuk-tag nhsuk-tag--green">Open</strong>`}
                  ${s.pre_moderated ? html` <strong class="nhsuk-tag nhsuk-tag--yellow">Pre-moderated</strong>` : nothing}
                </td>
                <td class="nhsuk-table__cell">
                  <div class="app-order">
                    ${i > 0 ? html`<button class="app-link-button" type="button" ?disabled=${busy} @click=${() => move(s, -1)}>Move up<span class="nhsuk-u-visually-hidden"> ${s.name}</span></button>` : nothing}
                    ${i < spaces.length - 1 ? html`<button class="app-link-button" type="button" ?disabled=${busy} @click=${() => move(s, 1)}>Move down<span class="nhsuk-u-visually-hidden"> ${s.name}</span></button>` : nothing}
                  </div>
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            <h2>Create a space</h2>
            <form novalidate @submit=${onCreate}>
              ${inputField({ id: NEW_IDS.slug, name: 'slug', label: 'Address name', hint: 'Lower-case letters, digits and hyphens, for example carers-assessments. It cannot change later.', value: state.values.slug, error: state.errors.fields.slug, spellcheck: false, width: 'two-thirds' })}
              ${inputField({ id: NEW_IDS.name, name: 'name', label: 'Name', value: state.values.name, error: state.errors.fields.name })}
              ${textareaField({ id: NEW_IDS.description, name: 'description', label: 'Description (optional)', rows: 3, value: state.values.description, error: state.errors.fields.description })}
              ${radiosField({ id: NEW_IDS.kind, name: 'kind', label: 'Kind of space', choices: [{ value: 'topic', text: 'Topic space' }, { value: 'region', text: 'Regional community' }], value: state.values.kind, error: state.errors.fields.kind })}
              ${checkboxes('Moderation', [checkbox(NEW_IDS.pre_moderated, 'pre_moderated', 'Pre-moderated: every post waits for a moderator', state.values.pre_moderated === 'yes')])}
              ${button('Create space', { disabled: state.busy })}
            </form>
          </div>
        </div>`,
    );
  };

  const onCreate = (event: Event) => {
    orderErrors = NO_ERRORS;
    const form = new FormData(event.currentTarget as HTMLFormElement);
    state.values = { ...state.values, pre_moderated: form.get('pre_moderated') === 'yes' ? 'yes' : '' };
    return submitForm(event, ctx, state, {
      fieldIds: NEW_IDS,
      rules: {
        slug: [(v) => (v.trim() === '' ? 'Enter an address name' : null)],
        name: [(v) => (v.trim() === '' ? 'Enter a name' : null)],
      },
      rerender: () => {
        message = null;
        rerender();
      },
      send: (v) =>
        call(
          api.POST('/categories', {
            body: {
              slug: (v.slug ?? '').trim(),
              name: (v.name ?? '').trim(),
              description: (v.description ?? '').trim(),
              kind: v.kind === 'region' ? 'region' : 'topic',
              pre_moderated: v.pre_moderated === 'yes',
            },
          }),
        ),
      onSuccess: (s) => {
        setFlash(`“${s.name}” has been created. Choose its space moderators here.`);
        ctx.navigate(`/admin/spaces/${s.slug}`);
      },
    });
  };

  const move = async (s: Space, by: -1 | 1) => {
    if (busy) return;
    busy = true;
    const slugs = moved(
      spaces.map((x) => x.slug),
      s.slug,
      by,
    );
    const res = await call(api.PUT('/categories/order', { body: { slugs } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) {
      orderErrors = problemToFormErrors(res.problem, {});
      message = null;
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    spaces = res.data.items;
    orderErrors = NO_ERRORS;
    message = `“${s.name}” has been moved ${by < 0 ? 'up' : 'down'}.`;
    rerender();
  };

  rerender();
}

const EDIT_IDS = { name: 'edit-name', description: 'edit-description', pre_moderated: 'edit-pre-moderated', archived: 'edit-archived' };

export async function spaceAdminPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug;
  const [list, mods] = await Promise.all([
    call(api.GET('/categories', { params: { query: { include_archived: true } } })),
    call(api.GET('/categories/{slug}/moderators', { params: { path: { slug } } })),
  ]);
  if (!ctx.isCurrent()) return;
  if (!list.ok || !mods.ok) {
    ctx.showProblem(!list.ok ? list.problem : (mods as { ok: false; problem: Problem }).problem);
    return;
  }
  let space = list.data.items.find((s) => s.slug === slug);
  if (!space) {
    ctx.showProblem({ type: 'about:blank', title: 'Page not found', status: 404 });
    return;
  }
  let moderators: Member[] = mods.data.items;
  let message: string | null = takeFlash();
  const edit = newFormState(valuesOf(space));
  let modErrors: FormErrors = NO_ERRORS;
  let q = '';
  let found: Member[] | null = null;
  let busy = false;

  function valuesOf(s: Space): Record<string, string> {
    return { name: s.name, description: s.description, pre_moderated: s.pre_moderated ? 'yes' : '', archived: s.archived ? 'yes' : '' };
  }

  const rerender = () => {
    const s = space as Space;
    const errors = hasErrors(modErrors) ? modErrors : edit.errors;
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}${s.name}`,
      html`${backLink('/admin/spaces', 'Back to spaces')}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(errors)}
            <span class="nhsuk-caption-l">Space</span>
            <h1>${s.name}</h1>
            ${successBanner(message)}
            <p><a href=${`/spaces/${s.slug}`}>See the space as members do</a></p>
            <h2>Details</h2>
            <form novalidate @submit=${onSave}>
              ${inputField({ id: EDIT_IDS.name, name: 'name', label: 'Name', value: edit.values.name, error: edit.errors.fields.name })}
              ${textareaField({ id: EDIT_IDS.description, name: 'description', label: 'Description', rows: 3, value: edit.values.description, error: edit.errors.fields.description })}
              ${checkboxes('Settings', [
                checkbox(EDIT_IDS.pre_moderated, 'pre_moderated', 'Pre-moderated: every post waits for a moderator', edit.values.pre_moderated === 'yes'),
                checkbox(EDIT_IDS.archived, 'archived', 'Archived', edit.values.archived === 'yes', 'An archived space leaves every list and takes no new threads or replies. Its threads stay readable.'),
              ])}
              ${button('Save changes', { disabled: edit.busy })}
            </form>
            <h2>Space moderators</h2>
            ${moderators.length === 0
              ? html`<p>This space has no space moderators. Global moderators and admins moderate it.</p>`
              : html`<dl class="nhsuk-summary-list">
                  ${moderators.map(
                    (m) => html`<div class="nhsuk-summary-list__row">
                      <dt class="nhsuk-summary-list__key">${m.display_name}</dt>
                      <dd class="nhsuk-summary-list__value">${m.email}</dd>
                      <dd class="nhsuk-summary-list__actions">
                        <button class="app-link-button" type="button" ?disabled=${busy} @click=${() => removeModerator(m)}>Remove<span class="nhsuk-u-visually-hidden"> ${m.display_name} as a space moderator</span></button>
                      </dd>
                    </div>`,
                  )}
                </dl>`}
            <h3>Add a space moderator</h3>
            <form novalidate @submit=${onSearch} role="search" aria-label="Find a member">
              ${inputField({ id: 'member-q', name: 'q', label: 'Find a member by name or email address', value: q })}
              ${button('Find members', { secondary: true })}
            </form>
            ${found === null
              ? nothing
              : found.length === 0
                ? html`<p>No active members match “${q}”.</p>`
                : html`<ul class="nhsuk-list app-member-results">
                    ${found.map(
                      (m) => html`<li>
                        ${m.display_name} (${m.email})
                        ${moderators.some((x) => x.id === m.id)
                          ? html`<strong class="nhsuk-tag nhsuk-tag--green">Space moderator</strong>`
                          : html`<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" data-module="nhsuk-button" type="button" ?disabled=${busy} @click=${() => addModerator(m)}>
                              Make space moderator<span class="nhsuk-u-visually-hidden">: ${m.display_name}</span>
                            </button>`}
                      </li>`,
                    )}
                  </ul>`}
          </div>
        </div>`,
    );
  };

  const onSave = (event: Event) => {
    modErrors = NO_ERRORS;
    // Unticked boxes are absent from the form data, so they are read here, before the merge.
    const form = new FormData(event.currentTarget as HTMLFormElement);
    edit.values = { ...edit.values, pre_moderated: form.get('pre_moderated') === 'yes' ? 'yes' : '', archived: form.get('archived') === 'yes' ? 'yes' : '' };
    return submitForm(event, ctx, edit, {
      fieldIds: EDIT_IDS,
      rules: { name: [(v) => (v.trim() === '' ? 'Enter a name' : null)] },
      rerender: () => {
        message = null;
        rerender();
      },
      send: (v) =>
        call(
          api.PATCH('/categories/{slug}', {
            params: { path: { slug } },
            body: { name: (v.name ?? '').trim(), description: (v.description ?? '').trim(), pre_moderated: v.pre_moderated === 'yes', archived: v.archived === 'yes' },
          }),
        ),
      onSuccess: (s) => {
        space = s;
        edit.values = valuesOf(s);
        message = 'Your changes have been saved.';
        rerender();
        ctx.focusHeading();
      },
    });
  };

  const failMod = (problem: Problem) => {
    modErrors = problemToFormErrors(problem, { q: 'member-q' });
    message = null;
    rerender();
    ctx.focusErrorSummary();
  };

  const onSearch = async (event: Event) => {
    event.preventDefault();
    q = ((new FormData(event.currentTarget as HTMLFormElement).get('q') as string | null) ?? '').trim();
    if (!q) {
      modErrors = { title: 'There is a problem', items: [{ text: 'Enter a name or email address', href: '#member-q' }], fields: { q: 'Enter a name or email address' } };
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    const res = await call(api.GET('/members', { params: { query: { q, status: 'active', limit: 20 } } }));
    if (!ctx.isCurrent()) return;
    if (!res.ok) return failMod(res.problem);
    modErrors = NO_ERRORS;
    found = res.data.items;
    rerender();
  };

  const addModerator = async (m: Member) => {
    busy = true;
    const res = await call(api.PUT('/categories/{slug}/moderators/{user_id}', { params: { path: { slug, user_id: m.id } }, body: {} }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) return failMod(res.problem);
    moderators = res.data.items;
    modErrors = NO_ERRORS;
    message = `${m.display_name} is now a space moderator of ${(space as Space).name}.`;
    rerender();
    ctx.focusHeading();
  };

  const removeModerator = async (m: Member) => {
    busy = true;
    const res = await call(api.DELETE('/categories/{slug}/moderators/{user_id}', { params: { path: { slug, user_id: m.id } }, body: {} }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) return failMod(res.problem);
    moderators = moderators.filter((x) => x.id !== m.id);
    modErrors = NO_ERRORS;
    message = `${m.display_name} is no longer a space moderator of ${(space as Space).name}.`;
    rerender();
    ctx.focusHeading();
  };

  rerender();
}
