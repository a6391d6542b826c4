// Which header links a visitor gets, from who is signed in and what they may do.
import type { Member, Role } from './api/client';

export interface NavLink {
  href: string;
  text: string;
}

// The unread notifications count the header shows, asked for on each navigation (null: unknown).
let unreadNotifications: number | null = null;

export function setUnreadNotifications(n: number | null): void {
  unreadNotifications = n;
}

/** "Notifications (3 unread)": the count is part of the link's text, for everyone alike. */
export function notificationsLinkText(unread: number | null): string {
  return unread ? `Notifications (${unread} unread)` : 'Notifications';
}

const RANK: Record<Role, number> = { member: 0, curator: 1, moderator: 2, admin: 3 };

export function hasRole(member: Member | null, role: Role): boolean {
  return !!member && RANK[member.role] >= RANK[role];
}

/** Curation pages need an active, unsuspended curator (or admin); the API says the same. */
export function canCurate(member: Member | null): boolean {
  return !!member && (member.role === 'curator' || member.role === 'admin') && member.status === 'active' && !isSuspended(member);
}

/** Moderation pages need an active, unsuspended moderator (or admin); the API says the same. */
export function canModerate(member: Member | null): boolean {
  return hasRole(member, 'moderator') && member?.status === 'active' && !isSuspended(member);
}

export function canAdminister(member: Member | null): boolean {
  return hasRole(member, 'admin') && member?.status === 'active' && !isSuspended(member);
}

export function isSuspended(member: Member | null, now: Date = new Date()): boolean {
  if (!member?.suspended_until) return false;
  return new Date(member.suspended_until).getTime() > now.getTime();
}

/** A member who moderates a space (`moderates_spaces` from `GET /api/me`) without the role. */
export function moderatesSomeSpace(member: Member | null): boolean {
  return !!member?.moderates_spaces?.length && member.status === 'active' && !isSuspended(member);
}

export function navLinks(member: Member | null): NavLink[] {
  if (!member) {
    return [
      { href: '/', text: 'Home' },
      { href: '/library', text: 'Library' },
      { href: '/sign-in', text: 'Sign in' },
      { href: '/register', text: 'Register' },
    ];
  }
  const links: NavLink[] = [{ href: '/', text: 'Home' }];
  // The forum is for approved members; a pending one would only be told to wait.
  if (member.status === 'active') links.push({ href: '/spaces', text: 'Spaces' });
  links.push({ href: '/library', text: 'Library' });
  if (member.status === 'active') links.push({ href: '/notifications', text: notificationsLinkText(unreadNotifications) });
  links.push({ href: '/account', text: 'My account' });
  if (canModerate(member)) links.push({ href: '/members', text: 'Members' });
  if (canModerate(member) || moderatesSomeSpace(member)) links.push({ href: '/moderation/queue', text: 'Review queue' });
  // Moderators reach the log from the review queue; the header has room for only so many links.
  if (member.status === 'active' && !canModerate(member)) links.push({ href: '/moderation/log', text: 'Moderation log' });
  // Admins reach curation from the administration page, to keep the header within its room.
  if (canCurate(member) && !canAdminister(member)) links.push({ href: '/curation', text: 'Curation' });
  // The audit log, settings and the other admin pages are listed on the administration page.
  if (canAdminister(member)) links.push({ href: '/admin', text: 'Administration' });
  links.push({ href: '/sign-out', text: 'Sign out' });
  return links;
}

/** The nav link that stands for `pathname`: an exact match, else the longest prefix other than `/`. */
export function currentNavHref(links: NavLink[], pathname: string): string | null {
  // A thread belongs to the spaces section, though its path doesn't say so.
  if (pathname.startsWith('/threads/') && links.some((l) => l.href === '/spaces')) return '/spaces';
  let best: string | null = null;
  for (const link of links) {
    if (link.href === pathname) return link.href;
    if (link.href !== '/' && pathname.startsWith(link.href + '/')) {
      if (!best || link.href.length > best.length) best = link.href;
    }
  }
  return best;
}
