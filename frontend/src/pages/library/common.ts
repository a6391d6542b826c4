// Shared pieces of the library pages: names for kinds and statuses, sizes, status tags.
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Schemas } from '../../api/client';

export type ResourceView = Schemas['ResourceView'];
export type ResourceSummary = Schemas['ResourceSummary'];

export const KINDS: [string, string][] = [
  ['guidance', 'Guidance'],
  ['toolkit', 'Toolkit'],
  ['framework', 'Framework'],
  ['report', 'Report'],
  ['video', 'Video'],
  ['training', 'Training'],
  ['practice_example', 'Practice example'],
  ['template', 'Template'],
];

export const STATUSES: [string, string][] = [
  ['draft', 'Draft'],
  ['in_review', 'In review'],
  ['published', 'Published'],
  ['archived', 'Archived'],
];

export const REGIONS: [string, string][] = [
  ['north-east-yorkshire', 'North East and Yorkshire'],
  ['north-west', 'North West'],
  ['midlands', 'Midlands'],
  ['east-of-england', 'East of England'],
  ['london', 'London'],
  ['south-east', 'South East'],
  ['south-west', 'South West'],
  ['national', 'National'],
];

export function kindName(kind: string): string {
  return KINDS.find(([k]) => k === kind)?.[1] ?? kind;
}

export function statusName(status: string): string {
  return STATUSES.find(([k]) => k === status)?.[1] ?? status;
}

const STATUS_COLOUR: Record<string, string> = { draft: 'grey', in_review: 'yellow', published: 'green', archived: 'orange' };

export function statusTag(status: string): TemplateResult {
  return html`<strong class="nhsuk-tag nhsuk-tag--${STATUS_COLOUR[status] ?? 'grey'}">${statusName(status)}</strong>`;
}

export function demoTag(isDemo: boolean): TemplateResult | typeof nothing {
  return isDemo ? html`<strong class="nhsuk-tag nhsuk-tag--purple app-demo-tag">Demo content</strong>` : nothing;
}

/** "2.4 MB", "830 KB", "512 bytes". */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function resourcePath(slug: string): string {
  return `/library/${encodeURIComponent(slug)}`;
}

/** A resource as a line in a list: its title linked, kind, summary and status when not published. */
export function resourceItem(r: ResourceSummary, headingLevel: 2 | 3 = 2): TemplateResult {
  const title = html`<a href=${resourcePath(r.slug)}>${r.title}</a>`;
  return html`<li class="app-resource-item">
    ${headingLevel === 2 ? html`<h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">${title}</h2>` : html`<h3 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">${title}</h3>`}
    <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">
      ${kindName(r.kind)}${r.topics.length ? html` · ${r.topics.map((t) => t.name).join(', ')}` : nothing}
      ${r.status !== 'published' ? html` ${statusTag(r.status)}` : nothing} ${demoTag(r.is_demo)}
    </p>
    <p>${r.summary}</p>
  </li>`;
}
