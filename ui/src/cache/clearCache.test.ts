import { beforeEach, describe, expect, it, vi } from "vitest";
import { deferred, flush } from "../test/fixtures";
import type { After } from "../ui/schedule";
import type { ClearCacheElements } from "./clearCache";
import { CLEARED_TEXT, ClearCacheControl, STATUS_MS } from "./clearCache";

let els: ClearCacheElements;
let clear: ReturnType<typeof vi.fn<() => Promise<void>>>;
let onCleared: ReturnType<typeof vi.fn<() => void>>;
let onError: ReturnType<typeof vi.fn<(error: unknown) => void>>;
let timers: Array<{ fn: () => void; ms: number; cancelled: boolean }>;
let control: ClearCacheControl;

const after: After = (fn, ms) => {
  const timer = { fn, ms, cancelled: false };
  timers.push(timer);
  return () => {
    timer.cancelled = true;
  };
};

beforeEach(() => {
  document.body.textContent = "";
  const button = (text: string) => {
    const b = document.createElement("button");
    b.textContent = text;
    return b;
  };
  els = {
    button: button("Clear cache"),
    prompt: document.createElement("span"),
    confirm: button("Yes"),
    cancel: button("No"),
    status: document.createElement("span"),
  };
  els.prompt.append(els.confirm, els.cancel);
  document.body.append(els.button, els.prompt, els.status);
  clear = vi.fn<() => Promise<void>>().mockResolvedValue(undefined);
  onCleared = vi.fn<() => void>();
  onError = vi.fn<(error: unknown) => void>();
  timers = [];
  control = new ClearCacheControl(els, { clear, onCleared, onError, after });
});

describe("ClearCacheControl", () => {
  it("starts as the button alone", () => {
    expect(els.button.hidden).toBe(false);
    expect(els.prompt.hidden).toBe(true);
    expect(els.status.hidden).toBe(true);
  });

  it("asks first, and No goes back without clearing", () => {
    els.button.click();
    expect(els.button.hidden).toBe(true);
    expect(els.prompt.hidden).toBe(false);
    expect(document.activeElement).toBe(els.cancel);
    els.cancel.click();
    expect(els.prompt.hidden).toBe(true);
    expect(els.button.hidden).toBe(false);
    expect(document.activeElement).toBe(els.button);
    expect(clear).not.toHaveBeenCalled();
  });

  it("Escape cancels the question", () => {
    els.button.click();
    els.cancel.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(els.prompt.hidden).toBe(true);
    expect(clear).not.toHaveBeenCalled();
  });

  it("Yes clears, shows a brief status and reports success", async () => {
    const pending = deferred<void>();
    clear.mockReturnValue(pending.promise);
    els.button.click();
    els.confirm.click();
    expect(clear).toHaveBeenCalledTimes(1);
    expect(els.confirm.disabled).toBe(true);
    expect(els.cancel.disabled).toBe(true);
    expect(els.confirm.textContent).toBe("Clearing…");
    els.confirm.click();
    expect(clear).toHaveBeenCalledTimes(1);
    pending.resolve();
    await flush();
    expect(els.prompt.hidden).toBe(true);
    expect(els.button.hidden).toBe(false);
    expect(els.confirm.disabled).toBe(false);
    expect(els.status.hidden).toBe(false);
    expect(els.status.textContent).toBe(CLEARED_TEXT());
    expect(onCleared).toHaveBeenCalledTimes(1);
    expect(onError).not.toHaveBeenCalled();
    const live = timers.filter((t) => !t.cancelled);
    expect(live).toHaveLength(1);
    expect(live[0]!.ms).toBe(STATUS_MS);
    live[0]!.fn();
    expect(els.status.hidden).toBe(true);
  });

  it("reports a failure and goes back to the button", async () => {
    clear.mockRejectedValue({ code: "Internal", message: "disk full" });
    els.button.click();
    els.confirm.click();
    await flush();
    expect(onError).toHaveBeenCalledWith({ code: "Internal", message: "disk full" });
    expect(onCleared).not.toHaveBeenCalled();
    expect(els.status.hidden).toBe(true);
    expect(els.button.hidden).toBe(false);
    expect(els.prompt.hidden).toBe(true);
  });

  it("reset() closes the question and hides the status", () => {
    els.button.click();
    control.reset();
    expect(els.prompt.hidden).toBe(true);
    expect(els.button.hidden).toBe(false);
  });
});
