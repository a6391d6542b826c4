// Forgotten password: ask for a reset email, then set a new password from its link.
import { html } from 'lit-html';
import { api, call } from '../api/client';
import { button, email, errorSummary, inputField, required } from '../forms';
import type { PageContext } from '../routes';
import { newFormState, submitForm } from '../submit';

export function forgotPasswordPage(ctx: PageContext): void {
  const fieldIds = { email: 'email' };
  const state = newFormState();
  let sent = false;
  const rerender = () => {
    if (sent) {
      ctx.show(
        'Check your email',
        html`<h1>Check your email</h1>
          <p>If ${state.values.email} belongs to a member, we have sent it a link to reset the password. The link works once.</p>
          <p><a href="/sign-in">Back to sign in</a></p>`,
      );
      return;
    }
    ctx.show(
      state.errors.items.length || state.errors.detail ? 'Error: Reset your password' : 'Reset your password',
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          ${errorSummary(state.errors)}
          <h1>Reset your password</h1>
          <p>Enter the email address you registered with. We will send you a link to set a new password.</p>
          <form novalidate @submit=${onSubmit}>
            ${inputField({ id: 'email', name: 'email', label: 'Email address', type: 'email', autocomplete: 'email', spellcheck: false, value: state.values.email, error: state.errors.fields.email })}
            ${button('Send reset link', { disabled: state.busy })}
          </form>
        </div>
      </div>`,
    );
  };
  const onSubmit = (event: Event) =>
    submitForm(event, ctx, state, {
      fieldIds,
      rules: { email: [required('Enter your email address'), email()] },
      rerender,
      send: (v) => call(api.POST('/auth/password-reset', { body: { email: v.email.trim() } })),
      onSuccess: () => {
        sent = true;
        rerender();
        ctx.focusHeading();
      },
    });
  rerender();
}

export function resetPasswordPage(ctx: PageContext): void {
  const token = ctx.query.get('token') ?? '';
  // Keep the token out of the address bar once read; it stays in this page's memory.
  if (token) history.replaceState(null, '', '/reset-password');
  const fieldIds = { password: 'password', confirm: 'confirm-password', token: 'password' };
  const state = newFormState();
  let done = false;
  const rerender = () => {
    if (!token) {
      ctx.show(
        'Reset link not valid',
        html`<h1>This reset link is not valid</h1>
          <p>Open the link from your email again, or <a href="/forgot-password">ask for a new link</a>.</p>`,
      );
      return;
    }
    if (done) {
      ctx.show(
        'Password changed',
        html`<h1>Your password has been changed</h1>
          <p>You have been signed out everywhere. <a href="/sign-in">Sign in</a> with your new password.</p>`,
      );
      return;
    }
    const e = state.errors.fields;
    ctx.show(
      state.errors.items.length || state.errors.detail ? 'Error: Set a new password' : 'Set a new password',
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          ${errorSummary(state.errors)}
          <h1>Set a new password</h1>
          <form novalidate @submit=${onSubmit}>
            ${inputField({ id: fieldIds.password, name: 'password', label: 'New password', hint: 'Use a long password that you do not use anywhere else', type: 'password', autocomplete: 'new-password', value: state.values.password, error: e.password ?? e.token, width: 'two-thirds' })}
            ${inputField({ id: fieldIds.confirm, name: 'confirm', label: 'Confirm new password', type: 'password', autocomplete: 'new-password', value: state.values.confirm, error: e.confirm, width: 'two-thirds' })}
            ${button('Set password', { disabled: state.busy })}
          </form>
          <p><a href="/forgot-password">Ask for a new link</a></p>
        </div>
      </div>`,
    );
  };
  const onSubmit = (event: Event) =>
    submitForm(event, ctx, state, {
      fieldIds,
      rules: {
        password: [required('Enter a new password')],
        confirm: [required('Confirm your new password'), (v) => (v !== state.values.password ? 'The passwords do not match' : null)],
      },
      rerender,
      send: (v) => call(api.POST('/auth/password-reset/confirm', { body: { token, password: v.password } })),
      onSuccess: () => {
        done = true;
        ctx.setMember(null);
        rerender();
        ctx.focusHeading();
      },
    });
  rerender();
}
