// Search-as-you-type on a text input, as the ARIA 1.2 combobox pattern with a list popup:
// the input keeps focus, arrow keys move through the suggestions (aria-activedescendant), Enter
// takes the one chosen, Escape closes the list (or, when it is closed, clears the input), and a
// polite status says how many suggestions there are.
//
// Written here rather than taken from accessible-autocomplete: that package renders its own
// input and wrapper in place of the one given, which would break the NHS.UK header's search
// form (its input, wrapper and button are styled as one), and brings Preact with it.
import { html, nothing, render } from 'lit-html';
import { debounce } from '../debounce';

export type KeyOutcome<T> =
  | { kind: 'none' }
  /** The key was the combobox's: the caller stops its default action. */
  | { kind: 'handled' }
  | { kind: 'choose'; option: T }
  | { kind: 'clear' };

/** The combobox's state, free of the DOM: which suggestions there are, open or not, which is active. */
export class ComboboxModel<T> {
  options: T[] = [];
  open = false;
  /** Index of the suggestion the arrow keys are on; -1 while the input itself is. */
  active = -1;

  setOptions(options: T[]): void {
    this.options = options;
    this.open = options.length > 0;
    this.active = -1;
  }

  close(): void {
    this.open = false;
    this.active = -1;
  }

  activeOption(): T | null {
    return this.open && this.active >= 0 ? (this.options[this.active] ?? null) : null;
  }

  key(key: string, altKey = false): KeyOutcome<T> {
    const n = this.options.length;
    switch (key) {
      case 'ArrowDown':
        if (n === 0) return { kind: 'none' };
        if (!this.open) {
          this.open = true;
          // Alt+Down opens without moving into the list, as the pattern says.
          this.active = altKey ? -1 : 0;
        } else {
          this.active = this.active + 1 >= n ? 0 : this.active + 1;
        }
        return { kind: 'handled' };
      case 'ArrowUp':
        if (n === 0) return { kind: 'none' };
        if (!this.open) {
          this.open = true;
          this.active = n - 1;
        } else {
          this.active = this.active <= 0 ? n - 1 : this.active - 1;
        }
        return { kind: 'handled' };
      case 'Enter': {
        const option = this.activeOption();
        if (!option) {
          this.close();
          return { kind: 'none' };
        }
        this.close();
        return { kind: 'choose', option };
      }
      case 'Escape':
        if (this.open) {
          this.close();
          return { kind: 'handled' };
        }
        return { kind: 'clear' };
      case 'Tab':
        this.close();
        return { kind: 'none' };
      default:
        return { kind: 'none' };
    }
  }
}

export function suggestionStatusText(count: number, open: boolean): string {
  if (!open || count === 0) return '';
  return count === 1
    ? '1 suggestion. Use the up and down arrow keys to choose it.'
    : `${count} suggestions. Use the up and down arrow keys to choose one.`;
}

export interface ComboboxOptions<T> {
  /** The suggestions for a query; the input's text is trimmed and at least `minLength` long. */
  fetch(query: string): Promise<T[]>;
  choose(option: T): void;
  text(option: T): string;
  /** Id prefix for the list and its options. */
  id: string;
  label: string;
  minLength?: number;
  delayMs?: number;
}

export interface Combobox {
  close(): void;
  destroy(): void;
}

/**
 * Makes `input` a combobox; the list and the status are added after it, inside `container`
 * (which should be positioned, so the list can sit under the input).
 */
export function attachCombobox<T>(input: HTMLInputElement, container: HTMLElement, opts: ComboboxOptions<T>): Combobox {
  const model = new ComboboxModel<T>();
  const minLength = opts.minLength ?? 2;
  const listId = `${opts.id}-listbox`;
  const optionId = (i: number) => `${opts.id}-option-${i}`;
  const host = document.createElement('div');
  host.className = 'app-combobox';
  container.append(host);
  let asked = 0;
  let status = '';

  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', listId);
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('autocomplete', 'off');

  const draw = () => {
    const open = model.open && model.options.length > 0;
    input.setAttribute('aria-expanded', String(open));
    if (model.active >= 0 && open) input.setAttribute('aria-activedescendant', optionId(model.active));
    else input.removeAttribute('aria-activedescendant');
    render(
      html`<ul class="app-combobox__list" id=${listId} role="listbox" aria-label=${opts.label} ?hidden=${!open}>
          ${open
            ? model.options.map(
                (o, i) => html`<li
                  class="app-combobox__option${i === model.active ? ' app-combobox__option--active' : ''}"
                  id=${optionId(i)}
                  role="option"
                  aria-selected=${i === model.active ? 'true' : 'false'}
                  @mousedown=${(e: Event) => e.preventDefault()}
                  @click=${() => pick(o)}
                >
                  ${opts.text(o)}
                </li>`,
              )
            : nothing}
        </ul>
        <div class="nhsuk-u-visually-hidden" role="status" aria-live="polite" aria-atomic="true">${status}</div>`,
      host,
    );
    if (open && model.active >= 0) document.getElementById(optionId(model.active))?.scrollIntoView?.({ block: 'nearest' });
  };

  const pick = (option: T) => {
    model.close();
    status = '';
    draw();
    opts.choose(option);
  };

  const lookup = debounce(async (query: string) => {
    const n = ++asked;
    let found: T[] = [];
    try {
      found = await opts.fetch(query);
    } catch {
      found = [];
    }
    // An answer for text that has since changed (or an input that lost focus) is dropped.
    if (n !== asked || input.value.trim() !== query || document.activeElement !== input) return;
    model.setOptions(found);
    status = suggestionStatusText(found.length, model.open) || (found.length === 0 ? 'No suggestions.' : '');
    draw();
  }, opts.delayMs ?? 200);

  const onInput = () => {
    const query = input.value.trim();
    if (query.length < minLength) {
      lookup.cancel();
      asked++;
      model.setOptions([]);
      status = '';
      draw();
      return;
    }
    lookup(query);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.isComposing) return;
    const outcome = model.key(event.key, event.altKey);
    if (outcome.kind === 'handled') {
      event.preventDefault();
      status = suggestionStatusText(model.options.length, model.open);
    } else if (outcome.kind === 'choose') {
      event.preventDefault();
      pick(outcome.option);
      return;
    } else if (outcome.kind === 'clear') {
      if (input.value) {
        event.preventDefault();
        input.value = '';
        onInput();
      }
    }
    if (event.key === 'Enter') lookup.cancel();
    draw();
  };

  const onBlur = () => {
    lookup.cancel();
    model.close();
    status = '';
    draw();
  };

  input.addEventListener('input', onInput);
  input.addEventListener('keydown', onKeyDown);
  input.addEventListener('blur', onBlur);
  draw();

  return {
    close: onBlur,
    destroy() {
      lookup.cancel();
      input.removeEventListener('input', onInput);
      input.removeEventListener('keydown', onKeyDown);
      input.removeEventListener('blur', onBlur);
      host.remove();
    },
  };
}
