/** Timers behind small interfaces, so tests can drive them by hand. */

/** Runs `fn` every `ms` milliseconds; returns a function that stops it. */
export type Every = (fn: () => void, ms: number) => () => void;

/** Runs `fn` once after `ms` milliseconds; returns a function that cancels it. */
export type After = (fn: () => void, ms: number) => () => void;

export const every: Every = (fn, ms) => {
  const handle = window.setInterval(fn, ms);
  return () => window.clearInterval(handle);
};

export const after: After = (fn, ms) => {
  const handle = window.setTimeout(fn, ms);
  return () => window.clearTimeout(handle);
};
