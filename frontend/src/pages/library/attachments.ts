// A resource's attachments: the list (type, size, version, text extraction), and for those who
// manage the resource the NHS.UK file upload pattern to add or replace a file, and removal.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type Result, type Schemas } from '../../api/client';
import { NO_ERRORS, button, errorSummary, fieldErrorsToFormErrors, hasErrors, inputField, problemToFormErrors, textareaField, type FormErrors } from '../../forms';
import type { PageContext } from '../../routes';
import { formatDateTime, successBanner } from '../../ui';

type Attachment = Schemas['AttachmentDetail'];
type AttachmentList = Schemas['AttachmentList'];

const ACCEPT = '.pdf,.docx,.odt,.xlsx,.pptx,.png,.jpg,.jpeg';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function extraction(a: Attachment): TemplateResult {
  switch (a.extract_status) {
    case 'pending':
      return html`<strong class="nhsuk-tag nhsuk-tag--grey">Text being extracted</strong>`;
    case 'done':
      return html`<strong class="nhsuk-tag nhsuk-tag--green">Text extracted</strong>${a.page_count ? html` <span class="nhsuk-body-s">(${a.page_count} ${a.page_count === 1 ? 'page' : 'pages'})</span>` : nothing}`;
    case 'failed':
      return html`<strong class="nhsuk-tag nhsuk-tag--red">Text could not be extracted</strong>${a.extract_message ? html`<p class="nhsuk-body-s nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">${a.extract_message}</p>` : nothing}`;
    default:
      return html`<span class="nhsuk-body-s">No text in this type of file</span>`;
  }
}

/** Sends a file (and optional title) as multipart/form-data through the generated client. */
function sendFile(path: { slug: string } | { id: number }, file: File, title: string): Promise<Result<Attachment>> {
  const form = new FormData();
  form.append('file', file, file.name);
  if (title) form.append('title', title);
  const body = { file: '', ...(title ? { title } : {}) };
  const bodySerializer = () => form;
  if ('slug' in path) {
    return call(api.POST('/resources/{slug}/attachments', { params: { path }, body, bodySerializer }));
  }
  return call(api.POST('/attachments/{id}/versions', { params: { path }, body, bodySerializer }));
}

function fileField(id: string, label: string, error: string | undefined): TemplateResult {
  return html`<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
    <label class="nhsuk-label" for=${id}>${label}</label>
    <div class="nhsuk-hint" id=${`${id}-hint`}>PDF, Word (DOCX), OpenDocument text (ODT), Excel (XLSX), PowerPoint (PPTX), PNG or JPEG, up to 25 MB</div>
    ${error ? html`<span class="nhsuk-error-message" id=${`${id}-error`}><span class="nhsuk-u-visually-hidden">Error: </span>${error}</span>` : nothing}
    <input
      class="nhsuk-file-upload${error ? ' nhsuk-file-upload--error' : ''}"
      id=${id}
      name="file"
      type="file"
      accept=${ACCEPT}
      aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`}
    />
  </div>`;
}

export async function attachmentsPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params.slug ?? '';
  const [resource, listed] = await Promise.all([
    call(api.GET('/resources/{slug}', { params: { path: { slug } } })),
    call(api.GET('/resources/{slug}/attachments', { params: { path: { slug } } })),
  ]);
  if (!ctx.isCurrent()) return;
  if (!listed.ok) {
    ctx.showProblem(listed.problem);
    return;
  }
  const title = resource.ok ? resource.data.title : slug;
  let list: AttachmentList = listed.data;
  let message: string | null = null;
  let errors: FormErrors = NO_ERRORS;
  let busy = false;
  let values: Record<string, string> = {};
  // The file control the current errors belong to (the upload form or one replace form).
  let errorFile = '';

  const reload = async () => {
    const again = await call(api.GET('/resources/{slug}/attachments', { params: { path: { slug } } }));
    if (again.ok) list = again.data;
  };

  const fail = (fieldErrors: FormErrors) => {
    errors = fieldErrors;
    rerender();
    ctx.focusErrorSummary();
  };

  const onUpload = async (event: Event, target: { slug: string } | { id: number }, fileId: string, titleId: string) => {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const input = form.querySelector<HTMLInputElement>('input[type=file]');
    const file = input?.files?.[0];
    const titleValue = (form.querySelector<HTMLInputElement>('input[name=title]')?.value ?? '').trim();
    values = { title: titleValue };
    errorFile = fileId;
    const fieldIds = { file: fileId, title: titleId };
    if (!file) {
      fail(fieldErrorsToFormErrors([{ field: 'file', message: 'Select a file to upload' }], fieldIds));
      return;
    }
    busy = true;
    errors = NO_ERRORS;
    rerender();
    const res = await sendFile(target, file, titleValue);
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) {
      const p = res.problem;
      // 413 and 415 are about the file: show them beside it.
      if (p.status === 413 || p.status === 415) {
        fail(fieldErrorsToFormErrors([{ field: 'file', message: p.status === 413 ? 'The selected file must be smaller than 25 MB' : 'The selected file must be a PDF, DOCX, ODT, XLSX, PPTX, PNG or JPEG' }], fieldIds));
      } else {
        fail(problemToFormErrors(p, fieldIds));
      }
      return;
    }
    message = 'slug' in target ? `“${res.data.title}” has been added.` : `“${res.data.title}” has been replaced (version ${res.data.version}).`;
    values = {};
    form.reset();
    await reload();
    rerender();
    ctx.focusHeading();
  };

  const onRemove = async (event: Event, a: Attachment) => {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const reason = (form.querySelector<HTMLTextAreaElement>('textarea[name=reason]')?.value ?? '').trim();
    const fieldIds = { reason: `remove-reason-${a.id}` };
    if (!reason) {
      fail(fieldErrorsToFormErrors([{ field: 'reason', message: 'Enter why the file is removed' }], fieldIds));
      return;
    }
    busy = true;
    const res = await call(api.DELETE('/attachments/{id}', { params: { path: { id: a.id } }, body: { reason } }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) {
      fail(problemToFormErrors(res.problem, fieldIds));
      return;
    }
    message = `“${a.title}” has been removed.`;
    errors = NO_ERRORS;
    await reload();
    rerender();
    ctx.focusHeading();
  };

  const row = (a: Attachment) => html`<tr class="nhsuk-table__row">
    <td class="nhsuk-table__cell">
      <a href=${a.download_url} download>${a.title}</a>
      <span class="nhsuk-body-s nhsuk-u-display-block">${a.file_name}</span>
      ${a.can_replace || a.can_remove
        ? html`<details class="nhsuk-details nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0" ?open=${errorFile === `replace-file-${a.id}` && hasErrors(errors)}>
            <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Manage<span class="nhsuk-u-visually-hidden"> ${a.title}</span></span></summary>
            <div class="nhsuk-details__text">
              ${a.can_replace
                ? html`<form novalidate @submit=${(e: Event) => onUpload(e, { id: a.id }, `replace-file-${a.id}`, `replace-title-${a.id}`)}>
                    ${fileField(`replace-file-${a.id}`, 'Replace with a new version', errorFile === `replace-file-${a.id}` ? errors.fields.file : undefined)}
                    <input type="hidden" name="title" value="" />
                    ${button('Upload new version', { secondary: true, disabled: busy })}
                  </form>`
                : nothing}
              ${a.can_remove
                ? html`<form novalidate @submit=${(e: Event) => onRemove(e, a)}>
                    ${textareaField({ id: `remove-reason-${a.id}`, name: 'reason', label: 'Why is it removed?', hint: 'Recorded in the audit log.', rows: 2 })}
                    ${button('Remove file', { warning: true, disabled: busy })}
                  </form>`
                : nothing}
              ${a.versions.length > 1
                ? html`<h3 class="nhsuk-heading-xs">Earlier versions</h3>
                    <ul class="nhsuk-list">
                      ${a.versions.slice(1).map((v) => html`<li><a href=${v.download_url} download>Version ${v.version}: ${v.file_name}</a> <span class="nhsuk-body-s">(${formatSize(v.size_bytes)}, ${formatDateTime(v.uploaded_at)})</span></li>`)}
                    </ul>`
                : nothing}
            </div>
          </details>`
        : nothing}
    </td>
    <td class="nhsuk-table__cell">${a.file_type_label}</td>
    <td class="nhsuk-table__cell nhsuk-table__cell--numeric">${formatSize(a.size_bytes)}</td>
    <td class="nhsuk-table__cell nhsuk-table__cell--numeric">${a.version}</td>
    <td class="nhsuk-table__cell">${extraction(a)}</td>
  </tr>`;

  const rerender = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Attachments: ${title}`,
      html`<div class="nhsuk-grid-row">
        <div class="nhsuk-grid-column-full">
          <nav class="nhsuk-back-link" aria-label="Back"><a class="nhsuk-back-link__link" href=${`/library/${slug}`}>Back to ${title}</a></nav>
          ${errorSummary(errors)}
          <h1><span class="nhsuk-caption-l">${title}</span>Attachments</h1>
          ${successBanner(message)}
          ${list.items.length === 0
            ? html`<p>There are no files attached to this resource.</p>`
            : html`<table class="nhsuk-table app-attachments">
                <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Files attached to ${title}</caption>
                <thead class="nhsuk-table__head">
                  <tr class="nhsuk-table__row">
                    <th class="nhsuk-table__header" scope="col">File</th>
                    <th class="nhsuk-table__header" scope="col">Type</th>
                    <th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">Size</th>
                    <th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">Version</th>
                    <th class="nhsuk-table__header" scope="col">Text for search</th>
                  </tr>
                </thead>
                <tbody class="nhsuk-table__body">${list.items.map(row)}</tbody>
              </table>`}
          ${list.can_add
            ? html`<h2>Add a file</h2>
                <form novalidate @submit=${(e: Event) => onUpload(e, { slug }, 'upload-file', 'upload-title')}>
                  ${fileField('upload-file', 'Upload a file', errorFile === 'upload-file' ? errors.fields.file : undefined)}
                  ${inputField({ id: 'upload-title', name: 'title', label: 'Title (optional)', hint: 'What people see in the list. Leave blank to use the file name.', value: values.title, error: errors.fields.title, width: 'two-thirds' })}
                  ${button(busy ? 'Uploading…' : 'Upload file', { disabled: busy })}
                </form>`
            : nothing}
        </div>
      </div>`,
    );

  rerender();
}
