// The administration page: where each admin page is.
import { html } from 'lit-html';
import type { PageContext } from '../../routes';

const PAGES: [string, string, string][] = [
  ['/admin/spaces', 'Spaces', 'Create, change, archive and order spaces, and choose their space moderators.'],
  ['/admin/watched-words', 'Watched words', 'Words and patterns that block, hold or flag posts, and a form to try a text.'],
  ['/admin/reasons', 'Preset reasons', 'The reasons moderators can choose in their decisions.'],
  ['/admin/tags', 'Tags', 'The tags in use, and merging one into another.'],
  ['/admin/settings', 'Settings', 'Approved email domains, how many first posts are reviewed, and when flags hide a post.'],
  ['/moderation/log', 'Moderation log', 'Every moderation decision and action, with its reason.'],
  ['/admin/audit', 'Audit log', 'Every account and moderation event.'],
  ['/admin/outbox', 'Mail outbox', 'The emails the service has sent.'],
  ['/curation', 'Curation', 'The curator dashboard: drafts, resources in review, submitted practice examples, reviews due and broken links.'],
];

export function adminPage(ctx: PageContext): void {
  ctx.show(
    'Administration',
    html`<h1>Administration</h1>
      <ul class="nhsuk-grid-row nhsuk-card-group">
        ${PAGES.map(
          ([href, title, text]) => html`<li class="nhsuk-grid-column-one-third nhsuk-card-group__item">
            <div class="nhsuk-card nhsuk-card--clickable">
              <div class="nhsuk-card__content">
                <h2 class="nhsuk-card__heading nhsuk-heading-m"><a class="nhsuk-card__link" href=${href}>${title}</a></h2>
                <p class="nhsuk-card__description">${text}</p>
              </div>
            </div>
          </li>`,
        )}
      </ul>`,
  );
}
