// The pages for a path that doesn't exist and for a page the visitor may not see.
import { html } from 'lit-html';
import type { PageContext } from '../routes';

export function notFoundPage(ctx: PageContext): void {
  ctx.show(
    'Page not found',
    html`<h1>Page not found</h1>
      <p>If you typed the web address, check it was correct.</p>
      <p>If you pasted the web address, check you copied the entire address.</p>
      <p><a href="/">Go to the ${'Partners in Practice'} home page</a></p>`,
  );
}

export function cantSeePage(ctx: PageContext, status: 401 | 403): void {
  if (status === 401) {
    const next = encodeURIComponent(location.pathname + location.search);
    ctx.show(
      'Sign in to see this page',
      html`<h1>Sign in to see this page</h1>
        <p>You need to be signed in to Partners in Practice to see this page.</p>
        <p><a href=${`/sign-in?next=${next}`}>Sign in</a> or <a href="/register">register for an account</a>.</p>`,
    );
    return;
  }
  const member = ctx.member;
  ctx.show(
    'You cannot see this page',
    html`<h1>You cannot see this page</h1>
      ${member?.status === 'pending'
        ? html`<p>Your membership is waiting for a moderator to approve it. You can use this page once it has been approved.</p>`
        : html`<p>This page is only for members with a different role, such as moderators or administrators.</p>`}
      <p>If you think you should be able to see it, contact your regional lead.</p>
      <p><a href="/">Go to the home page</a></p>`,
  );
}
