/** A created app on a mock backend with a hand-driven clock, for view tests. */
import type { App, Ticker } from "../app";
import { createApp } from "../app";
import type { Backend } from "../ipc/backend";
import type { Every } from "../ui/schedule";
import type { MockBackend } from "./mockBackend";
import { mockBackend } from "./mockBackend";

export interface AppHarness {
  app: App;
  backend: MockBackend & Backend;
  root: HTMLElement;
  /** Moves the clock on and runs the timer's ticks. */
  advance(ms: number): void;
}

/** Builds the app in a fresh document; `prepare` scripts the backend before start. */
export async function startApp(prepare: (backend: MockBackend & Backend) => void = () => {}): Promise<AppHarness> {
  let now = 1_700_000_000_000;
  let ticks: Array<() => void> = [];
  const ticker: Ticker = (fn) => {
    ticks.push(fn);
    return () => {
      ticks = ticks.filter((f) => f !== fn);
    };
  };
  const every: Every = () => () => {};
  document.body.textContent = "";
  const root = document.createElement("div");
  root.id = "app";
  root.className = "app";
  document.body.appendChild(root);
  const backend = mockBackend();
  prepare(backend);
  const app = createApp(root, backend, { clock: () => now, ticker, every, after: () => () => {}, storage: null });
  await app.start();
  return {
    app,
    backend,
    root,
    advance(ms: number): void {
      now += ms;
      for (const fn of ticks) fn();
    },
  };
}

export function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`${selector} not found`);
  return found;
}
