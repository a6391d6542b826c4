// Places where later features add their controls without changing the thread page: a menu
// per thread (under its heading) and per post (under its body), and a panel under each menu
// for a feature's form (a flag, a moderator action). Each menu slot function returns list
// items (`<li>`) or nothing; helpful votes, flags, accepted answers, watching and moderator
// actions register here.
import type { TemplateResult } from 'lit-html';
import type { PostView, Problem, ThreadPage } from '../api/client';
import type { FormErrors } from '../forms';
import type { PageContext } from '../routes';

export interface SlotContext {
  page: PageContext;
  thread: ThreadPage;
  /** Re-fetches the thread's posts loaded so far, after a slot's action changed something. */
  reload(): Promise<void>;
  /** The page's current errors, for the inline messages of a slot's open form. */
  errors: FormErrors;
  /** Shows a failed request in the page's error summary (fields by `fieldIds`) and focuses it. */
  fail(problem: Problem, fieldIds: Record<string, string>): void;
  /** Shows errors found before sending, in the error summary, and focuses it. */
  showErrors(errors: FormErrors): void;
  /** Clears the error summary and any message. */
  clearErrors(): void;
  /** Announces an outcome in the page's success banner and moves focus to it. */
  announce(text: string): void;
  /** Renders the page again, after a slot's own state changed (a form opened). */
  rerender(): void;
  /** Closes the page's own panels (edit, delete, versions), before a slot opens a form. */
  closePanels(): void;
}

export type ThreadMenuSlot = (s: SlotContext) => TemplateResult | TemplateResult[] | null;
export type PostMenuSlot = (post: PostView, s: SlotContext) => TemplateResult | TemplateResult[] | null;
export type ThreadPanelSlot = (s: SlotContext) => TemplateResult | null;
export type PostPanelSlot = (post: PostView, s: SlotContext) => TemplateResult | null;

export const threadMenuSlots: ThreadMenuSlot[] = [];
export const postMenuSlots: PostMenuSlot[] = [];
export const threadPanelSlots: ThreadPanelSlot[] = [];
export const postPanelSlots: PostPanelSlot[] = [];
/** Called when the page opens one of its own panels, so a slot's open form closes. */
export const panelClosers: ((page: PageContext) => void)[] = [];

export function threadMenuItems(s: SlotContext): TemplateResult[] {
  return threadMenuSlots.flatMap((slot) => slot(s) ?? []);
}

export function postMenuItems(post: PostView, s: SlotContext): TemplateResult[] {
  return postMenuSlots.flatMap((slot) => slot(post, s) ?? []);
}

export function threadPanels(s: SlotContext): TemplateResult[] {
  return threadPanelSlots.flatMap((slot) => slot(s) ?? []);
}

export function postPanels(post: PostView, s: SlotContext): TemplateResult[] {
  return postPanelSlots.flatMap((slot) => slot(post, s) ?? []);
}

export function closeSlotPanels(page: PageContext): void {
  for (const close of panelClosers) close(page);
}
