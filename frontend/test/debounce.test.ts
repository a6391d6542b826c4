import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce } from '../src/debounce';

describe('debounce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once after a pause, with the latest arguments', () => {
    const fn = vi.fn();
    const d = debounce(fn, 300);
    d('a');
    vi.advanceTimersByTime(200);
    d('ab');
    vi.advanceTimersByTime(200);
    expect(fn).not.toHaveBeenCalled();
    expect(d.pending()).toBe(true);
    vi.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith('ab');
    expect(d.pending()).toBe(false);
  });

  it('flushes a waiting call at once and cancels one', () => {
    const fn = vi.fn();
    const d = debounce(fn, 300);
    d('x');
    d.flush();
    expect(fn).toHaveBeenCalledWith('x');
    d.flush();
    expect(fn).toHaveBeenCalledTimes(1);
    d('y');
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
