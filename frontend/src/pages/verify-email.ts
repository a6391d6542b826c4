// Confirms an email address from the link in the verification email.
import { html } from 'lit-html';
import { api, call } from '../api/client';
import type { PageContext } from '../routes';
import { insetText } from '../ui';

export async function verifyEmailPage(ctx: PageContext): Promise<void> {
  const token = ctx.query.get('token') ?? '';
  if (!token) {
    ctx.show(
      'Email link not valid',
      html`<h1>This email link is not valid</h1>
        <p>Open the link from your email again, or copy the whole address into your browser.</p>`,
    );
    return;
  }
  const res = await call(api.POST('/auth/verify-email', { body: { token } }));
  if (!ctx.isCurrent()) return;
  // The token is spent either way; keep it out of the address bar and history.
  history.replaceState(null, '', '/verify-email');
  if (!res.ok) {
    ctx.show(
      'Email link not valid',
      html`<h1>This email link has expired or has already been used</h1>
        <p>${res.problem.detail ?? res.problem.title}</p>
        <p>If you have already confirmed your email address, <a href="/sign-in">sign in</a>.</p>`,
    );
    return;
  }
  if (res.data.status === 'active') {
    ctx.show(
      'Email address confirmed',
      html`<h1>Email address confirmed</h1>
        ${insetText(html`<p>Your membership is active.</p>`)}
        <p><a href="/sign-in">Sign in to Partners in Practice</a></p>`,
    );
    return;
  }
  ctx.show(
    'Email address confirmed',
    html`<h1>Email address confirmed</h1>
      ${insetText(html`<p>Your membership is awaiting approval by a moderator. We will email you when it has been approved.</p>`)}
      <p>You can <a href="/sign-in">sign in</a> now, but members-only pages stay closed until then.</p>`,
  );
}
