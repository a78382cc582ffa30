import { describe, expect, it } from 'vitest';
import { select, shallowEqual } from '../../src/core/index.js';
import { createStore } from '../../src/core/store.js';

describe('the store contract', () => {
  it('starts work with the first subscriber and stops it with the last', async () => {
    const events: string[] = [];
    const store = createStore(0, { onStart: () => events.push('start'), onStop: () => events.push('stop') });
    const a = store.subscribe(() => events.push('a'));
    const b = store.subscribe(() => events.push('b'));
    store.set(1);
    a();
    a(); // a second call is a no-op, not a second stop
    b();
    store.set(2);
    await Promise.resolve();
    expect(events).toEqual(['start', 'a', 'b', 'stop']);
    expect(store.getSnapshot()).toBe(2);
  });

  it('does not restart the work for an unsubscribe and subscribe in one task (StrictMode effects)', async () => {
    const events: string[] = [];
    const store = createStore(0, { onStart: () => events.push('start'), onStop: () => events.push('stop') });
    store.subscribe(() => undefined)();
    const last = store.subscribe(() => undefined);
    await Promise.resolve();
    expect(events).toEqual(['start']);
    last();
    await Promise.resolve();
    expect(events).toEqual(['start', 'stop']);
  });

  it('notifies only when the value changes (Object.is)', () => {
    const store = createStore({ n: 1 });
    let calls = 0;
    store.subscribe(() => calls++);
    store.set((state) => state);
    store.set({ n: 1 });
    expect(calls).toBe(1);
  });
});

describe('select', () => {
  it('keeps the previous selection while isEqual says it did not change', () => {
    const store = createStore({ percentage: 10.2, eta: 5 });
    const selected = select(store, (s) => ({ whole: Math.floor(s.percentage) }), shallowEqual);
    const first = selected.getSnapshot();
    let calls = 0;
    selected.subscribe(() => calls++);
    store.set({ percentage: 10.7, eta: 4 });
    expect(selected.getSnapshot()).toBe(first);
    store.set({ percentage: 11.1, eta: 3 });
    expect(selected.getSnapshot()).toEqual({ whole: 11 });
    expect(calls).toBe(1);
  });

  it('returns the same reference for the same source, even with a selector that builds objects', () => {
    const store = createStore({ a: 1 });
    const selected = select(store, (s) => ({ ...s }));
    expect(selected.getSnapshot()).toBe(selected.getSnapshot());
  });

  it('holds the source only while it is subscribed', async () => {
    const events: string[] = [];
    const store = createStore(0, { onStart: () => events.push('start'), onStop: () => events.push('stop') });
    const selected = select(store, (n) => n > 5);
    selected.getSnapshot();
    expect(events).toEqual([]);
    selected.subscribe(() => undefined)();
    await Promise.resolve();
    expect(events).toEqual(['start', 'stop']);
  });
});

describe('shallowEqual', () => {
  it('compares one level deep', () => {
    expect(shallowEqual({ a: 1, b: 'x' }, { a: 1, b: 'x' })).toBe(true);
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(shallowEqual({ a: {} }, { a: {} })).toBe(false);
    expect(shallowEqual([1, 2], [1, 2])).toBe(true);
    expect(shallowEqual([1], { 0: 1 })).toBe(false);
    expect(shallowEqual(NaN, NaN)).toBe(true);
    expect(shallowEqual<unknown>(null, {})).toBe(false);
  });
});
