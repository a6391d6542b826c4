// State a thread-page feature keeps for one visit of the page: a new visit starts afresh.
import type { PageContext } from '../routes';

export function perPage<T>(init: () => T): (page: PageContext) => T {
  const states = new WeakMap<PageContext, T>();
  return (page) => {
    let s = states.get(page);
    if (s === undefined) {
      s = init();
      states.set(page, s);
    }
    return s;
  };
}
