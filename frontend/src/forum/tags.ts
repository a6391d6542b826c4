// Thread tags as members type them (comma-separated) and as links to a space filtered by one.
import { html, nothing, type TemplateResult } from 'lit-html';

/** "Supervision, AMHP  rota," becomes ["Supervision", "AMHP rota"]: the server normalises them. */
export function parseTags(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const tag = part.replace(/\s+/g, ' ').trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

export function tagPath(space: string, tag: string): string {
  return `/spaces/${encodeURIComponent(space)}?tag=${encodeURIComponent(tag)}`;
}

export function tagList(space: string, tags: readonly string[]): TemplateResult | typeof nothing {
  if (tags.length === 0) return nothing;
  return html`<div class="app-tags">
    <span class="nhsuk-body-s app-tags__label" id="thread-tags-label">Tags:</span>
    <ul class="app-tags__list" aria-labelledby="thread-tags-label">
      ${tags.map((t) => html`<li class="app-tags__item"><a class="app-tags__link" href=${tagPath(space, t)}>${t}<span class="nhsuk-u-visually-hidden"> (threads in this space with this tag)</span></a></li>`)}
    </ul>
  </div>`;
}

export const SLOW_MODE_CHOICES = [
  { value: '0', text: 'Off' },
  { value: '30', text: '30 seconds' },
  { value: '60', text: '1 minute' },
  { value: '300', text: '5 minutes' },
  { value: '900', text: '15 minutes' },
  { value: '3600', text: '1 hour' },
];

/** "5 minutes", "1 hour", "90 seconds": how long members wait between replies. */
export function durationText(seconds: number): string {
  const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}

export function slowModeText(seconds: number): string {
  return `Slow mode is on: members can reply once every ${durationText(seconds)}.`;
}
