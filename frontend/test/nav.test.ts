import { describe, expect, it } from 'vitest';
import type { Member } from '../src/api/client';
import { canModerate, currentNavHref, isSuspended, navLinks } from '../src/nav';

function member(over: Partial<Member> = {}): Member {
  return {
    id: 1,
    email: 'sam@example.org',
    display_name: 'Sam',
    organisation: 'Trust',
    job_role: 'AMHP',
    region: 'london',
    role: 'member',
    status: 'active',
    email_verified: true,
    created_at: '2025-01-01T00:00:00Z',
    ...over,
  };
}

const texts = (m: Member | null) => navLinks(m).map((l) => l.text);

describe('navLinks', () => {
  it('offers sign in and register to visitors', () => {
    expect(texts(null)).toEqual(['Home', 'Library', 'Sign in', 'Register']);
  });

  it('gives members their account and sign out', () => {
    expect(texts(member())).toEqual(['Home', 'Spaces', 'Library', 'Notifications', 'My account', 'Moderation log', 'Sign out']);
    expect(texts(member({ role: 'curator' }))).toEqual(['Home', 'Spaces', 'Library', 'Notifications', 'My account', 'Moderation log', 'Curation', 'Sign out']);
  });

  it('adds Members for moderators and the admin pages for admins', () => {
    expect(texts(member({ role: 'moderator' }))).toEqual(['Home', 'Spaces', 'Library', 'Notifications', 'My account', 'Members', 'Review queue', 'Sign out']);
    expect(texts(member({ role: 'admin' }))).toEqual(['Home', 'Spaces', 'Library', 'Notifications', 'My account', 'Members', 'Review queue', 'Administration', 'Sign out']);
  });

  it('gives a space moderator the review queue', () => {
    expect(texts(member({ moderates_spaces: ['london'] }))).toEqual(['Home', 'Spaces', 'Library', 'Notifications', 'My account', 'Review queue', 'Moderation log', 'Sign out']);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(texts(member({ moderates_spaces: ['london'], suspended_until: future }))).not.toContain('Review queue');
    expect(texts(member({ moderates_spaces: [] }))).not.toContain('Review queue');
    expect(texts(member())).not.toContain('Review queue');
  });

  it('hides moderation from a moderator who is pending or suspended', () => {
    expect(texts(member({ role: 'moderator', status: 'pending' }))).toEqual(['Home', 'Library', 'My account', 'Sign out']);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(texts(member({ role: 'admin', suspended_until: future }))).toEqual(['Home', 'Spaces', 'Library', 'Notifications', 'My account', 'Moderation log', 'Sign out']);
  });

  it('ignores a suspension that has ended', () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    expect(isSuspended(member({ suspended_until: past }))).toBe(false);
    expect(canModerate(member({ role: 'moderator', suspended_until: past }))).toBe(true);
  });
});

describe('currentNavHref', () => {
  const links = navLinks(member({ role: 'admin' }));
  it('marks the exact link, or the section a page belongs to', () => {
    expect(currentNavHref(links, '/')).toBe('/');
    expect(currentNavHref(links, '/members/12')).toBe('/members');
    expect(currentNavHref(links, '/admin/audit')).toBe('/admin');
    expect(currentNavHref(links, '/admin/spaces/london')).toBe('/admin');
    expect(currentNavHref(links, '/moderation/queue')).toBe('/moderation/queue');
    expect(currentNavHref(links, '/register/check-email')).toBeNull();
  });

  it('puts spaces, their new-thread forms and threads under Spaces', () => {
    expect(currentNavHref(links, '/spaces')).toBe('/spaces');
    expect(currentNavHref(links, '/spaces/london')).toBe('/spaces');
    expect(currentNavHref(links, '/spaces/london/new')).toBe('/spaces');
    expect(currentNavHref(links, '/threads/9')).toBe('/spaces');
    expect(currentNavHref(navLinks(null), '/threads/9')).toBeNull();
  });

  it('offers Spaces only to approved members', () => {
    expect(texts(member({ status: 'pending' }))).toEqual(['Home', 'Library', 'My account', 'Sign out']);
  });
});
