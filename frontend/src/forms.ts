// NHS.UK form patterns: the error summary and inline messages, filled the same way from the
// API's problem+json and from the checks made before sending.
import { html, nothing, type TemplateResult } from 'lit-html';
import { ifDefined } from 'lit-html/directives/if-defined.js';
import { live } from 'lit-html/directives/live.js';
import type { FieldError, Problem } from './api/client';

export interface SummaryItem {
  text: string;
  href?: string;
}

export interface FormErrors {
  /** Heading of the summary: "There is a problem", or the problem's title when no field is at fault. */
  title: string;
  detail?: string;
  items: SummaryItem[];
  fields: Record<string, string>;
}

export const NO_ERRORS: FormErrors = { title: '', items: [], fields: {} };

export function hasErrors(e: FormErrors): boolean {
  return e.items.length > 0 || !!e.detail || e.title !== '';
}

/**
 * Maps field errors onto a form: `fieldIds` gives, for each API field name, the id of the
 * control to link to. Errors for fields the form does not show still appear in the summary.
 */
export function fieldErrorsToFormErrors(errors: FieldError[], fieldIds: Record<string, string>): FormErrors {
  const fields: Record<string, string> = {};
  const items: SummaryItem[] = [];
  for (const err of errors) {
    // `approved_domains[2]` or `region.id` belong to the control for their first segment.
    const field = err.field in fieldIds ? err.field : err.field.split(/[.[]/)[0];
    const id = fieldIds[field];
    if (id && !(field in fields)) {
      fields[field] = err.message;
      items.push({ text: err.message, href: `#${id}` });
    } else if (!id) {
      items.push({ text: err.message });
    }
  }
  return { title: 'There is a problem', items, fields };
}

export function problemToFormErrors(problem: Problem, fieldIds: Record<string, string>): FormErrors {
  const errors = problem.errors ?? [];
  if (errors.length > 0) {
    const mapped = fieldErrorsToFormErrors(errors, fieldIds);
    return problem.detail && problem.status !== 422 ? { ...mapped, detail: problem.detail } : mapped;
  }
  return { title: problem.title || 'There is a problem', detail: problem.detail ?? undefined, items: [], fields: {} };
}

// Checks made before sending, returning errors in the API's shape.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(value: string): boolean {
  return EMAIL.test(value.trim());
}

export type Rule = (value: string) => string | null;

export const required =
  (message: string): Rule =>
  (v) =>
    v.trim() === '' ? message : null;

export const email =
  (message = 'Enter an email address in the correct format, like name@example.org'): Rule =>
  (v) =>
    v.trim() !== '' && !isEmail(v) ? message : null;

export const minLength =
  (n: number, message: string): Rule =>
  (v) =>
    v !== '' && v.length < n ? message : null;

/** Runs each field's rules in order and keeps the first failure per field. */
export function validate(values: Record<string, string>, rules: Record<string, Rule[]>): FieldError[] {
  const out: FieldError[] = [];
  for (const [field, fieldRules] of Object.entries(rules)) {
    const value = values[field] ?? '';
    for (const rule of fieldRules) {
      const message = rule(value);
      if (message) {
        out.push({ field, message });
        break;
      }
    }
  }
  return out;
}

export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((v, k) => {
    if (typeof v === 'string') out[k] = v;
  });
  return out;
}

// Templates

export function errorSummary(errors: FormErrors): TemplateResult | typeof nothing {
  if (!hasErrors(errors)) return nothing;
  return html`<div class="nhsuk-error-summary" data-module="nhsuk-error-summary" tabindex="-1">
    <div role="alert">
      <h2 class="nhsuk-error-summary__heading">${errors.title}</h2>
      <div class="nhsuk-error-summary__body">
        ${errors.detail ? html`<p>${errors.detail}</p>` : nothing}
        ${errors.items.length
          ? html`<ul class="nhsuk-list nhsuk-error-summary__list">
              ${errors.items.map((i) => html`<li>${i.href ? html`<a href=${i.href}>${i.text}</a>` : i.text}</li>`)}
            </ul>`
          : nothing}
      </div>
    </div>
  </div>`;
}

function errorMessage(id: string, message: string | undefined) {
  return message
    ? html`<span class="nhsuk-error-message" id=${`${id}-error`}><span class="nhsuk-u-visually-hidden">Error: </span>${message}</span>`
    : nothing;
}

function describedBy(id: string, hint: unknown, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export interface InputOptions {
  id: string;
  name: string;
  label: string;
  value?: string;
  hint?: string | TemplateResult;
  error?: string;
  type?: string;
  autocomplete?: string;
  width?: 'full' | 'three-quarters' | 'two-thirds' | 'one-half' | 'one-third' | 'one-quarter' | 'width-20' | 'width-10';
  list?: string;
  spellcheck?: boolean;
}

export function inputField(o: InputOptions): TemplateResult {
  const width = o.width ? (o.width.startsWith('width-') ? ` nhsuk-input--${o.width}` : ` nhsuk-u-width-${o.width}`) : '';
  return html`<div class="nhsuk-form-group${o.error ? ' nhsuk-form-group--error' : ''}">
    <label class="nhsuk-label" for=${o.id}>${o.label}</label>
    ${o.hint ? html`<div class="nhsuk-hint" id=${`${o.id}-hint`}>${o.hint}</div>` : nothing}
    ${errorMessage(o.id, o.error)}
    <input
      class="nhsuk-input${o.error ? ' nhsuk-input--error' : ''}${width}"
      id=${o.id}
      name=${o.name}
      type=${o.type ?? 'text'}
      .value=${live(o.value ?? '')}
      autocomplete=${ifDefined(o.autocomplete)}
      list=${ifDefined(o.list)}
      spellcheck=${ifDefined(o.spellcheck === undefined ? undefined : String(o.spellcheck))}
      aria-describedby=${ifDefined(describedBy(o.id, o.hint, o.error))}
    />
  </div>`;
}

export interface TextareaOptions {
  id: string;
  name: string;
  label: string;
  value?: string;
  hint?: string;
  error?: string;
  rows?: number;
}

export function textareaField(o: TextareaOptions): TemplateResult {
  return html`<div class="nhsuk-form-group${o.error ? ' nhsuk-form-group--error' : ''}">
    <label class="nhsuk-label" for=${o.id}>${o.label}</label>
    ${o.hint ? html`<div class="nhsuk-hint" id=${`${o.id}-hint`}>${o.hint}</div>` : nothing}
    ${errorMessage(o.id, o.error)}
    <textarea
      class="nhsuk-textarea${o.error ? ' nhsuk-textarea--error' : ''}"
      id=${o.id}
      name=${o.name}
      rows=${o.rows ?? 5}
      .value=${live(o.value ?? '')}
      aria-describedby=${ifDefined(describedBy(o.id, o.hint, o.error))}
    ></textarea>
  </div>`;
}

export interface Choice {
  value: string;
  text: string;
}

export interface ChoiceOptions {
  id: string;
  name: string;
  label: string;
  choices: Choice[];
  value?: string;
  hint?: string;
  error?: string;
}

export function selectField(o: ChoiceOptions): TemplateResult {
  return html`<div class="nhsuk-form-group${o.error ? ' nhsuk-form-group--error' : ''}">
    <label class="nhsuk-label" for=${o.id}>${o.label}</label>
    ${o.hint ? html`<div class="nhsuk-hint" id=${`${o.id}-hint`}>${o.hint}</div>` : nothing}
    ${errorMessage(o.id, o.error)}
    <select
      class="nhsuk-select${o.error ? ' nhsuk-select--error' : ''}"
      id=${o.id}
      name=${o.name}
      aria-describedby=${ifDefined(describedBy(o.id, o.hint, o.error))}
    >
      ${o.choices.map((c) => html`<option value=${c.value} ?selected=${c.value === (o.value ?? '')}>${c.text}</option>`)}
    </select>
  </div>`;
}

/** Radios in a fieldset; the first radio carries `id` so summary links land on it. */
export function radiosField(o: ChoiceOptions): TemplateResult {
  return html`<div class="nhsuk-form-group${o.error ? ' nhsuk-form-group--error' : ''}">
    <fieldset class="nhsuk-fieldset" aria-describedby=${ifDefined(describedBy(o.id, o.hint, o.error))}>
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${o.label}</legend>
      ${o.hint ? html`<div class="nhsuk-hint" id=${`${o.id}-hint`}>${o.hint}</div>` : nothing}
      ${errorMessage(o.id, o.error)}
      <div class="nhsuk-radios" data-module="nhsuk-radios">
        ${o.choices.map(
          (c, i) => html`<div class="nhsuk-radios__item">
            <input
              class="nhsuk-radios__input"
              id=${i === 0 ? o.id : `${o.id}-${i + 1}`}
              name=${o.name}
              type="radio"
              value=${c.value}
              .checked=${live(c.value === o.value)}
            />
            <label class="nhsuk-label nhsuk-radios__label" for=${i === 0 ? o.id : `${o.id}-${i + 1}`}>${c.text}</label>
          </div>`,
        )}
      </div>
    </fieldset>
  </div>`;
}

export interface CheckboxesOptions {
  id: string;
  name: string;
  label: string;
  choices: Choice[];
  values: string[];
  hint?: string;
  error?: string;
}

/** Checkboxes in a fieldset; the first box carries `id` so summary links land on it. */
export function checkboxesField(o: CheckboxesOptions): TemplateResult {
  const boxId = (i: number) => (i === 0 ? o.id : `${o.id}-${i + 1}`);
  return html`<div class="nhsuk-form-group${o.error ? ' nhsuk-form-group--error' : ''}">
    <fieldset class="nhsuk-fieldset" aria-describedby=${ifDefined(describedBy(o.id, o.hint, o.error))}>
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${o.label}</legend>
      ${o.hint ? html`<div class="nhsuk-hint" id=${`${o.id}-hint`}>${o.hint}</div>` : nothing}
      ${errorMessage(o.id, o.error)}
      <div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes">
        ${o.choices.map(
          (c, i) => html`<div class="nhsuk-checkboxes__item">
            <input class="nhsuk-checkboxes__input" id=${boxId(i)} name=${o.name} type="checkbox" value=${c.value} .checked=${live(o.values.includes(c.value))} />
            <label class="nhsuk-label nhsuk-checkboxes__label" for=${boxId(i)}>${c.text}</label>
          </div>`,
        )}
      </div>
    </fieldset>
  </div>`;
}

export function button(text: string, opts: { secondary?: boolean; warning?: boolean; disabled?: boolean } = {}): TemplateResult {
  const cls = `nhsuk-button${opts.secondary ? ' nhsuk-button--secondary' : ''}${opts.warning ? ' nhsuk-button--warning' : ''}`;
  return html`<button class=${cls} data-module="nhsuk-button" type="submit" ?disabled=${!!opts.disabled}>${text}</button>`;
}
