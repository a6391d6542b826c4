// Attachments in a real browser against the real server: a curator uploads a PDF through the
// NHS.UK file upload form, sees it listed with its type, size, version and text extraction,
// and downloads it as an attachment with the same bytes; axe runs on every state of the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from './harness.mjs';

const CURATOR = { email: 'curator@nhs.example', name: 'Cora Curator', role: 'curator', password: 'curator-passphrase-0451' };
const SLUG = 'amhp-service-standards';
const TITLE = 'AMHP service standards';

/** A small, valid PDF with one line of text on each page. */
function pdf(pages) {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + 2 * i} 0 R`).join(' ')}] /Count ${pages.length} >>`, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
  pages.forEach((text, i) => {
    const stream = `BT /F1 12 Tf 72 760 Td (${text}) Tj ET`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`);
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  });
  let out = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

describe('attachments', { concurrency: false }, () => {
  const app = new App();
  let curator;
  const file = pdf(['Standard one: timely assessment', 'Standard two: the least restrictive option']);

  before(async () => {
    await app.start();
    app.createUser(CURATOR);
    curator = await app.person();
    await curator.signIn(CURATOR.email, CURATOR.password);
    const created = await curator.page.request.post('/api/resources', {
      headers: { Origin: app.baseUrl },
      data: { kind: 'toolkit', title: TITLE, slug: SLUG, summary: 'Standards for AMHP services.', body_markdown: 'The standards.', status: 'published', note: 'First publication' },
    });
    assert.equal(created.status(), 201, await created.text());
  });

  after(async () => {
    await curator?.context.close().catch(() => {});
    await app.stop();
  });

  test('the attachments page offers the upload form and checks that a file was chosen', async () => {
    await curator.visit(`/library/${SLUG}/attachments`, `Attachments: ${TITLE}`);
    await curator.page.getByText('There are no files attached to this resource.').waitFor();
    await curator.page.getByRole('button', { name: 'Upload file' }).click();
    const summary = curator.page.locator('.nhsuk-error-summary');
    await summary.getByRole('link', { name: 'Select a file to upload' }).waitFor();
    await curator.page.waitForFunction(() => document.activeElement?.matches('.nhsuk-error-summary'));
    await curator.page.locator('#upload-file-error').waitFor();
    await curator.axe('attachments page with errors');
    curator.assertClean();
  });

  test('a curator uploads a PDF and sees it listed', async () => {
    await curator.page.locator('#upload-file').setInputFiles({ name: 'AMHP standards.pdf', mimeType: 'application/pdf', buffer: file });
    await curator.page.getByLabel('Title (optional)').fill('Service standards 2026');
    await curator.page.getByRole('button', { name: 'Upload file' }).click();
    await curator.page.getByText('“Service standards 2026” has been added.').waitFor();
    const row = curator.page.locator('table.app-attachments tbody tr').first();
    await row.getByRole('link', { name: 'Service standards 2026' }).waitFor();
    const cells = await row.locator('td').allTextContents();
    assert.match(cells[0], /AMHP standards\.pdf/);
    assert.equal(cells[1].trim(), 'PDF');
    assert.match(cells[2], /\d+ (bytes|KB)/);
    assert.equal(cells[3].trim(), '1');
    assert.match(cells[4], /Text being extracted|Text extracted/);
    await curator.axe('attachments page with a file');
    curator.assertClean();
    // The extractor runs in the background: the page shows its result once it is done.
    for (let i = 0; i < 50; i += 1) {
      await curator.visit(`/library/${SLUG}/attachments`, `Attachments: ${TITLE}`, { axe: false });
      if ((await curator.page.getByText('Text extracted').count()) > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await curator.page.getByText('(2 pages)').waitFor();
    await curator.axe('attachments page after extraction');
  });

  test('the file downloads as an attachment with the same bytes', async () => {
    const link = curator.page.getByRole('link', { name: 'Service standards 2026' });
    const href = await link.getAttribute('href');
    assert.match(href, /^\/api\/attachments\/\d+\/download$/);
    const [download] = await Promise.all([curator.page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'AMHP standards.pdf');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    assert.deepEqual(readFileSync(path), file);
    const res = await curator.page.request.get(href);
    assert.equal(res.status(), 200);
    const headers = res.headers();
    assert.equal(headers['content-type'], 'application/pdf');
    assert.match(headers['content-disposition'], /^attachment; filename="AMHP standards\.pdf"; filename\*=UTF-8''AMHP%20standards\.pdf$/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.match(headers['content-security-policy'], /^sandbox/);
    assert.deepEqual(Buffer.from(await res.body()), file);
    curator.assertClean();
  });
});
