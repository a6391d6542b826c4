// Places where later features add their controls without changing the thread page: a menu
// per thread (under its heading) and per post (under its body). Each slot function returns
// list items (`<li>`) or nothing; helpful votes, flags, accepted answers and moderator actions
// register here.
import type { TemplateResult } from 'lit-html';
import type { PostView, ThreadPage } from '../api/client';
import type { PageContext } from '../routes';

export interface SlotContext {
  page: PageContext;
  thread: ThreadPage;
  /** Re-fetches the thread's posts loaded so far, after a slot's action changed something. */
  reload(): Promise<void>;
}

export type ThreadMenuSlot = (s: SlotContext) => TemplateResult | TemplateResult[] | null;
export type PostMenuSlot = (post: PostView, s: SlotContext) => TemplateResult | TemplateResult[] | null;

export const threadMenuSlots: ThreadMenuSlot[] = [];
export const postMenuSlots: PostMenuSlot[] = [];

export function threadMenuItems(s: SlotContext): TemplateResult[] {
  return threadMenuSlots.flatMap((slot) => slot(s) ?? []);
}

export function postMenuItems(post: PostView, s: SlotContext): TemplateResult[] {
  return postMenuSlots.flatMap((slot) => slot(post, s) ?? []);
}
