// The reason (a preset from GET /moderation/reasons, or one's own words, or both) and the
// optional message to the author that moderator actions carry, as form fields.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type FieldError } from '../api/client';
import { selectField, inputField, textareaField } from '../forms';

export interface PresetReason {
  id: number;
  text: string;
}

let cached: PresetReason[] | null = null;
let loading: Promise<PresetReason[]> | null = null;

/** The preset reasons, fetched once; an empty list when they can't be had (own words still work). */
export function loadReasons(): Promise<PresetReason[]> {
  if (cached) return Promise.resolve(cached);
  loading ??= call(api.GET('/moderation/reasons')).then((r) => {
    loading = null;
    if (!r.ok) return [];
    cached = r.data.items;
    return cached;
  });
  return loading;
}

export function cachedReasons(): PresetReason[] | null {
  return cached;
}

export const MAX_REASON = 500;
export const MAX_MESSAGE = 2000;

/** The reason sent: the preset, with one's own words after it, or one's own words alone. */
export function combineReason(preset: string, own: string): string {
  const p = preset.trim();
  const o = own.trim();
  if (p && o) return `${p}: ${o}`;
  return p || o;
}

export function reasonIds(prefix: string) {
  return { preset: `${prefix}-reason`, text: `${prefix}-reason-text`, message: `${prefix}-message` };
}

/** Checks made before sending, in the API's shape (`reason`, `message`). */
export function checkReason(values: Record<string, string>): FieldError[] {
  const reason = combineReason(values.preset ?? '', values.reason_text ?? '');
  const out: FieldError[] = [];
  if (!reason) out.push({ field: 'reason', message: 'Choose a reason or write your own' });
  else if (reason.length > MAX_REASON) out.push({ field: 'reason', message: `The reason must be ${MAX_REASON} characters or fewer` });
  if ((values.message ?? '').length > MAX_MESSAGE) out.push({ field: 'message', message: `The message must be ${MAX_MESSAGE} characters or fewer` });
  return out;
}

export interface ReasonFieldOptions {
  prefix: string;
  presets: PresetReason[] | null;
  values: Record<string, string>;
  errors: Record<string, string>;
  /** Whether the action can carry a message to the author. */
  message: boolean;
  /** Who the reason is not sent to, in the hint (default "the author"). */
  recipient?: string;
}

export function reasonFields(o: ReasonFieldOptions): TemplateResult {
  const ids = reasonIds(o.prefix);
  const presets = o.presets ?? [];
  const hint = `Recorded in the moderation log. It is not sent to ${o.recipient ?? 'the author'}.`;
  return html`${presets.length
      ? selectField({
          id: ids.preset,
          name: 'preset',
          label: 'Reason',
          hint,
          choices: [{ value: '', text: 'Choose a reason (or write your own below)' }, ...presets.map((p) => ({ value: p.text, text: p.text }))],
          value: o.values.preset ?? '',
        })
      : nothing}
    ${inputField({
      id: ids.text,
      name: 'reason_text',
      label: presets.length ? 'Your own reason, or more detail (optional with a chosen reason)' : 'Reason',
      hint: presets.length ? undefined : hint,
      value: o.values.reason_text ?? '',
      error: o.errors.reason,
    })}
    ${o.message
      ? textareaField({
          id: ids.message,
          name: 'message',
          label: 'Message to the author (optional)',
          hint: 'Sent to the author instead of our standard wording. Do not quote what they wrote.',
          value: o.values.message ?? '',
          error: o.errors.message,
          rows: 3,
        })
      : nothing}`;
}

/** Field ids for mapping the API's 422 `errors` onto these fields. */
export function reasonFieldIds(prefix: string): Record<string, string> {
  const ids = reasonIds(prefix);
  return { reason: ids.text, message: ids.message };
}
