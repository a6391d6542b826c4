// Search on the client: the snippet sanitiser against the shared XSS payloads, the results
// page's address as its state, and the header combobox's keyboard logic and markup.
import { readFileSync } from 'node:fs';
import { render } from 'lit-html';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snippetParts, snippetTemplate } from '../src/search/snippet';
import {
  apiQuery,
  EMPTY_SEARCH,
  nextPage,
  pageNumber,
  parseSearchState,
  previousPage,
  searchPath,
  stateFromForm,
  withoutFilters,
  withType,
} from '../src/search/state';
import { attachCombobox, ComboboxModel, suggestionStatusText } from '../src/search/combobox';
import { distinctSuggestions, suggestionHref } from '../src/search/header';
import { facetOptions, pagination, safeHref } from '../src/search/results';

// The shared list beside the repository (the tests run in frontend/); `\n` in it stands for a newline.
const PAYLOADS = readFileSync(`${process.cwd()}/../../shared/security/xss_payloads.txt`, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => l.replaceAll('\\n', '\n'));

function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function rendered(raw: string): HTMLElement {
  const p = document.createElement('p');
  render(snippetTemplate(raw), p);
  return p;
}

/** Every element and attribute in `el`, other than <mark> with no attributes. */
function foreignMarkup(el: HTMLElement): string[] {
  const out: string[] = [];
  for (const e of el.querySelectorAll('*')) {
    if (e.localName !== 'mark') out.push(`<${e.localName}>`);
    for (const a of e.attributes) out.push(`${e.localName}[${a.name}]`);
  }
  return out;
}

describe('snippet sanitiser', () => {
  it('keeps text and marks, and nothing else', () => {
    expect(snippetParts('An <mark>AMHP</mark> rota &amp; <b>more</b>')).toEqual([
      { text: 'An ', mark: false },
      { text: 'AMHP', mark: true },
      { text: ' rota & more', mark: false },
    ]);
    const el = rendered('<mark class="x" onclick="alert(1)">word</mark> <a href="javascript:alert(1)">link</a>');
    expect(el.innerHTML.replace(/<!--.*?-->/g, '')).toBe('<mark>word</mark> link');
  });

  it('shows every XSS payload, as the server escapes it, as exactly its text', () => {
    expect(PAYLOADS.length).toBeGreaterThan(10);
    for (const payload of PAYLOADS) {
      const el = rendered(`before <mark>${escapeHtml(payload)}</mark> after`);
      expect(foreignMarkup(el), payload).toEqual([]);
      expect(el.querySelector('mark')?.textContent, payload).toBe(payload.replace(/\r\n?/g, '\n'));
    }
  });

  it('turns every XSS payload sent raw into text alone, with no element or attribute surviving', () => {
    const alert = vi.fn();
    vi.stubGlobal('alert', alert);
    for (const payload of PAYLOADS) {
      const el = rendered(payload);
      expect(foreignMarkup(el), payload).toEqual([]);
      // Inside a <mark> too.
      const marked = rendered(`<mark>${payload}</mark>`);
      expect(foreignMarkup(marked), payload).toEqual([]);
    }
    expect(alert).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });

  it('drops nested marks into one, and copes with nothing', () => {
    expect(snippetParts('<mark>a<mark>b</mark></mark>c')).toEqual([
      { text: 'ab', mark: true },
      { text: 'c', mark: false },
    ]);
    expect(snippetParts('')).toEqual([]);
    expect(rendered('').textContent).toBe('');
  });
});

describe('search state in the address', () => {
  it('reads the words, tab, filters, order and page trail', () => {
    const s = parseSearchState(new URLSearchParams('q=+AMHP+rota+&type=thread&kind=toolkit&kind=toolkit&topic=amhp-practice&region=london&sort=newest&cursor=c1&cursor=c2'));
    expect(s).toEqual({ q: 'AMHP rota', type: 'thread', kind: ['toolkit'], topic: ['amhp-practice'], region: ['london'], sort: 'newest', cursors: ['c1', 'c2'] });
    expect(pageNumber(s)).toBe(3);
  });

  it('falls back to the defaults for anything unknown', () => {
    const s = parseSearchState(new URLSearchParams('type=secret&sort=oldest&kind=&q=' + 'x'.repeat(1000)));
    expect(s.type).toBeNull();
    expect(s.sort).toBe('relevance');
    expect(s.kind).toEqual([]);
    expect(s.q.length).toBe(256);
  });

  it('round-trips through its path, leaving defaults out', () => {
    const s = parseSearchState(new URLSearchParams('q=a b&type=resource&region=london&region=midlands&cursor=c1'));
    expect(searchPath(s)).toBe('/search?q=a+b&type=resource&region=london&region=midlands&cursor=c1');
    expect(parseSearchState(new URL(searchPath(s), 'http://x').searchParams)).toEqual(s);
    expect(searchPath({ ...EMPTY_SEARCH, q: 'x' })).toBe('/search?q=x');
    expect(searchPath(EMPTY_SEARCH)).toBe('/search');
  });

  it('tabs keep the filters and start at page one; clearing keeps the words and tab', () => {
    const s = parseSearchState(new URLSearchParams('q=x&kind=toolkit&cursor=c1'));
    expect(searchPath(withType(s, 'post'))).toBe('/search?q=x&type=post&kind=toolkit');
    expect(searchPath(withoutFilters(withType(s, 'post')))).toBe('/search?q=x&type=post');
  });

  it('pages forward and back through cursors', () => {
    const first = parseSearchState(new URLSearchParams('q=x'));
    const second = nextPage(first, 'c1');
    const third = nextPage(second, 'c2');
    expect(searchPath(third)).toBe('/search?q=x&cursor=c1&cursor=c2');
    expect(previousPage(third)).toEqual(second);
    expect(previousPage(second)).toEqual(first);
    expect(apiQuery(third, 20)).toEqual({ q: 'x', limit: 20, type: [], kind: [], topic: [], region: [], tag: [], cursor: 'c2' });
    expect(apiQuery(first, 20)).toEqual({ q: 'x', limit: 20, type: [], kind: [], topic: [], region: [], tag: [] });
  });

  it('asks the API for what is set', () => {
    const s = parseSearchState(new URLSearchParams('q=x&type=resource&topic=a&topic=b&sort=newest'));
    expect(apiQuery(s, 10)).toEqual({ q: 'x', limit: 10, type: ['resource'], kind: [], topic: ['a', 'b'], region: [], tag: [], sort: 'newest' });
  });

  it('takes the filter form as a new search from page one', () => {
    const data = new FormData();
    data.append('q', 'supervision');
    data.append('type', 'resource');
    data.append('kind', 'toolkit');
    data.append('kind', 'guidance');
    data.append('cursor', 'stale');
    expect(stateFromForm(data)).toEqual({ ...EMPTY_SEARCH, q: 'supervision', type: 'resource', kind: ['toolkit', 'guidance'] });
  });

  it('offers facet values with results and any ticked ones', () => {
    expect(facetOptions([{ value: 'a', count: 2 }, { value: 'b', count: 0 }], ['c'])).toEqual([
      { value: 'a', count: 2 },
      { value: 'c', count: 0 },
    ]);
  });

  it('links only within the app', () => {
    expect(safeHref('/threads/3')).toBe('/threads/3');
    for (const bad of ['//evil.example', 'https://evil.example', 'javascript:alert(1)', '/\\evil', '']) expect(safeHref(bad)).toBeNull();
    expect(suggestionHref({ type: 'thread', id: 1, title: 'A title', url: 'javascript:alert(1)' })).toBe('/search?q=A+title');
  });

  it('offers a thread once, not again as its first post', () => {
    const post = { type: 'post' as const, id: 5, title: 'Rota', url: '/threads/3#post-5' };
    const thread = { type: 'thread' as const, id: 3, title: 'Rota', url: '/threads/3' };
    const other = { type: 'resource' as const, id: 1, title: 'Rota', url: '/library/rota' };
    expect(distinctSuggestions([post, other, thread])).toEqual([thread, other]);
  });

  it('pages with previous and next links', () => {
    const el = document.createElement('div');
    render(pagination(nextPage({ ...EMPTY_SEARCH, q: 'x' }, 'c1'), 'c2'), el);
    const links = [...el.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.textContent?.replace(/\s+/g, ' ').trim()]);
    expect(links).toEqual([
      ['/search?q=x', 'Previous page : Page 1'],
      ['/search?q=x&cursor=c1&cursor=c2', 'Next page : Page 3'],
    ]);
    const none = document.createElement('div');
    render(pagination({ ...EMPTY_SEARCH, q: 'x' }, null), none);
    expect(none.querySelector('nav')).toBeNull();
  });
});

describe('combobox model', () => {
  it('moves through the options with the arrow keys, wrapping', () => {
    const m = new ComboboxModel<string>();
    m.setOptions(['a', 'b', 'c']);
    expect(m.open).toBe(true);
    expect(m.active).toBe(-1);
    expect(m.key('ArrowDown')).toEqual({ kind: 'handled' });
    expect(m.activeOption()).toBe('a');
    m.key('ArrowDown');
    m.key('ArrowDown');
    expect(m.activeOption()).toBe('c');
    m.key('ArrowDown');
    expect(m.activeOption()).toBe('a');
    m.key('ArrowUp');
    expect(m.activeOption()).toBe('c');
  });

  it('Enter takes the active option, or leaves the form to submit', () => {
    const m = new ComboboxModel<string>();
    m.setOptions(['a', 'b']);
    expect(m.key('Enter')).toEqual({ kind: 'none' });
    m.setOptions(['a', 'b']);
    m.key('ArrowDown');
    m.key('ArrowDown');
    expect(m.key('Enter')).toEqual({ kind: 'choose', option: 'b' });
    expect(m.open).toBe(false);
  });

  it('Escape closes the list, then clears the input; Tab closes it', () => {
    const m = new ComboboxModel<string>();
    m.setOptions(['a']);
    m.key('ArrowDown');
    expect(m.key('Escape')).toEqual({ kind: 'handled' });
    expect(m.open).toBe(false);
    expect(m.activeOption()).toBeNull();
    expect(m.key('Escape')).toEqual({ kind: 'clear' });
    m.key('ArrowDown');
    expect(m.open).toBe(true);
    expect(m.key('Tab')).toEqual({ kind: 'none' });
    expect(m.open).toBe(false);
  });

  it('arrow keys reopen a closed list, Alt+Down without choosing', () => {
    const m = new ComboboxModel<string>();
    m.setOptions(['a', 'b']);
    m.close();
    m.key('ArrowDown', true);
    expect(m.open).toBe(true);
    expect(m.active).toBe(-1);
    m.close();
    m.key('ArrowUp');
    expect(m.activeOption()).toBe('b');
    const empty = new ComboboxModel<string>();
    expect(empty.key('ArrowDown')).toEqual({ kind: 'none' });
    expect(empty.open).toBe(false);
  });

  it('says how many suggestions there are', () => {
    expect(suggestionStatusText(0, true)).toBe('');
    expect(suggestionStatusText(3, false)).toBe('');
    expect(suggestionStatusText(1, true)).toMatch(/^1 suggestion\./);
    expect(suggestionStatusText(3, true)).toMatch(/^3 suggestions\./);
  });
});

describe('combobox in the page', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(fetch: (q: string) => Promise<string[]>) {
    document.body.innerHTML = '<form><div id="group"><label for="q">Search</label><input id="q" type="search"></div></form>';
    const input = document.getElementById('q') as HTMLInputElement;
    const chosen: string[] = [];
    attachCombobox<string>(input, document.getElementById('group')!, { id: 'sugg', label: 'Suggestions', text: (s) => s, fetch, choose: (s) => chosen.push(s) });
    input.focus();
    const type = async (value: string) => {
      input.value = value;
      input.dispatchEvent(new Event('input'));
      await vi.advanceTimersByTimeAsync(250);
    };
    const press = (key: string) => input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    return { input, chosen, type, press };
  }

  it('has the ARIA 1.2 combobox markup, and follows the keys with aria-activedescendant', async () => {
    const fetch = vi.fn(async (q: string) => [`${q} one`, `${q} two`]);
    const { input, chosen, type, press } = setup(fetch);
    expect(input.getAttribute('role')).toBe('combobox');
    expect(input.getAttribute('aria-autocomplete')).toBe('list');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    const list = document.getElementById(input.getAttribute('aria-controls')!)!;
    expect(list.getAttribute('role')).toBe('listbox');
    expect(list.hidden).toBe(true);

    await type('s');
    expect(fetch).not.toHaveBeenCalled();
    await type('supe');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith('supe');
    expect(input.getAttribute('aria-expanded')).toBe('true');
    expect(list.hidden).toBe(false);
    expect([...list.querySelectorAll('[role=option]')].map((o) => o.textContent?.trim())).toEqual(['supe one', 'supe two']);
    expect(document.querySelector('[role=status]')?.textContent).toMatch(/^2 suggestions\./);

    press('ArrowDown');
    press('ArrowDown');
    const active = input.getAttribute('aria-activedescendant')!;
    expect(document.getElementById(active)?.textContent?.trim()).toBe('supe two');
    expect(document.getElementById(active)?.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(input);
    press('Enter');
    expect(chosen).toEqual(['supe two']);
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.hasAttribute('aria-activedescendant')).toBe(false);
  });

  it('waits for a pause in typing and drops answers for older text', async () => {
    let release: (v: string[]) => void = () => {};
    const fetch = vi.fn((q: string) => (q === 'abc' ? new Promise<string[]>((r) => (release = r)) : Promise.resolve([`${q}!`])));
    const { input, type } = setup(fetch);
    input.value = 'ab';
    input.dispatchEvent(new Event('input'));
    await vi.advanceTimersByTimeAsync(50);
    await type('abc');
    expect(fetch).toHaveBeenCalledTimes(1);
    await type('abcd');
    release(['late']);
    await vi.advanceTimersByTimeAsync(0);
    const options = [...document.querySelectorAll('[role=option]')].map((o) => o.textContent?.trim());
    expect(options).toEqual(['abcd!']);
  });

  it('Escape closes, then clears; a click chooses; leaving the box closes it', async () => {
    const { input, chosen, type, press } = setup(async () => ['first', 'second']);
    await type('fir');
    press('Escape');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.value).toBe('fir');
    press('Escape');
    expect(input.value).toBe('');
    await type('fir');
    (document.querySelectorAll('[role=option]')[1] as HTMLElement).click();
    expect(chosen).toEqual(['second']);
    await type('firs');
    input.dispatchEvent(new Event('blur'));
    expect(input.getAttribute('aria-expanded')).toBe('false');
  });
});
