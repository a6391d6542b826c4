import { render } from 'lit-html';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CaseFinding, Result } from '../src/api/client';
import { BodyEditor, caseWarning, findingLines, type EditorServices } from '../src/forum/editor';

const NHS: CaseFinding = { kind: 'NhsNumber', description: 'an NHS number', start: 11, end: 23, matched: '943 476 5919' };
const POSTCODE: CaseFinding = { kind: 'Postcode', description: 'a full postcode', start: 0, end: 7, matched: 'LS1 4AP' };

function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

/** Services whose answers the test releases by hand, to check ordering. */
function manualServices() {
  const previews: { body: string; resolve: (r: Result<{ html: string }>) => void }[] = [];
  const checks: { body: string; resolve: (r: Result<{ findings: CaseFinding[] }>) => void }[] = [];
  const services: EditorServices = {
    preview: (body) => new Promise((resolve) => previews.push({ body, resolve })),
    check: (body) => new Promise((resolve) => checks.push({ body, resolve })),
  };
  return { services, previews, checks };
}

describe('findingLines', () => {
  it('lists each thing found once, in the order it appears, with what it looks like', () => {
    expect(findingLines([NHS, POSTCODE, { ...NHS, start: 40, end: 52 }])).toEqual([
      'A full postcode: \u201cLS1 4AP\u201d',
      'An NHS number: \u201c943 476 5919\u201d',
    ]);
    expect(findingLines([])).toEqual([]);
  });
});

describe('caseWarning', () => {
  it('renders an NHS.UK warning callout listing the findings, escaped', () => {
    const el = document.createElement('div');
    render(caseWarning([NHS, { ...POSTCODE, matched: '<b>x</b>' }]), el);
    const card = el.querySelector('.nhsuk-card--warning');
    expect(card).not.toBeNull();
    expect(el.querySelector('h2')?.textContent).toContain('Important:');
    const items = [...el.querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toEqual(['A full postcode: \u201c<b>x</b>\u201d', 'An NHS number: \u201c943 476 5919\u201d']);
    expect(el.querySelector('b')).toBeNull();
  });

  it('renders nothing without findings, and the heading level asked for', () => {
    const el = document.createElement('div');
    render(caseWarning([]), el);
    expect(el.textContent?.trim()).toBe('');
    render(caseWarning([NHS], 3), el);
    expect(el.querySelector('h3')).not.toBeNull();
  });
});

describe('BodyEditor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks for a preview and a check once typing pauses, not on every key', async () => {
    const { services, previews, checks } = manualServices();
    const rerender = vi.fn();
    const editor = new BodyEditor({ id: 'body', name: 'body', label: 'Post', rerender, services, previewDelay: 500, checkDelay: 300 });
    editor.input('N');
    editor.input('NHS number 943 476 5919');
    vi.advanceTimersByTime(300);
    expect(checks.map((c) => c.body)).toEqual(['NHS number 943 476 5919']);
    expect(previews).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(previews.map((p) => p.body)).toEqual(['NHS number 943 476 5919']);
    checks[0].resolve(ok({ findings: [NHS] }));
    previews[0].resolve(ok({ html: '<p>NHS number 943 476 5919</p>' }));
    await vi.runAllTimersAsync();
    expect(editor.findings).toEqual([NHS]);
    expect(editor.previewHtml).toBe('<p>NHS number 943 476 5919</p>');
    expect(editor.upToDate()).toBe(true);
    expect(rerender).toHaveBeenCalled();
  });

  it('ignores an answer for text that has changed since', async () => {
    const { services, checks } = manualServices();
    const editor = new BodyEditor({ id: 'b', name: 'body', label: 'Post', rerender: () => {}, services, checkDelay: 100, previewDelay: 100 });
    editor.input('old 943 476 5919');
    vi.advanceTimersByTime(100);
    editor.input('new text');
    vi.advanceTimersByTime(100);
    checks[1].resolve(ok({ findings: [] }));
    await Promise.resolve();
    checks[0].resolve(ok({ findings: [NHS] }));
    await vi.runAllTimersAsync();
    expect(editor.findings).toEqual([]);
    expect(editor.checkedFor).toBe('new text');
  });

  it('clears the preview and warnings when the text is emptied, and stops after dispose', async () => {
    const { services, previews, checks } = manualServices();
    const editor = new BodyEditor({ id: 'b', name: 'body', label: 'Post', rerender: () => {}, services, value: 'start 943 476 5919' });
    // Text given at the start (an edit) is previewed and checked straight away.
    expect(previews.length).toBe(1);
    expect(checks.length).toBe(1);
    checks[0].resolve(ok({ findings: [NHS] }));
    await vi.runAllTimersAsync();
    expect(editor.findings).toEqual([NHS]);
    editor.input('  ');
    expect(editor.findings).toEqual([]);
    expect(editor.previewHtml).toBe('');
    editor.input('more');
    editor.dispose();
    vi.advanceTimersByTime(5000);
    expect(previews.length).toBe(1);
  });

  it('renders the textarea, the warning and the preview container', async () => {
    const services: EditorServices = {
      preview: async () => ok({ html: '<p><strong>Hi</strong></p>' }),
      check: async () => ok({ findings: [NHS] }),
    };
    const el = document.createElement('div');
    const editor: BodyEditor = new BodyEditor({ id: 'body', name: 'body', label: 'Your post', rerender: () => render(editor.template(), el), services, value: 'Hi' });
    render(editor.template('Enter your post'), el);
    await vi.runAllTimersAsync();
    render(editor.template('Enter your post'), el);
    expect(el.querySelector('textarea#body')?.getAttribute('aria-describedby')).toBe('body-hint body-error');
    expect(el.querySelector('#body-error')?.textContent).toContain('Enter your post');
    expect(el.querySelector('.app-post__body.app-preview strong')?.textContent).toBe('Hi');
    expect(el.querySelector('.app-editor__warnings .nhsuk-card--warning li')?.textContent).toContain('943 476 5919');
  });

  it('shows why a preview failed', async () => {
    const services: EditorServices = {
      preview: async () => ({ ok: false, problem: { type: 'about:blank', title: 'There is a problem', status: 422, errors: [{ field: 'body', message: 'The post is too long' }] } }),
      check: async () => ok({ findings: [] }),
    };
    const editor = new BodyEditor({ id: 'b', name: 'body', label: 'Post', rerender: () => {}, services, value: 'x' });
    await vi.runAllTimersAsync();
    expect(editor.previewProblem).toBe('The post is too long');
  });
});
