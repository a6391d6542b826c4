// One way to submit a form: check it, send it, and on failure show the error summary
// (focused) and the inline messages.
import type { Result } from './api/client';
import { NO_ERRORS, fieldErrorsToFormErrors, formValues, problemToFormErrors, validate, type FormErrors, type Rule } from './forms';
import type { PageContext } from './routes';

export interface FormState {
  values: Record<string, string>;
  errors: FormErrors;
  busy: boolean;
}

export function newFormState(values: Record<string, string> = {}): FormState {
  return { values, errors: NO_ERRORS, busy: false };
}

export interface SubmitOptions<T> {
  fieldIds: Record<string, string>;
  rules?: Record<string, Rule[]>;
  send: (values: Record<string, string>) => Promise<Result<T>>;
  onSuccess: (data: T, values: Record<string, string>) => void | Promise<void>;
  rerender: () => void;
}

export async function submitForm<T>(event: Event, ctx: PageContext, state: FormState, opts: SubmitOptions<T>): Promise<void> {
  event.preventDefault();
  if (state.busy) return;
  const form = event.currentTarget as HTMLFormElement;
  state.values = { ...state.values, ...formValues(form) };
  const fieldErrors = opts.rules ? validate(state.values, opts.rules) : [];
  if (fieldErrors.length > 0) {
    state.errors = fieldErrorsToFormErrors(fieldErrors, opts.fieldIds);
    opts.rerender();
    ctx.focusErrorSummary();
    return;
  }
  state.busy = true;
  state.errors = NO_ERRORS;
  opts.rerender();
  const res = await opts.send(state.values);
  state.busy = false;
  if (!ctx.isCurrent()) return;
  if (res.ok) {
    await opts.onSuccess(res.data, state.values);
    return;
  }
  state.errors = problemToFormErrors(res.problem, opts.fieldIds);
  opts.rerender();
  ctx.focusErrorSummary();
}
