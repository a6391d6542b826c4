// Registration, and the page that follows it asking the person to confirm their email.
import { html } from 'lit-html';
import { api, call, type Region } from '../api/client';
import { button, email, errorSummary, inputField, radiosField, required } from '../forms';
import { loadMeta } from '../meta';
import type { PageContext } from '../routes';
import { newFormState, submitForm } from '../submit';

const FIELD_IDS = {
  email: 'email',
  password: 'password',
  display_name: 'display-name',
  organisation: 'organisation',
  job_role: 'job-role',
  region: 'region',
};

export const REGISTER_RULES = {
  email: [required('Enter your email address'), email()],
  password: [required('Enter a password')],
  display_name: [required('Enter your name as other members will see it')],
  organisation: [required('Enter your organisation')],
  job_role: [required('Enter your job role')],
  region: [required('Select your NHS England region')],
};

export async function registerPage(ctx: PageContext): Promise<void> {
  if (ctx.member) {
    ctx.navigate('/', { replace: true });
    return;
  }
  const meta = await loadMeta();
  if (!ctx.isCurrent()) return;
  const state = newFormState();
  let sentTo = '';

  const rerender = () => {
    const e = state.errors.fields;
    ctx.show(
      state.errors.items.length || state.errors.detail ? 'Error: Register' : 'Register',
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          ${errorSummary(state.errors)}
          <h1>Register for Partners in Practice</h1>
          <p>A moderator checks every membership. If your work email address is from an approved organisation, your
            membership starts as soon as you confirm your email address.</p>
          <form novalidate @submit=${onSubmit}>
            ${inputField({ id: FIELD_IDS.email, name: 'email', label: 'Email address', hint: 'Use your work email address', type: 'email', autocomplete: 'email', spellcheck: false, value: state.values.email, error: e.email })}
            ${inputField({ id: FIELD_IDS.password, name: 'password', label: 'Password', hint: 'Use a long password that you do not use anywhere else', type: 'password', autocomplete: 'new-password', value: state.values.password, error: e.password, width: 'two-thirds' })}
            ${inputField({ id: FIELD_IDS.display_name, name: 'display_name', label: 'Your name', hint: 'Other members will see this name', autocomplete: 'name', value: state.values.display_name, error: e.display_name })}
            ${inputField({ id: FIELD_IDS.organisation, name: 'organisation', label: 'Organisation', hint: 'For example, the NHS trust or local authority you work for', autocomplete: 'organization', value: state.values.organisation, error: e.organisation })}
            ${inputField({ id: FIELD_IDS.job_role, name: 'job_role', label: 'Job role', hint: 'For example, AMHP or practice supervisor', list: 'job-role-suggestions', value: state.values.job_role, error: e.job_role })}
            <datalist id="job-role-suggestions">${(meta?.job_roles ?? []).map((j) => html`<option value=${j}></option>`)}</datalist>
            ${radiosField({ id: FIELD_IDS.region, name: 'region', label: 'NHS England region', choices: (meta?.regions ?? []).map((r) => ({ value: r.id, text: r.name })), value: state.values.region, error: e.region })}
            ${button('Register', { disabled: state.busy })}
          </form>
          <p>Already registered? <a href="/sign-in">Sign in</a>.</p>
        </div>
      </div>`,
    );
  };

  const onSubmit = (event: Event) =>
    submitForm(event, ctx, state, {
      fieldIds: FIELD_IDS,
      rules: REGISTER_RULES,
      rerender,
      send: (v) =>
        call(
          api.POST('/auth/register', {
            body: {
              email: v.email.trim(),
              password: v.password,
              display_name: v.display_name.trim(),
              organisation: v.organisation.trim(),
              job_role: v.job_role.trim(),
              region: v.region as Region,
            },
          }),
        ),
      onSuccess: (data) => {
        sentTo = data.email;
        sessionStorage.setItem('app-registered-email', sentTo);
        ctx.navigate('/register/check-email');
      },
    });

  rerender();
}

export function checkEmailPage(ctx: PageContext): void {
  const address = sessionStorage.getItem('app-registered-email');
  let resent = false;
  const rerender = () =>
    ctx.show(
      'Check your email',
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          <h1>Check your email</h1>
          <p>We have sent a link to ${address ? html`<strong>${address}</strong>` : 'your email address'}. Open the link to confirm
            your email address. The link works once.</p>
          <p>If your organisation is not on our approved list, a moderator will then check your membership before you can
            use members-only pages.</p>
          ${resent
            ? html`<p role="status">We have sent the email again.</p>`
            : address
              ? html`<form novalidate @submit=${resend}>${button('Send the email again', { secondary: true })}</form>`
              : html``}
        </div>
      </div>`,
    );
  const resend = async (event: Event) => {
    event.preventDefault();
    if (!address) return;
    await call(api.POST('/auth/resend-verification', { body: { email: address } }));
    resent = true;
    rerender();
  };
  rerender();
}
