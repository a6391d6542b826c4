// The home page: what the service is, and where the signed-in member stands.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type ActivityFeed, type Space } from '../api/client';
import { isSuspended } from '../nav';
import type { PageContext } from '../routes';
import { formatDateTime, insetText, warningCallout } from '../ui';
import { loadSpaces } from '../forum/space-names';
import { spacePath, threadItem } from './spaces';

/** Splits the feed into the member's regional space and everything else, keeping the order. */
export function splitActivity(feed: ActivityFeed): { region: ActivityFeed['items']; elsewhere: ActivityFeed['items'] } {
  const slug = feed.region_space ?? null;
  return {
    region: slug ? feed.items.filter((t) => t.category === slug) : [],
    elsewhere: slug ? feed.items.filter((t) => t.category !== slug) : feed.items,
  };
}

function activitySection(feed: ActivityFeed, spaces: Space[]): TemplateResult {
  const name = (slug: string) => spaces.find((s) => s.slug === slug)?.name ?? slug;
  const { region, elsewhere } = splitActivity(feed);
  const regionSpace = feed.region_space ? spaces.find((s) => s.slug === feed.region_space) : undefined;
  return html`${regionSpace
      ? html`<h2>Latest in ${regionSpace.name}</h2>
          ${region.length
            ? html`<ul class="nhsuk-list app-thread-list">${region.map((t) => threadItem(t, 3))}</ul>`
            : html`<p>No one has started a thread in your region yet.</p>`}
          <p><a href=${spacePath(regionSpace.slug)}>Go to ${regionSpace.name}</a></p>`
      : nothing}
    <h2>${regionSpace ? 'Latest in other spaces' : 'Latest activity'}</h2>
    ${elsewhere.length
      ? html`<ul class="nhsuk-list app-thread-list">${elsewhere.map((t) => threadItem(t, 3, name(t.category)))}</ul>`
      : html`<p>There is nothing new yet.</p>`}
    <p>
      <a class="nhsuk-action-link" href="/spaces">
        <svg class="nhsuk-icon nhsuk-icon--arrow-right-circle" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">
          <path d="M12 2a10 10 0 0 0-10 9h11.7l-4-4a1 1 0 0 1 1.5-1.4l5.6 5.7a1 1 0 0 1 0 1.4l-5.6 5.7a1 1 0 0 1-1.5 0 1 1 0 0 1 0-1.4l4-4H2A10 10 0 1 0 12 2z" />
        </svg>
        <span class="nhsuk-action-link__text">See all the spaces</span>
      </a>
    </p>`;
}

export async function homePage(ctx: PageContext): Promise<void> {
  const member = ctx.member;
  const intro = html`<p class="nhsuk-lede-text">
      A community of practice for mental health social workers in NHS England: approved mental health
      professionals (AMHPs), best interests assessors, practice supervisors and professional leads.
    </p>
    <p>Share practice examples, ask and answer questions in a moderated forum, and find guidance and
      toolkits such as the AMHP service standards toolkit and the Social Supervision Quality Framework.</p>`;

  if (!member) {
    ctx.show(
      '',
      html`<h1>Partners in Practice</h1>
        ${intro}
        <p>Membership is for social workers and their professional leads working in or with NHS mental health services.
          A moderator checks each membership.</p>
        <p>
          <a class="nhsuk-action-link" href="/register">
            <svg class="nhsuk-icon nhsuk-icon--arrow-right-circle" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">
              <path d="M12 2a10 10 0 0 0-10 9h11.7l-4-4a1 1 0 0 1 1.5-1.4l5.6 5.7a1 1 0 0 1 0 1.4l-5.6 5.7a1 1 0 0 1-1.5 0 1 1 0 0 1 0-1.4l4-4H2A10 10 0 1 0 12 2z" />
            </svg>
            <span class="nhsuk-action-link__text">Register for Partners in Practice</span>
          </a>
        </p>
        <p>Already a member? <a href="/sign-in">Sign in</a>.</p>`,
    );
    return;
  }

  const suspended = isSuspended(member);
  let activity: TemplateResult | typeof nothing = nothing;
  const show = () => {
  ctx.show(
    '',
    html`<h1>Welcome, ${member.display_name}</h1>
      ${member.status === 'pending'
        ? warningCallout(
            'Your membership is awaiting approval',
            html`<p>A moderator will check your membership. Until then you cannot see members-only pages. We will email you
                at ${member.email} when it has been approved.</p>`,
          )
        : nothing}
      ${member.status === 'declined'
        ? warningCallout('Your membership was declined', html`<p>Contact your regional lead if you think this is wrong.</p>`)
        : nothing}
      ${suspended
        ? warningCallout(
            'Your membership is suspended',
            html`<p>You are suspended until ${formatDateTime(member.suspended_until)}.</p>
              ${member.suspension_reason ? html`<p>Reason: ${member.suspension_reason}</p>` : nothing}
              <p>You can read but cannot post or change your profile until then.</p>`,
          )
        : nothing}
      ${intro}
      ${member.status === 'active' && !suspended
        ? insetText(html`<p>You are signed in as ${member.email}. Manage your profile and sessions in <a href="/account">My account</a>.</p>`)
        : nothing}
      ${activity}`,
  );
  };
  // The welcome shows at once; the latest activity follows when it arrives.
  show();
  if (member.status !== 'active') return;
  const [feed, spaces] = await Promise.all([call(api.GET('/activity', { params: { query: { limit: 10 } } })), loadSpaces()]);
  if (!ctx.isCurrent()) return;
  activity =
    feed.ok && spaces
      ? activitySection(feed.data, spaces)
      : html`<p>The latest activity could not be loaded. <a href="/spaces">Go to the spaces</a>.</p>`;
  show();
}
