// Member moderation: the pending queue and the member list, and one member's page with the
// approve, decline, role, warn, suspend and unsuspend actions. Every decision carries a reason.
import { html, nothing, type TemplateResult } from 'lit-html';
import { api, call, type FieldError, type Member, type Role } from '../api/client';
import { button, errorSummary, fieldErrorsToFormErrors, formValues, hasErrors, inputField, NO_ERRORS, problemToFormErrors, selectField, textareaField, type FormErrors } from '../forms';
import { warningMessageField } from '../forum/moderator-menu';
import { checkReason, combineReason, loadReasons, reasonFieldIds, reasonFields } from '../forum/reasons';
import { loadSpaces } from '../forum/space-names';
import { loadMeta, regionName } from '../meta';
import { canAdminister, isSuspended } from '../nav';
import type { PageContext } from '../routes';
import { backLink, formatDate, formatDateTime, ROLE_TEXT, statusTag, successBanner, summaryList } from '../ui';

type Filter = 'pending' | 'all';

function filterNav(current: Filter): TemplateResult {
  const item = (f: Filter, text: string) =>
    html`<li class="app-filter__item">
      ${f === current
        ? html`<a href=${`/members?status=${f}`} aria-current="page"><strong>${text}</strong></a>`
        : html`<a href=${`/members?status=${f}`}>${text}</a>`}
    </li>`;
  return html`<nav class="app-filter" aria-label="Which members to show">
    <ul class="nhsuk-list app-filter__list">${item('pending', 'Awaiting approval')}${item('all', 'All members')}</ul>
  </nav>`;
}

/** Approve (reason optional) or decline (reason required) from one form with two buttons. */
export function decisionForm(member: Member, errors: FormErrors, busy: boolean, onSubmit: (e: Event) => void): TemplateResult {
  return html`<form novalidate @submit=${onSubmit}>
    ${textareaField({
      id: `reason-${member.id}`,
      name: 'reason',
      label: `Reason for your decision about ${member.display_name}`,
      hint: 'Needed if you decline. Optional if you approve. The member sees this reason.',
      rows: 2,
      error: errors.fields.reason,
    })}
    <div class="nhsuk-button-group">
      <button class="nhsuk-button" data-module="nhsuk-button" type="submit" name="decision" value="approve" ?disabled=${busy}>
        Approve<span class="nhsuk-u-visually-hidden"> ${member.display_name}</span>
      </button>
      <button class="nhsuk-button nhsuk-button--warning" data-module="nhsuk-button" type="submit" name="decision" value="decline" ?disabled=${busy}>
        Decline<span class="nhsuk-u-visually-hidden"> ${member.display_name}</span>
      </button>
    </div>
  </form>`;
}

/** Sends an approve or decline decision; returns the updated member or the errors to show. */
async function decide(event: Event, member: Member): Promise<{ member?: Member; errors: FormErrors }> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
  const decision = submitter?.value === 'decline' ? 'decline' : 'approve';
  const reason = (new FormData(form).get('reason') as string | null)?.trim() ?? '';
  const fieldIds = { reason: `reason-${member.id}` };
  if (decision === 'decline' && !reason) {
    return {
      errors: { title: 'There is a problem', items: [{ text: `Enter a reason for declining ${member.display_name}`, href: `#${fieldIds.reason}` }], fields: { reason: `Enter a reason for declining ${member.display_name}` } },
    };
  }
  const path = { params: { path: { id: member.id } } };
  const res =
    decision === 'approve'
      ? await call(api.POST('/members/{id}/approve', { ...path, body: reason ? { reason } : {} }))
      : await call(api.POST('/members/{id}/decline', { ...path, body: { reason } }));
  if (res.ok) return { member: res.data, errors: NO_ERRORS };
  return { errors: problemToFormErrors(res.problem, fieldIds) };
}

export async function membersPage(ctx: PageContext): Promise<void> {
  const filter: Filter = ctx.query.get('status') === 'all' ? 'all' : 'pending';
  const meta = await loadMeta();
  const first = await call(api.GET('/members', { params: { query: filter === 'pending' ? { status: 'pending', limit: 50 } : { limit: 50 } } }));
  if (!ctx.isCurrent()) return;
  if (!first.ok) {
    ctx.showProblem(first.problem);
    return;
  }
  let members = first.data.items;
  let nextCursor = first.data.next_cursor ?? null;
  let errors: FormErrors = NO_ERRORS;
  let errorsFor: number | null = null;
  let busyId: number | null = null;
  let message: string | null = null;

  const rerender = () =>
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}Members`,
      html`${errorSummary(errors)}
        <h1>Members</h1>
        ${successBanner(message)}
        ${filterNav(filter)}
        ${filter === 'pending' ? pendingList() : allTable()}
        ${nextCursor
          ? html`<form novalidate @submit=${more}>${button('Show more members', { secondary: true })}</form>`
          : nothing}`,
    );

  const pendingList = () =>
    members.length === 0
      ? html`<p>No one is waiting for approval.</p>`
      : html`<h2>Awaiting approval</h2>
          ${members.map(
            (m) => html`<div class="nhsuk-card">
              <div class="nhsuk-card__content">
                <h3 class="nhsuk-card__heading"><a href=${`/members/${m.id}`}>${m.display_name}</a></h3>
                ${summaryList([
                  ['Email address', m.email],
                  ['Organisation', m.organisation],
                  ['Job role', m.job_role],
                  ['Region', regionName(meta, m.region)],
                  ['Registered', formatDateTime(m.created_at)],
                ])}
                ${m.status === 'pending'
                  ? decisionForm(m, errorsFor === m.id ? errors : NO_ERRORS, busyId === m.id, (e) => onDecide(e, m))
                  : html`<p>${statusTag(m)}</p>`}
              </div>
            </div>`,
          )}`;

  const allTable = () =>
    members.length === 0
      ? html`<p>There are no members yet.</p>`
      : html`<table class="nhsuk-table">
          <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">All members</caption>
          <thead class="nhsuk-table__head">
            <tr class="nhsuk-table__row">
              <th class="nhsuk-table__header" scope="col">Name</th>
              <th class="nhsuk-table__header" scope="col">Organisation</th>
              <th class="nhsuk-table__header" scope="col">Role</th>
              <th class="nhsuk-table__header" scope="col">Membership</th>
            </tr>
          </thead>
          <tbody class="nhsuk-table__body">
            ${members.map(
              (m) => html`<tr class="nhsuk-table__row">
                <td class="nhsuk-table__cell"><a href=${`/members/${m.id}`}>${m.display_name}</a><br />${m.email}</td>
                <td class="nhsuk-table__cell">${m.organisation}</td>
                <td class="nhsuk-table__cell">${ROLE_TEXT[m.role]}</td>
                <td class="nhsuk-table__cell">${statusTag(m)}${isSuspended(m) ? html` <strong class="nhsuk-tag nhsuk-tag--orange">Suspended</strong>` : nothing}</td>
              </tr>`,
            )}
          </tbody>
        </table>`;

  const onDecide = async (event: Event, m: Member) => {
    busyId = m.id;
    const result = await decide(event, m);
    busyId = null;
    if (!ctx.isCurrent()) return;
    if (result.member) {
      const updated = result.member;
      members = members.map((x) => (x.id === updated.id ? updated : x));
      errors = NO_ERRORS;
      errorsFor = null;
      message = `${updated.display_name} has been ${updated.status === 'active' ? 'approved' : 'declined'}.`;
      rerender();
      return;
    }
    errors = result.errors;
    errorsFor = m.id;
    message = null;
    rerender();
    ctx.focusErrorSummary();
  };

  const more = async (event: Event) => {
    event.preventDefault();
    if (!nextCursor) return;
    const query = filter === 'pending' ? { status: 'pending' as const, limit: 50, cursor: nextCursor } : { limit: 50, cursor: nextCursor };
    const res = await call(api.GET('/members', { params: { query } }));
    if (!ctx.isCurrent()) return;
    if (res.ok) {
      members = [...members, ...res.data.items];
      nextCursor = res.data.next_cursor ?? null;
      errors = NO_ERRORS;
    } else {
      errors = problemToFormErrors(res.problem, {});
    }
    rerender();
  };

  rerender();
}

const ROLES: Role[] = ['member', 'curator', 'moderator', 'admin'];

const WARN_PREFIX = 'warn';
const WARN_IDS: Record<string, string> = { ...reasonFieldIds(WARN_PREFIX), message: `${WARN_PREFIX}-message`, category: `${WARN_PREFIX}-category` };

/** Checks a warning before sending, in the order of the form: the message, then the reason. */
export function checkWarning(values: Record<string, string>): FieldError[] {
  const missing: FieldError[] = (values.message ?? '').trim() ? [] : [{ field: 'message', message: 'Enter a message for the member' }];
  return [...missing, ...checkReason(values)];
}

export async function memberPage(ctx: PageContext): Promise<void> {
  const id = Number(ctx.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) {
    ctx.showProblem({ type: 'about:blank', title: 'Page not found', status: 404 });
    return;
  }
  // The preset reasons and space names are for the warning form; it works without them.
  const [meta, res, presets, spaces] = await Promise.all([loadMeta(), call(api.GET('/members/{id}', { params: { path: { id } } })), loadReasons(), loadSpaces()]);
  if (!ctx.isCurrent()) return;
  if (!res.ok) {
    ctx.showProblem(res.problem);
    return;
  }
  let member = res.data;
  let errors: FormErrors = NO_ERRORS;
  let message: string | null = null;
  let busy = false;
  // Which form the current errors belong to, so a message shows beside the right field.
  type FormKey = 'decide' | 'role' | 'warn' | 'suspend' | 'unsuspend';
  let errorsIn: FormKey | null = null;
  const fieldsFor = (key: FormKey): Record<string, string> => (errorsIn === key ? errors.fields : {});
  const isAdmin = canAdminister(ctx.member);
  const isSelf = ctx.member?.id === member.id;
  // Kept between renders, so a refused warning keeps what was written.
  let warnValues: Record<string, string> = {};

  const rerender = () => {
    const suspended = isSuspended(member);
    ctx.show(
      `${hasErrors(errors) ? 'Error: ' : ''}${member.display_name}`,
      html`${backLink('/members?status=all', 'All members')}
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            ${errorSummary(errors)}
            <h1>${member.display_name}</h1>
            ${successBanner(message)}
            ${summaryList([
              ['Email address', html`${member.email}${member.email_verified ? nothing : html` (not confirmed)`}`],
              ['Organisation', member.organisation],
              ['Job role', member.job_role],
              ['Region', regionName(meta, member.region)],
              ['Role', ROLE_TEXT[member.role]],
              ['Membership', statusTag(member)],
              ['Registered', formatDateTime(member.created_at)],
              ...(suspended
                ? ([
                    ['Suspended until', formatDateTime(member.suspended_until)],
                    ['Reason for suspension', member.suspension_reason ?? ''],
                  ] as [string, string][])
                : []),
            ])}

            ${member.status === 'pending'
              ? html`<h2>Approve or decline</h2>
                  ${decisionForm(member, errorsIn === 'decide' ? errors : NO_ERRORS, busy, onDecide)}`
              : nothing}

            ${isAdmin && !isSelf
              ? html`<h2>Change role</h2>
                  <form novalidate @submit=${onRole}>
                    ${selectField({ id: 'role', name: 'role', label: 'Role', choices: ROLES.map((r) => ({ value: r, text: ROLE_TEXT[r] })), value: member.role, error: fieldsFor('role').role })}
                    ${textareaField({ id: 'role-reason', name: 'reason', label: 'Reason (optional)', rows: 2, error: fieldsFor('role').reason })}
                    ${button('Change role', { disabled: busy })}
                  </form>`
              : nothing}

            ${!isSelf && member.status === 'active'
              ? html`<h2>Warn</h2>
                  <p>Warn ${member.display_name} about their conduct. It is recorded in the moderation log, where they can appeal it.</p>
                  <form novalidate @submit=${onWarn}>
                    ${warningMessageField(WARN_IDS.message, warnValues.message, fieldsFor('warn').message)}
                    ${reasonFields({ prefix: WARN_PREFIX, presets, values: warnValues, errors: fieldsFor('warn'), message: false, recipient: 'the member' })}
                    ${selectField({
                      id: WARN_IDS.category,
                      name: 'category',
                      label: 'Space it is about (optional)',
                      hint: 'Moderators of that space will see the warning in its log.',
                      choices: [{ value: '', text: 'Not about one space' }, ...(spaces ?? []).map((x) => ({ value: x.slug, text: x.name }))],
                      value: warnValues.category ?? '',
                      error: fieldsFor('warn').category,
                    })}
                    ${button('Send warning', { disabled: busy })}
                  </form>`
              : nothing}

            ${isSelf
              ? nothing
              : suspended
                ? html`<h2>Lift the suspension</h2>
                    <form novalidate @submit=${onUnsuspend}>
                      ${textareaField({ id: 'unsuspend-reason', name: 'reason', label: 'Reason (optional)', rows: 2, error: fieldsFor('unsuspend').reason })}
                      ${button('Lift suspension', { disabled: busy })}
                    </form>`
                : html`<h2>Suspend</h2>
                    <p>A suspended member can sign in and read, but cannot post or change their profile.</p>
                    <form novalidate @submit=${onSuspend}>
                      ${inputField({ id: 'until', name: 'until', label: 'Suspended until', hint: `The last day of the suspension, for example ${formatDate(new Date(Date.now() + 7 * 864e5).toISOString())}`, type: 'date', error: fieldsFor('suspend').until, width: 'one-half' })}
                      ${textareaField({ id: 'suspend-reason', name: 'reason', label: 'Reason', hint: 'The member sees this reason', rows: 2, error: fieldsFor('suspend').reason })}
                      ${button('Suspend member', { warning: true, disabled: busy })}
                    </form>`}
          </div>
        </div>`,
    );
  };

  const finish = (key: FormKey, res: { ok: true; data: Member } | { ok: false; problem: Parameters<typeof problemToFormErrors>[0] }, done: string, fieldIds: Record<string, string>) => {
    busy = false;
    if (!ctx.isCurrent()) return;
    if (res.ok) {
      member = res.data;
      errors = NO_ERRORS;
      message = done;
      rerender();
      return;
    }
    errors = problemToFormErrors(res.problem, fieldIds);
    errorsIn = key;
    message = null;
    rerender();
    ctx.focusErrorSummary();
  };

  const fail = (key: FormKey, fields: Record<string, string>, ids: Record<string, string>) => {
    errorsIn = key;
    errors = {
      title: 'There is a problem',
      items: Object.entries(fields).map(([k, text]) => ({ text, href: `#${ids[k]}` })),
      fields,
    };
    message = null;
    rerender();
    ctx.focusErrorSummary();
  };

  const onDecide = async (event: Event) => {
    busy = true;
    const result = await decide(event, member);
    busy = false;
    if (!ctx.isCurrent()) return;
    if (result.member) {
      member = result.member;
      errors = NO_ERRORS;
      message = `${member.display_name} has been ${member.status === 'active' ? 'approved' : 'declined'}.`;
      rerender();
    } else {
      errors = result.errors;
      errorsIn = 'decide';
      message = null;
      rerender();
      ctx.focusErrorSummary();
    }
  };

  const onRole = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const role = data.get('role') as Role;
    const reason = ((data.get('reason') as string) ?? '').trim();
    busy = true;
    const res = await call(api.PATCH('/members/{id}', { params: { path: { id: member.id } }, body: reason ? { role, reason } : { role } }));
    finish('role', res, `Role changed to ${ROLE_TEXT[role].toLowerCase()}.`, { role: 'role', reason: 'role-reason' });
  };

  const onWarn = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    warnValues = formValues(event.currentTarget as HTMLFormElement);
    const found = checkWarning(warnValues);
    if (found.length) {
      errorsIn = 'warn';
      errors = fieldErrorsToFormErrors(found, WARN_IDS);
      message = null;
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    const category = warnValues.category ?? '';
    const body = { message: (warnValues.message ?? '').trim(), reason: combineReason(warnValues.preset ?? '', warnValues.reason_text ?? ''), ...(category ? { category } : {}) };
    busy = true;
    const res = await call(api.POST('/members/{id}/warn', { params: { path: { id: member.id } }, body }));
    busy = false;
    if (!ctx.isCurrent()) return;
    if (!res.ok) {
      errors = problemToFormErrors(res.problem, WARN_IDS);
      errorsIn = 'warn';
      message = null;
      rerender();
      ctx.focusErrorSummary();
      return;
    }
    warnValues = {};
    errors = NO_ERRORS;
    message = `Your warning has been sent to ${member.display_name}.`;
    rerender();
  };

  const onSuspend = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const until = ((data.get('until') as string) ?? '').trim();
    const reason = ((data.get('reason') as string) ?? '').trim();
    const ids = { until: 'until', reason: 'suspend-reason' };
    const problems: Record<string, string> = {};
    const end = until ? new Date(`${until}T23:59:59`) : null;
    if (!until) problems.until = 'Enter the last day of the suspension';
    else if (!end || Number.isNaN(end.getTime())) problems.until = 'Enter a real date';
    else if (end.getTime() <= Date.now()) problems.until = 'The last day of the suspension must be today or in the future';
    if (!reason) problems.reason = 'Enter a reason for the suspension';
    if (Object.keys(problems).length || !end) {
      fail('suspend', problems, ids);
      return;
    }
    busy = true;
    const res = await call(api.POST('/members/{id}/suspend', { params: { path: { id: member.id } }, body: { until: end.toISOString(), reason } }));
    finish('suspend', res, `${member.display_name} is suspended until ${formatDateTime(end.toISOString())}.`, ids);
  };

  const onUnsuspend = async (event: Event) => {
    event.preventDefault();
    const reason = ((new FormData(event.currentTarget as HTMLFormElement).get('reason') as string) ?? '').trim();
    busy = true;
    const res = await call(api.POST('/members/{id}/unsuspend', { params: { path: { id: member.id } }, body: reason ? { reason } : {} }));
    finish('unsuspend', res, 'The suspension has been lifted.', { reason: 'unsuspend-reason' });
  };

  rerender();
}
