// Helpers for the forum browser tests: calling the API from inside a signed-in page (same
// origin, the member's own session), and the checks made on member-written content.
import assert from 'node:assert/strict';

/** Calls the API as the person signed in on `page`; returns { status, body }. */
export async function apiCall(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(`/api${path}`, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed };
    },
    { method, path, body },
  );
}

/** Runs many API calls a few at a time, in order of the inputs; returns their answers. */
export async function apiCalls(page, calls, parallel = 6) {
  return page.evaluate(
    async ({ calls, parallel }) => {
      const out = new Array(calls.length);
      let next = 0;
      async function worker() {
        while (next < calls.length) {
          const i = next++;
          const { method, path, body } = calls[i];
          const res = await fetch(`/api${path}`, {
            method,
            credentials: 'same-origin',
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await res.text();
          out[i] = { status: res.status, body: text ? JSON.parse(text) : null };
        }
      }
      await Promise.all(Array.from({ length: parallel }, worker));
      return out;
    },
    { calls, parallel },
  );
}

export function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
  return res.body;
}
