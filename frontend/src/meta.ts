// Regions, roles and job-role suggestions from GET /api/meta, fetched once.
import { api, call, type Meta } from './api/client';

let cached: Promise<Meta | null> | null = null;

export function loadMeta(): Promise<Meta | null> {
  cached ??= call(api.GET('/meta')).then((r) => {
    if (r.ok) return r.data;
    cached = null;
    return null;
  });
  return cached;
}

export function regionName(meta: Meta | null, id: string): string {
  return meta?.regions.find((r) => r.id === id)?.name ?? id;
}
