import { describe, expect, it } from 'vitest';
import { call, toProblem } from '../src/api/client';
import { parseDomains } from '../src/pages/settings';
import { dayBound } from '../src/pages/audit';

const response = (status: number) => new Response(null, { status: status === 204 ? 204 : status });

describe('API wrapper', () => {
  it('passes data through on success', async () => {
    const r = await call(Promise.resolve({ data: { status: 'active' }, response: response(200) }));
    expect(r).toEqual({ ok: true, data: { status: 'active' } });
  });

  it('returns the problem+json body on failure, with errors always a list', async () => {
    const problem = { type: 't', title: 'Conflict', status: 409, detail: 'Taken' };
    const r = await call(Promise.resolve({ error: problem, response: response(409) }));
    expect(r).toEqual({ ok: false, problem: { ...problem, errors: [] } });
  });

  it('makes a problem from a failure without problem+json', async () => {
    const r = await call(Promise.resolve({ error: 'Bad Gateway', response: response(502) }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.status).toBe(502);
      expect(r.problem.title).toMatch(/problem with the service/);
    }
    expect(toProblem(undefined, response(429)).detail).toMatch(/too many times/);
  });

  it('turns a network failure into a problem instead of throwing', async () => {
    const r = await call(Promise.reject(new TypeError('Failed to fetch')));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.status).toBe(0);
  });
});

describe('settings and audit helpers', () => {
  it('reads one domain per line', () => {
    expect(parseDomains(' nhs.net\n\n@Example.ORG\r\nnhs.net\n')).toEqual(['nhs.net', 'example.org']);
  });

  it('turns date fields into whole-day bounds', () => {
    const from = dayBound('2025-03-01', false);
    const to = dayBound('2025-03-01', true);
    expect(from && to && new Date(to).getTime() - new Date(from).getTime()).toBe(86_400_000 - 1);
    expect(dayBound('1/3/2025', false)).toBeUndefined();
  });
});
