// Signing in and out.
import { html, nothing } from 'lit-html';
import { api, call } from '../api/client';
import { button, email, errorSummary, inputField, required } from '../forms';
import { safeNext } from '../router';
import type { PageContext } from '../routes';
import { newFormState, submitForm } from '../submit';

const FIELD_IDS = { email: 'email', password: 'password' };

export function signInPage(ctx: PageContext): void {
  const next = safeNext(ctx.query.get('next'));
  if (ctx.member) {
    ctx.navigate(next, { replace: true });
    return;
  }
  const state = newFormState();
  const rerender = () => {
    const e = state.errors.fields;
    ctx.show(
      state.errors.items.length || state.errors.detail ? 'Error: Sign in' : 'Sign in',
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-two-thirds">
          ${errorSummary(state.errors)}
          <h1>Sign in</h1>
          ${ctx.query.get('signed_out') ? html`<p role="status">You have been signed out.</p>` : nothing}
          <form novalidate @submit=${onSubmit}>
            ${inputField({ id: FIELD_IDS.email, name: 'email', label: 'Email address', type: 'email', autocomplete: 'username', spellcheck: false, value: state.values.email, error: e.email })}
            ${inputField({ id: FIELD_IDS.password, name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', value: state.values.password, error: e.password, width: 'two-thirds' })}
            ${button('Sign in', { disabled: state.busy })}
          </form>
          <p><a href="/forgot-password">Forgotten your password?</a></p>
          <p>New to Partners in Practice? <a href="/register">Register</a>.</p>
        </div>
      </div>`,
    );
  };
  const onSubmit = (event: Event) =>
    submitForm(event, ctx, state, {
      fieldIds: FIELD_IDS,
      rules: { email: [required('Enter your email address'), email()], password: [required('Enter your password')] },
      rerender,
      send: (v) => call(api.POST('/auth/login', { body: { email: v.email.trim(), password: v.password } })),
      onSuccess: (member) => {
        ctx.setMember(member);
        ctx.navigate(next);
      },
    });
  rerender();
}

export async function signOutPage(ctx: PageContext): Promise<void> {
  if (ctx.member) {
    const res = await call(api.POST('/auth/logout'));
    if (!ctx.isCurrent()) return;
    if (!res.ok && res.problem.status !== 401) {
      ctx.showProblem(res.problem);
      return;
    }
    ctx.setMember(null);
  }
  ctx.show(
    'You have signed out',
    html`<h1>You have signed out</h1>
      <p>You have been signed out of Partners in Practice on this device.</p>
      <p><a href="/sign-in">Sign in again</a></p>`,
  );
}
