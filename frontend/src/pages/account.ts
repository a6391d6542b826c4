// My account: profile, password and the member's signed-in sessions.
import { html, nothing } from 'lit-html';
import { api, call, type Region, type Session } from '../api/client';
import { button, errorSummary, hasErrors, inputField, required, selectField, NO_ERRORS } from '../forms';
import { loadMeta } from '../meta';
import { isSuspended } from '../nav';
import type { PageContext } from '../routes';
import { newFormState, submitForm } from '../submit';
import { formatDateTime, ROLE_TEXT, statusTag, successBanner, summaryList } from '../ui';

const PROFILE_IDS = { display_name: 'display-name', organisation: 'organisation', job_role: 'job-role', region: 'region' };
const PASSWORD_IDS = { current: 'current-password', new: 'new-password', confirm: 'confirm-new-password' };

export async function accountPage(ctx: PageContext): Promise<void> {
  const [meta, sessionsRes] = await Promise.all([loadMeta(), call(api.GET('/me/sessions'))]);
  if (!ctx.isCurrent()) return;
  if (!sessionsRes.ok) {
    ctx.showProblem(sessionsRes.problem);
    return;
  }
  let sessions: Session[] = sessionsRes.data.items;
  let sessionsError = NO_ERRORS;
  let message: string | null = null;
  const me = ctx.member;
  if (!me) return;
  const profile = newFormState({
    display_name: me.display_name,
    organisation: me.organisation,
    job_role: me.job_role,
    region: me.region,
  });
  const password = newFormState();

  const rerender = () => {
    const member = ctx.member ?? me;
    const suspended = isSuspended(member);
    const pe = profile.errors.fields;
    const we = password.errors.fields;
    const anyErrors = hasErrors(profile.errors) || hasErrors(password.errors) || hasErrors(sessionsError);
    ctx.show(
      anyErrors ? 'Error: My account' : 'My account',
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          ${errorSummary(hasErrors(profile.errors) ? profile.errors : hasErrors(password.errors) ? password.errors : sessionsError)}
          <h1>My account</h1>
          ${successBanner(message)}
          ${summaryList([
            ['Email address', member.email],
            ['Role', ROLE_TEXT[member.role]],
            ['Membership', statusTag(member)],
            ['Member since', formatDateTime(member.created_at)],
          ])}

          <h2>Your profile</h2>
          ${suspended
            ? html`<p>You cannot change your profile while your membership is suspended.</p>`
            : html`<form novalidate @submit=${onProfile}>
                ${inputField({ id: PROFILE_IDS.display_name, name: 'display_name', label: 'Your name', hint: 'Other members will see this name', autocomplete: 'name', value: profile.values.display_name, error: pe.display_name })}
                ${inputField({ id: PROFILE_IDS.organisation, name: 'organisation', label: 'Organisation', autocomplete: 'organization', value: profile.values.organisation, error: pe.organisation })}
                ${inputField({ id: PROFILE_IDS.job_role, name: 'job_role', label: 'Job role', list: 'job-role-suggestions', value: profile.values.job_role, error: pe.job_role })}
                <datalist id="job-role-suggestions">${(meta?.job_roles ?? []).map((j) => html`<option value=${j}></option>`)}</datalist>
                ${selectField({ id: PROFILE_IDS.region, name: 'region', label: 'NHS England region', choices: (meta?.regions ?? []).map((r) => ({ value: r.id, text: r.name })), value: profile.values.region, error: pe.region })}
                ${button('Save profile', { disabled: profile.busy })}
              </form>`}

          <h2>Change your password</h2>
          <p>Changing your password signs you out on every other device.</p>
          <form novalidate @submit=${onPassword}>
            ${inputField({ id: PASSWORD_IDS.current, name: 'current', label: 'Current password', type: 'password', autocomplete: 'current-password', value: password.values.current, error: we.current, width: 'two-thirds' })}
            ${inputField({ id: PASSWORD_IDS.new, name: 'new', label: 'New password', hint: 'Use a long password that you do not use anywhere else', type: 'password', autocomplete: 'new-password', value: password.values.new, error: we.new, width: 'two-thirds' })}
            ${inputField({ id: PASSWORD_IDS.confirm, name: 'confirm', label: 'Confirm new password', type: 'password', autocomplete: 'new-password', value: password.values.confirm, error: we.confirm, width: 'two-thirds' })}
            ${button('Change password', { disabled: password.busy })}
          </form>

          <h2>Where you are signed in</h2>
          ${sessions.length === 0
            ? html`<p>You have no other sessions.</p>`
            : html`<table class="nhsuk-table">
                <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Your sessions</caption>
                <thead class="nhsuk-table__head">
                  <tr class="nhsuk-table__row">
                    <th class="nhsuk-table__header" scope="col">Device</th>
                    <th class="nhsuk-table__header" scope="col">Last used</th>
                    <th class="nhsuk-table__header" scope="col"><span class="nhsuk-u-visually-hidden">Action</span></th>
                  </tr>
                </thead>
                <tbody class="nhsuk-table__body">
                  ${sessions.map(
                    (s) => html`<tr class="nhsuk-table__row">
                      <td class="nhsuk-table__cell">
                        ${s.user_agent || 'Unknown browser'}${s.ip ? html`<br />${s.ip}` : nothing}
                        ${s.current ? html`<br /><span class="app-session-list__current">This device</span>` : nothing}
                      </td>
                      <td class="nhsuk-table__cell">${formatDateTime(s.last_seen_at)}<br />Signed in on ${formatDateTime(s.created_at)}</td>
                      <td class="nhsuk-table__cell">
                        ${s.current
                          ? nothing
                          : html`<form novalidate @submit=${(e: Event) => revoke(e, s)}>
                              <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" data-module="nhsuk-button" type="submit">
                                Sign out this session<span class="nhsuk-u-visually-hidden"> (last used ${formatDateTime(s.last_seen_at)})</span>
                              </button>
                            </form>`}
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>`}
        </div>
      </div>`,
    );
  };

  const reloadSessions = async () => {
    const res = await call(api.GET('/me/sessions'));
    if (res.ok) sessions = res.data.items;
  };

  const onProfile = (event: Event) =>
    submitForm(event, ctx, profile, {
      fieldIds: PROFILE_IDS,
      rules: {
        display_name: [required('Enter your name as other members will see it')],
        organisation: [required('Enter your organisation')],
        job_role: [required('Enter your job role')],
      },
      rerender: () => {
        message = null;
        password.errors = NO_ERRORS;
        sessionsError = NO_ERRORS;
        rerender();
      },
      send: (v) =>
        call(
          api.PATCH('/me', {
            body: {
              display_name: v.display_name.trim(),
              organisation: v.organisation.trim(),
              job_role: v.job_role.trim(),
              region: v.region as Region,
            },
          }),
        ),
      onSuccess: (member) => {
        ctx.setMember(member);
        message = 'Your profile has been saved.';
        rerender();
      },
    });

  const onPassword = (event: Event) =>
    submitForm(event, ctx, password, {
      fieldIds: PASSWORD_IDS,
      rules: {
        current: [required('Enter your current password')],
        new: [required('Enter a new password')],
        confirm: [required('Confirm your new password'), (v) => (v !== password.values.new ? 'The passwords do not match' : null)],
      },
      rerender: () => {
        message = null;
        profile.errors = NO_ERRORS;
        sessionsError = NO_ERRORS;
        rerender();
      },
      send: (v) => call(api.POST('/me/password', { body: { current: v.current, new: v.new } })),
      onSuccess: async () => {
        password.values = {};
        message = 'Your password has been changed. You have been signed out on every other device.';
        await reloadSessions();
        rerender();
      },
    });

  const revoke = async (event: Event, session: Session) => {
    event.preventDefault();
    const res = await call(api.DELETE('/me/sessions/{id}', { params: { path: { id: session.id } } }));
    if (!ctx.isCurrent()) return;
    if (res.ok) {
      sessionsError = NO_ERRORS;
      message = 'That session has been signed out.';
      await reloadSessions();
      rerender();
    } else {
      sessionsError = { title: res.problem.title, detail: res.problem.detail ?? undefined, items: [], fields: {} };
      rerender();
      ctx.focusErrorSummary();
    }
  };

  rerender();
}
