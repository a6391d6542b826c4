// How threads and posts are marked (pinned, locked, answered, awaiting review), the short
// quote of a post that a reply answers, and the text of a thread's counts.
import { html, nothing, type TemplateResult } from 'lit-html';
import type { PostView, ThreadSummary } from '../api/client';

export interface Marker {
  text: string;
  colour: 'blue' | 'grey' | 'green' | 'yellow' | 'red' | 'orange';
}

export function threadMarkers(t: ThreadSummary): Marker[] {
  const out: Marker[] = [];
  if (t.pinned) out.push({ text: 'Pinned', colour: 'blue' });
  if (t.status === 'held') out.push({ text: 'Awaiting review', colour: 'yellow' });
  if (t.status === 'hidden') out.push({ text: 'Hidden', colour: 'red' });
  if (t.status === 'deleted') out.push({ text: 'Deleted', colour: 'grey' });
  if (t.locked) out.push({ text: 'Locked', colour: 'grey' });
  if (t.kind === 'question') out.push(t.answered ? { text: 'Answered', colour: 'green' } : { text: 'Question', colour: 'orange' });
  return out;
}

// The server's marker for a redacted post (backend/src/moderation.rs REDACTED_HTML); a
// member's own markup can't carry the class, the sanitiser drops it.
const REDACTED_HTML = '<p class="app-redacted">Removed by moderators.</p>';

export function isRedacted(p: PostView): boolean {
  return (p.body_html ?? '').trim() === REDACTED_HTML;
}

export function postMarkers(p: PostView): Marker[] {
  const out: Marker[] = [];
  if (p.status === 'held') out.push({ text: 'Awaiting review', colour: 'yellow' });
  if (p.status === 'hidden') out.push({ text: 'Hidden', colour: 'red' });
  if (p.status === 'deleted') out.push({ text: 'Deleted', colour: 'grey' });
  if (isRedacted(p)) out.push({ text: 'Redacted', colour: 'grey' });
  return out;
}

export function markerTags(markers: Marker[]): TemplateResult | typeof nothing {
  if (markers.length === 0) return nothing;
  return html`<ul class="app-markers" aria-label="Status">
    ${markers.map((m) => html`<li class="app-markers__item"><strong class="nhsuk-tag nhsuk-tag--${m.colour}">${m.text}</strong></li>`)}
  </ul>`;
}

export function replyCountText(n: number): string {
  return n === 1 ? '1 reply' : `${n} replies`;
}

/** Plain text of sanitised post HTML, shortened for quoting. Parsed inertly: nothing loads or runs. */
export function excerpt(bodyHtml: string, max = 200): string {
  const doc = new DOMParser().parseFromString(bodyHtml, 'text/html');
  const text = (doc.body.textContent ?? '').replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}\u2026`;
}
