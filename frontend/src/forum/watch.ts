// Watching a thread (told of every reply) or a space (told of every new thread).
import { html, type TemplateResult } from 'lit-html';
import { api, call, type Problem } from '../api/client';
import { threadMenuSlots } from './slots';

let busy = false;

/** Starts or stops watching; answers whether the viewer watches afterwards, or the problem. */
export async function setWatching(target: { thread: number } | { space: string }, watch: boolean): Promise<{ ok: true; watching: boolean } | { ok: false; problem: Problem }> {
  const res =
    'thread' in target
      ? await call(watch ? api.PUT('/threads/{id}/watch', { params: { path: { id: target.thread } } }) : api.DELETE('/threads/{id}/watch', { params: { path: { id: target.thread } } }))
      : await call(watch ? api.PUT('/categories/{slug}/watch', { params: { path: { slug: target.space } } }) : api.DELETE('/categories/{slug}/watch', { params: { path: { slug: target.space } } }));
  return res.ok ? { ok: true, watching: res.data.watching } : { ok: false, problem: res.problem };
}

export function watchButton(watching: boolean, what: 'thread' | 'space', onClick: () => void): TemplateResult {
  return html`<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small app-watch" data-module="nhsuk-button" type="button" @click=${onClick}>
    ${watching ? `Stop watching this ${what}` : `Watch this ${what}`}
  </button>`;
}

threadMenuSlots.push((s) => {
  const watching = s.thread.watching;
  return html`<li class="app-menu__watch">
    ${watchButton(watching, 'thread', async () => {
      if (busy) return;
      busy = true;
      const res = await setWatching({ thread: s.thread.thread.id }, !watching);
      busy = false;
      if (!s.page.isCurrent()) return;
      if (!res.ok) return s.fail(res.problem, {});
      await s.reload();
      s.announce(res.watching ? 'You are watching this thread. We will tell you about every reply.' : 'You have stopped watching this thread.');
    })}
  </li>`;
});
