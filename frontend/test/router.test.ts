import { describe, expect, it } from 'vitest';
import { isInternalLink, matchRoute, safeNext } from '../src/router';
import { routes } from '../src/routes';

describe('matchRoute', () => {
  const table = [{ path: '/' }, { path: '/members' }, { path: '/members/:id' }, { path: '/admin/audit' }];

  it('matches exact paths and ignores a trailing slash', () => {
    expect(matchRoute(table, '/')?.route.path).toBe('/');
    expect(matchRoute(table, '/members/')?.route.path).toBe('/members');
    expect(matchRoute(table, '/admin/audit')?.route.path).toBe('/admin/audit');
  });

  it('captures and decodes parameters', () => {
    const m = matchRoute(table, '/members/42');
    expect(m?.route.path).toBe('/members/:id');
    expect(m?.params).toEqual({ id: '42' });
    expect(matchRoute(table, '/members/a%20b')?.params.id).toBe('a b');
  });

  it('returns null for unknown paths and bad encodings', () => {
    expect(matchRoute(table, '/nowhere')).toBeNull();
    expect(matchRoute(table, '/members/42/extra')).toBeNull();
    expect(matchRoute(table, '/members/%E0%A4%A')).toBeNull();
  });

  it('knows every page of the app and who may open it', () => {
    const access = (p: string) => matchRoute(routes, p)?.route.access;
    expect(access('/')).toBe('anyone');
    expect(access('/verify-email')).toBe('anyone');
    expect(access('/account')).toBe('signed-in');
    expect(access('/members')).toBe('moderator');
    expect(access('/members/7')).toBe('moderator');
    expect(access('/admin/audit')).toBe('admin');
    expect(access('/admin/outbox')).toBe('admin');
    expect(access('/admin/settings')).toBe('admin');
    expect(access('/search')).toBe('anyone');
    expect(matchRoute(routes, '/nowhere')).toBeNull();
  });

  it('routes the forum pages to members, with their parameters', () => {
    const m = (p: string) => matchRoute(routes, p);
    expect(m('/spaces')?.route.access).toBe('signed-in');
    expect(m('/spaces/london')?.params).toEqual({ slug: 'london' });
    expect(m('/spaces/london')?.route.path).toBe('/spaces/:slug');
    expect(m('/spaces/amhp-practice/new')?.route.path).toBe('/spaces/:slug/new');
    expect(m('/spaces/amhp-practice/new')?.params).toEqual({ slug: 'amhp-practice' });
    expect(m('/spaces/london/new')?.route.access).toBe('signed-in');
    expect(m('/threads/42')?.params).toEqual({ id: '42' });
    expect(m('/threads/42')?.route.access).toBe('signed-in');
    expect(m('/threads')).toBeNull();
    expect(m('/threads/42/extra')).toBeNull();
  });
});

describe('safeNext', () => {
  it('keeps in-app paths only', () => {
    expect(safeNext('/members?status=all')).toBe('/members?status=all');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('/api/me')).toBe('/');
    expect(safeNext(null, '/account')).toBe('/account');
  });
});

describe('isInternalLink', () => {
  const origin = 'http://app.test';
  const link = (href: string, attrs: Record<string, string> = {}) => {
    const a = document.createElement('a');
    a.setAttribute('href', href);
    for (const [k, v] of Object.entries(attrs)) a.setAttribute(k, v);
    return a;
  };
  const click = (init: MouseEventInit = {}) => new MouseEvent('click', { button: 0, ...init });

  it('handles plain same-origin links in the page', () => {
    expect(isInternalLink(link(`${origin}/members`), click(), origin)).toBe(true);
  });

  it('leaves other origins, API paths, fragments, new tabs and modified clicks to the browser', () => {
    expect(isInternalLink(link('https://elsewhere.test/'), click(), origin)).toBe(false);
    expect(isInternalLink(link(`${origin}/api/docs`), click(), origin)).toBe(false);
    expect(isInternalLink(link('#maincontent'), click(), origin)).toBe(false);
    expect(isInternalLink(link(`${origin}/x`, { target: '_blank' }), click(), origin)).toBe(false);
    expect(isInternalLink(link(`${origin}/x`), click({ ctrlKey: true }), origin)).toBe(false);
    expect(isInternalLink(link(`${origin}/x`), click({ button: 1 }), origin)).toBe(false);
  });
});
