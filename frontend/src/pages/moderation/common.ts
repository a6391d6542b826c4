// Pieces the moderation and admin pages share: the reason fields (preset reasons plus the
// moderator's own words), the wording of log actions and queue kinds, and reading filters from
// the address.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type FieldError, type Schemas } from '../../api/client';
import { selectField, textareaField } from '../../forms';

export type PresetReason = Schemas['PresetReasonView'];
export type QueueItem = Schemas['QueueItem'];
export type LogEntry = Schemas['LogEntry'];

/** The preset reasons, or none when they can't be read (the free-text reason still works). */
export async function loadReasons(): Promise<PresetReason[]> {
  const res = await call(api.GET('/moderation/reasons'));
  return res.ok ? res.data.items : [];
}

/** The reason sent: the chosen preset, the moderator's words, or both ("preset: words"). */
export function combineReason(preset: string, text: string): string {
  const p = preset.trim();
  const t = text.trim();
  if (p && t) return `${p}: ${t}`;
  return p || t;
}

/** A missing reason, as the API would report it, on the field the form shows. */
export function reasonErrors(values: Record<string, string>, message = 'Choose a reason or write one'): FieldError[] {
  return combineReason(values.preset ?? '', values.reason ?? '') ? [] : [{ field: 'reason', message }];
}

/**
 * The reason fields: a select of preset reasons and a textarea for the moderator's own words.
 * The textarea has the id `${prefix}-reason`, which the API's `reason` errors link to.
 */
export function reasonFields(prefix: string, presets: PresetReason[], values: Record<string, string>, error: string | undefined): TemplateResult {
  return html`${presets.length
      ? selectField({
          id: `${prefix}-preset`,
          name: 'preset',
          label: 'Reason',
          hint: 'Choose a preset reason, write your own below, or both.',
          choices: [{ value: '', text: 'Choose a reason' }, ...presets.map((p) => ({ value: p.text, text: p.text }))],
          value: values.preset ?? '',
        })
      : nothing}
    ${textareaField({
      id: `${prefix}-reason`,
      name: 'reason',
      label: presets.length ? 'Reason in your own words' : 'Reason',
      hint: 'Recorded in the moderation log. Do not quote case information.',
      rows: 2,
      value: values.reason ?? '',
      error,
    })}`;
}

/** The optional message to the member, sent instead of our standard wording. */
export function messageField(prefix: string, values: Record<string, string>, error: string | undefined): TemplateResult {
  return textareaField({
    id: `${prefix}-message`,
    name: 'message',
    label: 'Message to the author (optional)',
    hint: 'Sent to them instead of our standard wording. Leave it empty to send the standard wording.',
    rows: 3,
    value: values.message ?? '',
    error,
  });
}

export const KIND_TEXT: Record<QueueItem['kind'], string> = {
  held: 'Held',
  flagged: 'Flagged',
  member: 'New member',
  appeal: 'Appeal',
};

export const KIND_COLOUR: Record<QueueItem['kind'], string> = {
  held: 'yellow',
  flagged: 'orange',
  member: 'blue',
  appeal: 'purple',
};

export const ACTION_TEXT: Record<string, string> = {
  'post.approved': 'Post approved',
  'post.rejected': 'Post not approved',
  'post.hidden': 'Post hidden',
  'post.unhidden': 'Post shown again',
  'post.restored': 'Post restored',
  'post.redacted': 'Post text removed',
  'post.deleted': 'Post deleted',
  'post.edited': 'Post edited',
  'post.hidden_by_flags': "Post hidden after members' flags",
  'thread.hidden': 'Thread hidden',
  'thread.unhidden': 'Thread shown again',
  'thread.restored': 'Thread restored',
  'thread.locked': 'Thread locked',
  'thread.unlocked': 'Thread unlocked',
  'thread.pinned': 'Thread pinned',
  'thread.unpinned': 'Thread unpinned',
  'thread.moved': 'Thread moved',
  'thread.slow_mode': 'Slow mode changed',
  'thread.edited': 'Thread title or tags changed',
  'thread.answer_accepted': 'Answer accepted',
  'thread.answer_cleared': 'Accepted answer cleared',
  'member.approved': 'Membership approved',
  'member.declined': 'Membership declined',
  'member.suspended': 'Member suspended',
  'member.unsuspended': 'Suspension ended',
  'member.warned': 'Member warned',
  'appeal.upheld': 'Appeal: decision upheld',
  'appeal.overturned': 'Appeal: decision overturned',
  'moderation_reason.added': 'Preset reason added',
  'moderation_reason.removed': 'Preset reason removed',
};

/** Our wording for a log action; an action we don't know yet is shown as it is. */
export function actionText(action: string): string {
  return ACTION_TEXT[action] ?? action;
}

export const FLAG_TEXT: Record<string, string> = {
  identifies_person: 'Identifies a person',
  disrespectful: 'Disrespectful',
  spam: 'Spam',
  off_topic: 'Off topic',
  other: 'Other',
  watched_word: 'Watched word',
};

/** Copies the non-empty values of `keys` from a filter form into a query string ("?a=b" or ""). */
export function filterQuery(form: HTMLFormElement, keys: string[]): string {
  const data = new FormData(form);
  const params = new URLSearchParams();
  for (const key of keys) {
    const v = (data.get(key) as string | null)?.trim();
    if (v) params.set(key, v);
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}
