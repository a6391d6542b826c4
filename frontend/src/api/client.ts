// The one wrapper over the generated openapi-fetch client: same-origin cookies, and every
// failure turned into a Problem (RFC 9457) so pages handle errors one way.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Member = Schemas['Member'];
export type Problem = Schemas['Problem'];
export type FieldError = Schemas['FieldError'];
export type Region = Schemas['Region'];
export type Role = Schemas['Role'];
export type Meta = Schemas['MetaInfo'];
export type Session = Schemas['SessionInfo'];
export type AuditEntry = Schemas['AuditEntry'];
export type OutboxMail = Schemas['OutboxMail'];
export type Space = Schemas['Space'];
export type ThreadSummary = Schemas['ThreadSummary'];
export type ThreadPage = Schemas['ThreadPage'];
export type PostView = Schemas['PostView'];
export type CaseFinding = Schemas['CaseFinding'];
export type Revision = Schemas['Revision'];
export type ActivityFeed = Schemas['ActivityFeed'];
export type SearchResults = Schemas['SearchResponse'];
export type SearchHit = Schemas['SearchHit'];
export type FacetCount = Schemas['FacetValue'];
export type SearchSuggestion = Schemas['SuggestItem'];

export const api = createClient<paths>({
  baseUrl: '/api',
  credentials: 'same-origin',
  headers: { Accept: 'application/json, application/problem+json' },
});

export type Result<T> = { ok: true; data: T } | { ok: false; problem: Problem };

/** Turns whatever came back from a failed request into a Problem the pages can show. */
export function toProblem(error: unknown, response?: Response): Problem {
  const status = response?.status ?? 0;
  if (error && typeof error === 'object' && 'title' in error && typeof (error as Problem).title === 'string') {
    const p = error as Problem;
    return { ...p, status: p.status ?? status, errors: Array.isArray(p.errors) ? p.errors : [] };
  }
  if (status === 0) {
    return {
      type: 'about:blank',
      title: 'The service could not be reached',
      status: 0,
      detail: 'Check your connection and try again.',
      errors: [],
    };
  }
  return {
    type: 'about:blank',
    title: status >= 500 ? 'Sorry, there is a problem with the service' : 'The request could not be completed',
    status,
    detail: status === 429 ? 'You have tried too many times. Wait a few minutes and try again.' : 'Try again later.',
    errors: [],
  };
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/**
 * Awaits an openapi-fetch call and folds its answer into a Result. `T` is inferred from the
 * call, so pages never name response types by hand.
 */
export async function call<T>(request: Promise<FetchResult<T>>): Promise<Result<T>> {
  let res: FetchResult<T>;
  try {
    res = await request;
  } catch (e) {
    return { ok: false, problem: toProblem(e) };
  }
  if (res.response.ok) return { ok: true, data: res.data as T };
  return { ok: false, problem: toProblem(res.error, res.response) };
}
