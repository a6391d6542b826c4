import { render } from 'lit-html';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../src/api/client';
import { email, errorSummary, fieldErrorsToFormErrors, hasErrors, minLength, NO_ERRORS, problemToFormErrors, required, validate } from '../src/forms';
import { REGISTER_RULES } from '../src/pages/register';

const ids = { email: 'email', display_name: 'display-name', approved_domains: 'approved-domains' };

describe('problem+json to the error summary', () => {
  it('links each 422 field error to its control and keeps the message inline', () => {
    const problem: Problem = {
      type: 'https://partners.example/problems/validation',
      title: 'Invalid input',
      status: 422,
      detail: 'Some fields need attention',
      errors: [
        { field: 'email', message: 'Enter an e-mail address' },
        { field: 'display_name', message: 'Enter a name' },
      ],
    };
    const e = problemToFormErrors(problem, ids);
    expect(e.title).toBe('There is a problem');
    expect(e.items).toEqual([
      { text: 'Enter an e-mail address', href: '#email' },
      { text: 'Enter a name', href: '#display-name' },
    ]);
    expect(e.fields).toEqual({ email: 'Enter an e-mail address', display_name: 'Enter a name' });
    expect(e.detail).toBeUndefined();
  });

  it('lists errors for fields the form does not show without a link', () => {
    const e = fieldErrorsToFormErrors([{ field: 'region', message: 'Choose a region' }], ids);
    expect(e.items).toEqual([{ text: 'Choose a region' }]);
    expect(e.fields).toEqual({});
  });

  it('maps indexed field names to the control for the first segment', () => {
    const e = fieldErrorsToFormErrors([{ field: 'approved_domains[1]', message: 'Not a domain: x y' }], ids);
    expect(e.items).toEqual([{ text: 'Not a domain: x y', href: '#approved-domains' }]);
    expect(e.fields.approved_domains).toBe('Not a domain: x y');
  });

  it('keeps only the first message per field inline', () => {
    const e = fieldErrorsToFormErrors(
      [
        { field: 'email', message: 'first' },
        { field: 'email', message: 'second' },
      ],
      ids,
    );
    expect(e.fields.email).toBe('first');
    expect(e.items).toHaveLength(1);
  });

  it('shows title and detail for problems without field errors', () => {
    const e = problemToFormErrors({ type: 'x', title: 'Wrong email or password', status: 401, detail: 'Check them and try again' }, ids);
    expect(e).toEqual({ title: 'Wrong email or password', detail: 'Check them and try again', items: [], fields: {} });
    expect(hasErrors(e)).toBe(true);
  });

  it('keeps a 409 detail next to its field error', () => {
    const e = problemToFormErrors(
      { type: 'x', title: 'Conflict', status: 409, detail: 'That address is already registered', errors: [{ field: 'email', message: 'Already registered' }] },
      ids,
    );
    expect(e.detail).toBe('That address is already registered');
    expect(e.items[0].href).toBe('#email');
  });

  it('renders the NHS.UK error summary with links, or nothing', () => {
    const host = document.createElement('div');
    render(errorSummary(NO_ERRORS), host);
    expect(host.querySelector('.nhsuk-error-summary')).toBeNull();
    render(errorSummary(fieldErrorsToFormErrors([{ field: 'email', message: 'Enter an <b>e-mail</b>' }], ids)), host);
    const summary = host.querySelector('.nhsuk-error-summary');
    expect(summary?.getAttribute('data-module')).toBe('nhsuk-error-summary');
    expect(summary?.querySelector('[role="alert"] h2')?.textContent).toBe('There is a problem');
    const link = summary?.querySelector('a');
    expect(link?.getAttribute('href')).toBe('#email');
    // Messages are text, never markup.
    expect(link?.textContent).toBe('Enter an <b>e-mail</b>');
    expect(link?.querySelector('b')).toBeNull();
  });
});

describe('form checks', () => {
  it('reports the first failing rule per field', () => {
    const errors = validate(
      { email: 'not-an-address', password: '', display_name: 'Sam', organisation: ' ', job_role: 'AMHP', region: 'london' },
      REGISTER_RULES,
    );
    expect(errors.map((e) => e.field)).toEqual(['email', 'password', 'organisation']);
    expect(errors[0].message).toMatch(/correct format/);
  });

  it('accepts a complete registration', () => {
    const errors = validate(
      { email: 'sam@example.org', password: 'long enough password', display_name: 'Sam', organisation: 'Trust', job_role: 'AMHP', region: 'london' },
      REGISTER_RULES,
    );
    expect(errors).toEqual([]);
  });

  it('treats a missing value as empty', () => {
    expect(validate({}, { region: [required('Select a region')] })).toEqual([{ field: 'region', message: 'Select a region' }]);
  });

  it('has email and length rules that pass empty values to required', () => {
    expect(email()('')).toBeNull();
    expect(email()('a@b.co')).toBeNull();
    expect(email()('a@b')).not.toBeNull();
    expect(minLength(3, 'short')('ab')).toBe('short');
    expect(minLength(3, 'short')('')).toBeNull();
  });
});
