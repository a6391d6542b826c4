// The practice example template as a form: labelled fields with hints, character counts on the
// long sections, and case-information warnings under each section as the member types (asked
// of POST /posts/check after a pause, like the forum editor).
import { html, nothing, type TemplateResult } from 'lit-html';
import { ifDefined } from 'lit-html/directives/if-defined.js';
import { live } from 'lit-html/directives/live.js';
import { api, call, type CaseFinding, type Schemas } from '../../api/client';
import { debounce, type Debounced } from '../../debounce';
import { caseWarning } from '../../forum/editor';
import { inputField, selectField, type FormErrors } from '../../forms';

export type ExampleRequest = Schemas['PracticeExampleRequest'];
export type ExampleView = Schemas['PracticeExampleView'];

export const SECTION_MAX = 6000;
export const LEGAL_MAX = 3000;

interface LongField {
  name: 'challenge' | 'what_we_did' | 'legal_framework' | 'outcomes' | 'learning';
  label: string;
  hint: string;
  max: number;
}

const LONG_FIELDS: LongField[] = [
  { name: 'challenge', label: 'The challenge', hint: 'What problem or situation did you face? Describe it without details that could identify anyone.', max: SECTION_MAX },
  { name: 'what_we_did', label: 'What we did', hint: 'The steps you took, who was involved and how you worked together.', max: SECTION_MAX },
  { name: 'legal_framework', label: 'Legal framework or powers involved (optional)', hint: 'For example the Mental Health Act 1983 (sections 2, 3, 117), the Care Act 2014 or the Mental Capacity Act 2005.', max: LEGAL_MAX },
  { name: 'outcomes', label: 'Outcomes and evidence', hint: 'What changed, and how you know: audits, feedback, figures.', max: SECTION_MAX },
  { name: 'learning', label: 'Learning', hint: 'What you and others can take from it.', max: SECTION_MAX },
];

/** Every field's id, for the error summary's links. */
export const FIELD_IDS: Record<string, string> = {
  title: 'title',
  setting: 'setting',
  region: 'region',
  topic: 'topic',
  challenge: 'challenge',
  what_we_did: 'what_we_did',
  legal_framework: 'legal_framework',
  outcomes: 'outcomes',
  learning: 'learning',
  contact: 'contact',
};

export interface Choice {
  value: string;
  text: string;
}

export function emptyRequest(): ExampleRequest {
  return { title: '', setting: '', region: '', topic: '', challenge: '', what_we_did: '', legal_framework: '', outcomes: '', learning: '', contact: '' };
}

export function requestFrom(v: ExampleView): ExampleRequest {
  return {
    title: v.title,
    setting: v.setting,
    region: v.region,
    topic: v.topic ?? '',
    challenge: v.challenge,
    what_we_did: v.what_we_did,
    legal_framework: v.legal_framework ?? '',
    outcomes: v.outcomes,
    learning: v.learning,
    contact: v.contact ?? '',
  };
}

/** What is sent: optional sections left empty become null. */
export function toBody(v: ExampleRequest): ExampleRequest {
  return {
    ...v,
    title: v.title.trim(),
    legal_framework: v.legal_framework?.trim() ? v.legal_framework : undefined,
    contact: v.contact?.trim() ? v.contact.trim() : undefined,
  };
}

export function checkBeforeSending(v: ExampleRequest): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (!v.title.trim()) out.push({ field: 'title', message: 'Enter a title' });
  else if (v.title.trim().length < 5) out.push({ field: 'title', message: 'Title must be at least 5 characters' });
  if (!v.setting.trim()) out.push({ field: 'setting', message: 'Enter the setting, for example a community mental health team' });
  if (!v.region) out.push({ field: 'region', message: 'Choose a region' });
  if (!v.topic) out.push({ field: 'topic', message: 'Choose a topic' });
  const required: Record<string, string> = {
    challenge: 'Describe the challenge',
    what_we_did: 'Describe what you did',
    outcomes: 'Describe the outcomes and the evidence for them',
    learning: 'Describe what you and others can learn from it',
  };
  for (const f of LONG_FIELDS) {
    const value = (v[f.name] ?? '') as string;
    if (required[f.name] && !value.trim()) out.push({ field: f.name, message: required[f.name] });
    else if (value.length > f.max) out.push({ field: f.name, message: `Must be ${f.max} characters or fewer` });
  }
  return out;
}

/** The template form's state and its per-section checks. */
export class ExampleForm {
  values: ExampleRequest;
  findings: Record<string, CaseFinding[]> = {};
  private readonly checks: Record<string, Debounced<[string]>> = {};
  private disposed = false;

  constructor(
    initial: ExampleRequest,
    private readonly rerender: () => void,
    private readonly regions: Choice[],
    private readonly topics: Choice[],
  ) {
    this.values = { ...initial };
    for (const name of Object.keys(FIELD_IDS)) {
      if (name === 'region' || name === 'topic') continue;
      this.checks[name] = debounce((text) => void this.check(name, text), 300);
      const value = (this.values as unknown as Record<string, string | null | undefined>)[name];
      if (value?.trim()) void this.check(name, value);
    }
  }

  private async check(name: string, text: string): Promise<void> {
    if (!text.trim()) {
      this.findings[name] = [];
      this.rerender();
      return;
    }
    const res = await call(api.POST('/posts/check', { body: { body: text } }));
    const current = (this.values as unknown as Record<string, string | null | undefined>)[name] ?? '';
    if (this.disposed || current !== text) return;
    this.findings[name] = res.ok ? res.data.findings : [];
    this.rerender();
  }

  /** Takes what was typed; returns whether the page needs drawing again (a count changed). */
  input(event: Event): void {
    const el = event.target as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (!(el.name in FIELD_IDS)) return;
    (this.values as unknown as Record<string, string>)[el.name] = el.value;
    this.checks[el.name]?.(el.value);
    if (el instanceof HTMLTextAreaElement) this.rerender();
  }

  dispose(): void {
    this.disposed = true;
    for (const c of Object.values(this.checks)) c.cancel();
  }

  private warning(name: string): TemplateResult {
    return html`<div class="app-editor__warnings" aria-live="polite">${caseWarning(this.findings[name] ?? [], 3)}</div>`;
  }

  private longField(f: LongField, error: string | undefined): TemplateResult {
    const value = (this.values[f.name] ?? '') as string;
    const left = f.max - value.length;
    const describedBy = [`${f.name}-hint`, `${f.name}-info`, error ? `${f.name}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="nhsuk-form-group app-character-count${error ? ' nhsuk-form-group--error' : ''}">
        <label class="nhsuk-label nhsuk-label--s" for=${f.name}>${f.label}</label>
        <div class="nhsuk-hint" id=${`${f.name}-hint`}>${f.hint}</div>
        ${error ? html`<span class="nhsuk-error-message" id=${`${f.name}-error`}><span class="nhsuk-u-visually-hidden">Error: </span>${error}</span>` : nothing}
        <textarea
          class="nhsuk-textarea${error || left < 0 ? ' nhsuk-textarea--error' : ''}"
          id=${f.name}
          name=${f.name}
          rows="6"
          .value=${live(value)}
          aria-describedby=${ifDefined(describedBy)}
        ></textarea>
        <div class="nhsuk-hint app-character-count__message${left < 0 ? ' nhsuk-error-message' : ''}" id=${`${f.name}-info`}>
          ${left >= 0 ? `You have ${left} character${left === 1 ? '' : 's'} remaining` : `You have ${-left} character${left === -1 ? '' : 's'} too many`}
        </div>
      </div>
      ${this.warning(f.name)}`;
  }

  template(errors: FormErrors): TemplateResult {
    const v = this.values;
    return html`
      ${inputField({ id: 'title', name: 'title', label: 'Title', hint: 'A short name for what you did, like "Joint night-time protocol with bed management"', value: v.title, error: errors.fields.title })}
      ${this.warning('title')}
      ${inputField({ id: 'setting', name: 'setting', label: 'Setting', hint: 'The kind of service or team, like "Community mental health team, inner city"', value: v.setting, error: errors.fields.setting })}
      ${this.warning('setting')}
      ${selectField({ id: 'region', name: 'region', label: 'Region', choices: [{ value: '', text: 'Choose a region' }, ...this.regions], value: v.region, error: errors.fields.region })}
      ${selectField({
        id: 'topic',
        name: 'topic',
        label: 'Topic',
        hint: 'When it is published, its discussion opens in this topic space',
        choices: [{ value: '', text: 'Choose a topic' }, ...this.topics],
        value: v.topic,
        error: errors.fields.topic,
      })}
      ${LONG_FIELDS.map((f) => this.longField(f, errors.fields[f.name]))}
      ${inputField({ id: 'contact', name: 'contact', label: 'Contact (optional)', hint: 'A work contact for colleagues who want to know more, like a team mailbox', value: v.contact ?? '', error: errors.fields.contact })}
      ${this.warning('contact')}
    `;
  }
}

/** Regions and topic spaces for the selects. */
export async function loadChoices(): Promise<{ regions: Choice[]; topics: Choice[] } | null> {
  const [meta, spaces] = await Promise.all([call(api.GET('/meta')), call(api.GET('/categories'))]);
  if (!meta.ok || !spaces.ok) return null;
  return {
    regions: meta.data.regions.map((r) => ({ value: r.id, text: r.name })),
    topics: spaces.data.items.filter((s) => s.kind === 'topic').map((s) => ({ value: s.slug, text: s.name })),
  };
}

export const STATUS_TEXT: Record<string, string> = {
  in_review: 'In review',
  changes_requested: 'Changes requested',
  published: 'Published',
  declined: 'Declined',
};

const STATUS_COLOUR: Record<string, string> = {
  in_review: 'blue',
  changes_requested: 'yellow',
  published: 'green',
  declined: 'red',
};

export function statusTag(status: string): TemplateResult {
  return html`<strong class="nhsuk-tag nhsuk-tag--${STATUS_COLOUR[status] ?? 'grey'}">${STATUS_TEXT[status] ?? status}</strong>`;
}

/** The submission's sections, for reading. */
export function sections(v: ExampleView): TemplateResult {
  const block = (heading: string, text: string | null | undefined) =>
    text ? html`<h2 class="nhsuk-heading-m">${heading}</h2><p class="app-pre-wrap">${text}</p>` : nothing;
  return html`
    ${block('The challenge', v.challenge)}
    ${block('What we did', v.what_we_did)}
    ${block('Legal framework or powers involved', v.legal_framework)}
    ${block('Outcomes and evidence', v.outcomes)}
    ${block('Learning', v.learning)}
    ${block('Contact', v.contact)}
  `;
}
