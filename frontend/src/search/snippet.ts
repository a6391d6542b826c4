// Search snippets arrive as HTML whose only markup should be our own <mark>. They are parsed in
// an inert document and rebuilt from text and <mark> alone, so nothing else the server (or a
// bug in it) sent can reach the page: no elements, no attributes, no URLs.
import { html, type TemplateResult } from 'lit-html';

/** A piece of a snippet: plain text, or text the search matched. */
export type SnippetPart = { text: string; mark: boolean };

/** Splits snippet HTML into text and marked text; everything other than <mark> keeps only its text. */
export function snippetParts(raw: string): SnippetPart[] {
  // DOMParser makes a document without a browsing context: scripts don't run, images don't load.
  // `<body>` first, so head-only elements (title, style, meta) land in the body as text holders.
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${raw}`, 'text/html');
  const parts: SnippetPart[] = [];
  const push = (text: string, mark: boolean) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.mark === mark) last.text += text;
    else parts.push({ text, mark });
  };
  const walk = (node: Node, inMark: boolean) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE || child.nodeType === Node.CDATA_SECTION_NODE) {
        push(child.nodeValue ?? '', inMark);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const el = child as Element;
        if (el.localName === 'template') walk((el as HTMLTemplateElement).content, inMark);
        else walk(el, inMark || el.localName === 'mark');
      }
    }
  };
  walk(doc.body, false);
  return parts;
}

/** The snippet as lit-html: text escaped by lit, matches in <mark>. */
export function snippetTemplate(raw: string | null | undefined): TemplateResult {
  const parts = raw ? snippetParts(raw) : [];
  return html`${parts.map((p) => (p.mark ? html`<mark>${p.text}</mark>` : p.text))}`;
}
