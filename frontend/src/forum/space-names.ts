// The spaces' names by slug, fetched once per visit: threads and the activity feed carry only
// a space's slug. (The spaces page itself asks afresh, for current thread counts.)
import { api, call, type Space } from '../api/client';

let cached: Promise<Space[] | null> | null = null;

export function loadSpaces(): Promise<Space[] | null> {
  cached ??= call(api.GET('/categories')).then((r) => {
    if (r.ok) return r.data.items;
    cached = null;
    return null;
  });
  return cached;
}

export function spaceName(spaces: Space[] | null, slug: string): string {
  return spaces?.find((s) => s.slug === slug)?.name ?? slug;
}
