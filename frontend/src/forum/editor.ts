// The post editor shared by new threads, replies and edits: a textarea, a live preview of
// exactly what publishing would show (POST /preview), and warnings about text that looks like
// case information (POST /posts/check), both asked for after a pause in typing.
import { html, nothing, type TemplateResult } from 'lit-html';
import { ifDefined } from 'lit-html/directives/if-defined.js';
import { live } from 'lit-html/directives/live.js';
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import { api, call, type CaseFinding, type Result } from '../api/client';
import { debounce, type Debounced } from '../debounce';

export interface EditorServices {
  preview(body: string): Promise<Result<{ html: string }>>;
  check(body: string): Promise<Result<{ findings: CaseFinding[] }>>;
}

export const apiEditorServices: EditorServices = {
  preview: (body) => call(api.POST('/preview', { body: { body } })),
  check: (body) => call(api.POST('/posts/check', { body: { body } })),
};

export interface EditorOptions {
  id: string;
  name: string;
  label: string;
  hint?: string;
  value?: string;
  rows?: number;
  /** Heading level for the preview and warning, to fit under the form's own heading. */
  headingLevel?: 2 | 3;
  rerender: () => void;
  services?: EditorServices;
  previewDelay?: number;
  checkDelay?: number;
}

/** One line per distinct thing found, in the order it appears in the text. */
export function findingLines(findings: readonly CaseFinding[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    const key = `${f.kind}\u0000${f.matched}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const what = f.description.charAt(0).toUpperCase() + f.description.slice(1);
    out.push(`${what}: \u201c${f.matched}\u201d`);
  }
  return out;
}

function heading(level: 2 | 3, cls: string, content: TemplateResult | string): TemplateResult {
  return level === 2 ? html`<h2 class=${cls}>${content}</h2>` : html`<h3 class=${cls}>${content}</h3>`;
}

/** The NHS.UK warning callout listing what looks like case information. */
export function caseWarning(findings: readonly CaseFinding[], level: 2 | 3 = 2): TemplateResult | typeof nothing {
  const lines = findingLines(findings);
  if (lines.length === 0) return nothing;
  return html`<div class="nhsuk-card nhsuk-card--warning app-case-warning">
    <div class="nhsuk-card__content">
      ${heading(level, 'nhsuk-card__heading', html`<span class="nhsuk-u-visually-hidden">Important: </span>This may identify someone who uses services`)}
      <p>Check these before you post. Remove anything that could identify a person: a post that looks like it holds case information waits for a moderator to check it.</p>
      <ul class="app-case-warning__list">
        ${lines.map((l) => html`<li>${l}</li>`)}
      </ul>
    </div>
  </div>`;
}

export class BodyEditor {
  value: string;
  previewHtml = '';
  previewFor = '';
  previewProblem: string | null = null;
  findings: CaseFinding[] = [];
  checkedFor = '';
  private readonly opts: EditorOptions;
  private readonly services: EditorServices;
  private readonly schedulePreview: Debounced<[string]>;
  private readonly scheduleCheck: Debounced<[string]>;
  private disposed = false;

  constructor(opts: EditorOptions) {
    this.opts = opts;
    this.value = opts.value ?? '';
    this.services = opts.services ?? apiEditorServices;
    this.schedulePreview = debounce((text) => void this.runPreview(text), opts.previewDelay ?? 500);
    this.scheduleCheck = debounce((text) => void this.runCheck(text), opts.checkDelay ?? 300);
    if (this.value.trim()) {
      void this.runPreview(this.value);
      void this.runCheck(this.value);
    }
  }

  /** Takes new text from the textarea and asks for a preview and a check once typing pauses. */
  input(text: string): void {
    this.value = text;
    if (!text.trim()) {
      this.schedulePreview.cancel();
      this.scheduleCheck.cancel();
      this.previewHtml = '';
      this.previewFor = text;
      this.previewProblem = null;
      this.findings = [];
      this.checkedFor = text;
      this.opts.rerender();
      return;
    }
    this.schedulePreview(text);
    this.scheduleCheck(text);
  }

  /** Whether the warnings shown are for the text as it is now. */
  upToDate(): boolean {
    return this.checkedFor === this.value && this.previewFor === this.value;
  }

  async runPreview(text: string): Promise<void> {
    const res = await this.services.preview(text);
    // A later answer (or newer text) wins: only the answer for the current text is shown.
    if (this.disposed || text !== this.value) return;
    this.previewFor = text;
    if (res.ok) {
      this.previewHtml = res.data.html;
      this.previewProblem = null;
    } else {
      this.previewHtml = '';
      this.previewProblem = res.problem.errors?.[0]?.message ?? res.problem.detail ?? res.problem.title;
    }
    this.opts.rerender();
  }

  async runCheck(text: string): Promise<void> {
    const res = await this.services.check(text);
    if (this.disposed || text !== this.value) return;
    this.checkedFor = text;
    this.findings = res.ok ? res.data.findings : [];
    this.opts.rerender();
  }

  /** Stops asking the server, when the form goes away. */
  dispose(): void {
    this.disposed = true;
    this.schedulePreview.cancel();
    this.scheduleCheck.cancel();
  }

  template(error?: string): TemplateResult {
    const o = this.opts;
    const level = o.headingLevel ?? 2;
    const hintId = `${o.id}-hint`;
    const describedBy = [hintId, error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="app-editor">
      <div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
        <label class="nhsuk-label" for=${o.id}>${o.label}</label>
        <div class="nhsuk-hint" id=${hintId}>
          ${o.hint ?? 'You can use Markdown: **bold**, *italic*, lists and links. Do not include anything that could identify a person who uses services.'}
        </div>
        ${error
          ? html`<span class="nhsuk-error-message" id=${`${o.id}-error`}><span class="nhsuk-u-visually-hidden">Error: </span>${error}</span>`
          : nothing}
        <textarea
          class="nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}"
          id=${o.id}
          name=${o.name}
          rows=${o.rows ?? 8}
          .value=${live(this.value)}
          aria-describedby=${ifDefined(describedBy || undefined)}
          @input=${(e: Event) => this.input((e.target as HTMLTextAreaElement).value)}
        ></textarea>
      </div>
      <div class="app-editor__warnings" aria-live="polite">${caseWarning(this.findings, level)}</div>
      <div class="app-editor__preview">
        ${heading(level, 'nhsuk-heading-s app-editor__preview-heading', 'Preview')}
        ${this.previewProblem
          ? html`<p class="app-editor__preview-empty">${this.previewProblem}</p>`
          : this.previewHtml
            ? html`<div class="app-post__body app-preview">${unsafeHTML(this.previewHtml)}</div>`
            : html`<p class="app-editor__preview-empty">Your post will appear here as you write it.</p>`}
      </div>
    </div>`;
  }
}
