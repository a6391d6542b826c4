// Small NHS.UK display pieces shared by pages: dates, tags, inset text, summary lists.
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Member } from './api/client';

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});
const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : DATE_TIME.format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : DATE.format(d);
}

export const STATUS_TEXT: Record<Member['status'], string> = {
  unverified: 'Email not confirmed',
  pending: 'Awaiting approval',
  active: 'Active',
  declined: 'Declined',
};

const STATUS_COLOUR: Record<Member['status'], string> = {
  unverified: 'grey',
  pending: 'yellow',
  active: 'green',
  declined: 'red',
};

export const ROLE_TEXT: Record<Member['role'], string> = {
  member: 'Member',
  curator: 'Curator',
  moderator: 'Moderator',
  admin: 'Administrator',
};

export function statusTag(member: Member): TemplateResult {
  return html`<strong class="nhsuk-tag nhsuk-tag--${STATUS_COLOUR[member.status]}">${STATUS_TEXT[member.status]}</strong>`;
}

export function insetText(content: TemplateResult | string): TemplateResult {
  return html`<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span>${content}</div>`;
}

export function warningCallout(heading: string, content: TemplateResult | string): TemplateResult {
  return html`<div class="nhsuk-card nhsuk-card--warning">
    <div class="nhsuk-card__content">
      <h2 class="nhsuk-card__heading">${heading}</h2>
      ${content}
    </div>
  </div>`;
}

export function summaryList(rows: [string, TemplateResult | string | null | undefined][]): TemplateResult {
  return html`<dl class="nhsuk-summary-list">
    ${rows.map(
      ([key, value]) => html`<div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">${key}</dt>
        <dd class="nhsuk-summary-list__value">${value ?? nothing}</dd>
      </div>`,
    )}
  </dl>`;
}

export function backLink(href: string, text = 'Back'): TemplateResult {
  return html`<a class="nhsuk-back-link" href=${href}>${text}</a>`;
}

export function successBanner(message: string | null): TemplateResult | typeof nothing {
  if (!message) return nothing;
  return html`<div class="nhsuk-inset-text app-success" role="status"><span class="nhsuk-u-visually-hidden">Success: </span><p>${message}</p></div>`;
}
