import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { App, Ticker } from "./app";
import { createApp } from "./app";
import type { CallerUpdate } from "./ipc/bindings/CallerUpdate";
import type { LookupResult } from "./ipc/bindings/LookupResult";
import type { RecentCall } from "./ipc/bindings/RecentCall";
import { account, contact, deferred, flush, lead, lookupResult, recentCall, signedIn, signedOut } from "./test/fixtures";
import type { MockBackend } from "./test/mockBackend";
import { mockBackend } from "./test/mockBackend";
import type { Backend } from "./ipc/backend";
import type { After, Every } from "./ui/schedule";

let now: number;
let ticks: Array<() => void>;
let backend: MockBackend & Backend;
let app: App;
let root: HTMLElement;
let repeats: Array<{ fn: () => void; ms: number; stopped: boolean }>;
let timeouts: Array<{ fn: () => void; ms: number; cancelled: boolean }>;

const every: Every = (fn, ms) => {
  const entry = { fn, ms, stopped: false };
  repeats.push(entry);
  return () => {
    entry.stopped = true;
  };
};
const after: After = (fn, ms) => {
  const entry = { fn, ms, cancelled: false };
  timeouts.push(entry);
  return () => {
    entry.cancelled = true;
  };
};
const MIN = 60_000;
const ago = (ms: number): string => new Date(now - ms).toISOString();

const ticker: Ticker = (fn) => {
  ticks.push(fn);
  return () => {
    ticks = ticks.filter((f) => f !== fn);
  };
};
const advance = (ms: number) => {
  now += ms;
  for (const fn of ticks) fn();
  for (const r of repeats) if (!r.stopped) r.fn();
};

function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`${selector} not found`);
  return found;
}

function $$(selector: string): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>(selector));
}

function submit(form: string): void {
  $(form).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
}

async function lookUp(number: string): Promise<void> {
  $<HTMLInputElement>("#number-input").value = number;
  submit("#lookup-form");
  await flush();
}

beforeEach(async () => {
  now = 1_700_000_000_000;
  ticks = [];
  repeats = [];
  timeouts = [];
  document.body.textContent = "";
  root = document.createElement("div");
  root.id = "app";
  document.body.appendChild(root);
  backend = mockBackend();
  app = createApp(root, backend, { clock: () => now, ticker, every, after });
  await app.start();
});

afterEach(() => app.dispose());

describe("layout", () => {
  it("has every control the end-to-end test uses, labelled", () => {
    for (const id of [
      "session-status",
      "signin-button",
      "signout-button",
      "error-banner",
      "lookup-form",
      "number-input",
      "direction-select",
      "lookup-button",
      "caller-panel",
      "timer",
      "timer-toggle",
      "log-call-form",
      "subject-input",
      "notes-input",
      "log-call-button",
      "log-call-result",
      "recent-calls",
      "app-footer",
      "clear-cache-button",
      "clear-cache-confirm",
      "clear-cache-cancel",
    ]) {
      expect(document.getElementById(id), id).not.toBeNull();
    }
    for (const id of ["number-input", "direction-select", "subject-input", "notes-input"]) {
      expect(document.querySelector(`label[for="${id}"]`), id).not.toBeNull();
    }
    expect($("label[for=number-input]").textContent).toBe("Phone, email, name or company");
    expect($("label[for=notes-input]").textContent).toBe("Notes");
    expect($<HTMLInputElement>("#number-input").type).toBe("text");
    expect($("#number-input").hasAttribute("autofocus")).toBe(true);
    expect(Array.from($<HTMLSelectElement>("#direction-select").options).map((o) => [o.value, o.text])).toEqual([
      ["inbound", "Inbound"],
      ["outbound", "Outbound"],
    ]);
    expect($("#lookup-button").textContent).toBe("Find caller");
    expect($("#error-banner").getAttribute("role")).toBe("alert");
    expect($("#error-banner").hidden).toBe(true);
    expect(root.querySelector("[style]")).toBeNull();
  });
});

describe("session header", () => {
  it("shows the signed-in user on start", () => {
    expect(backend.sessionStatus).toHaveBeenCalledTimes(1);
    expect($("#session-status").textContent).toBe("Signed in as Zoë O'Brien · acme.my.salesforce.com");
    expect($("#signout-button").hidden).toBe(false);
    expect($("#signin-button").hidden).toBe(true);
  });
});

describe("lookup", () => {
  it("pops the caller and starts the timer", async () => {
    await lookUp("  (415) 555-0100 ");
    expect(backend.lookupCaller).toHaveBeenCalledWith("(415) 555-0100", "inbound");
    expect($("#caller-panel").hidden).toBe(false);
    expect($("#lookup-source").textContent).toBe("Live from Salesforce");
    expect($(".match.selected").dataset.id).toBe("003000000000001");
    expect(app.timer.running).toBe(true);
    expect($("#timer-toggle").textContent).toBe("End call");
    advance(65_000);
    expect($("#timer").textContent).toBe("01:05");
    advance(3600_000);
    expect($("#timer").textContent).toBe("1:01:05");
  });

  it("shows a busy state while looking up", async () => {
    const pending = deferred<LookupResult>();
    backend.lookupCaller.mockReturnValue(pending.promise);
    await lookUp("+14155550100");
    const button = $<HTMLButtonElement>("#lookup-button");
    expect(button.disabled).toBe(true);
    expect(button.textContent).toBe("Finding…");
    expect($("#lookup-form").getAttribute("aria-busy")).toBe("true");
    pending.resolve(lookupResult([lead()]));
    await flush();
    expect(button.disabled).toBe(false);
    expect(button.textContent).toBe("Find caller");
  });

  it("ignores a stale answer when a newer lookup was started", async () => {
    const first = deferred<LookupResult>();
    backend.lookupCaller.mockReturnValueOnce(first.promise);
    await lookUp("111");
    await lookUp("222");
    first.resolve(lookupResult([account()], { number: "+111" }));
    await flush();
    expect($("#caller-number").textContent).toBe("+14155550100");
  });

  it("sends the chosen direction", async () => {
    const select = $<HTMLSelectElement>("#direction-select");
    select.value = "outbound";
    select.dispatchEvent(new Event("change"));
    await lookUp("+14155550100");
    expect(backend.lookupCaller).toHaveBeenCalledWith("+14155550100", "outbound");
  });

  it("does not restart a running timer", async () => {
    await lookUp("1");
    advance(10_000);
    await lookUp("2");
    expect($("#timer").textContent).toBe("00:10");
  });

  it("shows the no-match state", async () => {
    backend.lookupCaller.mockResolvedValue(lookupResult([], { source: "cache", fetchedAt: ago(3 * MIN) }));
    await lookUp("+14155550199");
    expect($("#no-match").textContent).toBe("No Salesforce record has this number.");
    expect($("#lookup-source").textContent).toBe("From cache · updated 3 min ago");
    expect($<HTMLButtonElement>("#log-call-button").disabled).toBe(true);
  });

  it("reports errors in the banner and re-checks the session on NotSignedIn", async () => {
    backend.lookupCaller.mockRejectedValue({ code: "NotSignedIn", message: "Sign in to Salesforce first." });
    backend.sessionStatus.mockResolvedValue(signedOut);
    await lookUp("+14155550100");
    await flush();
    expect($("#error-banner").hidden).toBe(false);
    expect($("#error-banner").textContent).toContain("Sign in to Salesforce first.");
    expect($("#caller-panel").hidden).toBe(true);
    expect(app.timer.running).toBe(false);
    expect(backend.sessionStatus).toHaveBeenCalledTimes(2);
    expect($("#session-status").textContent).toBe("Not signed in");
    expect($("#signin-button").hidden).toBe(false);
  });

  it("refuses an empty number without calling the backend", async () => {
    await lookUp("   ");
    expect(backend.lookupCaller).not.toHaveBeenCalled();
    expect($("#error-banner").hidden).toBe(false);
  });
});

describe("error banner", () => {
  beforeEach(async () => {
    backend.lookupCaller.mockRejectedValue({ code: "Offline", message: "No connection" });
    await lookUp("1");
  });

  it("is dismissed by its button", () => {
    $("#error-dismiss").click();
    expect($("#error-banner").hidden).toBe(true);
  });

  it("is dismissed by Escape", () => {
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect($("#error-banner").hidden).toBe(true);
  });
});

describe("timer toggle", () => {
  it("starts and ends a call by hand", () => {
    expect($("#timer").textContent).toBe("00:00");
    expect($("#timer-toggle").textContent).toBe("Start call");
    $("#timer-toggle").click();
    advance(3000);
    expect($("#timer").textContent).toBe("00:03");
    $("#timer-toggle").click();
    expect($("#timer-toggle").textContent).toBe("Start call");
    advance(3000);
    expect($("#timer").textContent).toBe("00:03");
    expect(ticks).toHaveLength(0);
  });
});

describe("log call", () => {
  it("is disabled until a person is selected", () => {
    expect($<HTMLButtonElement>("#log-call-button").disabled).toBe(true);
  });

  it("logs a Contact call with its account, stopping the timer", async () => {
    await lookUp("+14155550100");
    advance(125_000);
    $<HTMLTextAreaElement>("#notes-input").value = "Wants pricing for 500 seats.";
    submit("#log-call-form");
    await flush();
    expect(backend.logCall).toHaveBeenCalledWith({
      whoId: "003000000000001",
      whatId: "001000000000001",
      durationSeconds: 125,
      direction: "inbound",
      notes: "Wants pricing for 500 seats.",
      subject: null,
    });
    expect(app.timer.running).toBe(false);
    expect($("#timer").textContent).toBe("02:05");
    expect($("#log-call-result").hidden).toBe(false);
    expect($("#log-call-result").textContent).toBe("Call logged · Task 00T000000000001");
    expect($<HTMLTextAreaElement>("#notes-input").value).toBe("");
  });

  it("follows the selection: a Lead gets no WhatId; direction and subject are sent", async () => {
    backend.lookupCaller.mockResolvedValue(lookupResult([contact(), lead()]));
    await lookUp("+14155550100");
    $(".match[data-type=Lead]").click();
    const select = $<HTMLSelectElement>("#direction-select");
    select.value = "outbound";
    select.dispatchEvent(new Event("change"));
    expect($<HTMLInputElement>("#subject-input").placeholder).toBe("Outbound call");
    $<HTMLInputElement>("#subject-input").value = "Follow-up";
    submit("#log-call-form");
    await flush();
    expect(backend.logCall).toHaveBeenCalledWith(
      expect.objectContaining({ whoId: "00Q000000000001", whatId: null, direction: "outbound", subject: "Follow-up" }),
    );
  });

  it("asks to pick a person when an Account is selected", async () => {
    backend.lookupCaller.mockResolvedValue(lookupResult([account(), contact()]));
    await lookUp("+14155550100");
    expect($<HTMLButtonElement>("#log-call-button").disabled).toBe(true);
    expect($("#log-call-hint").textContent).toBe("Pick a person to log the call");
    submit("#log-call-form");
    await flush();
    expect(backend.logCall).not.toHaveBeenCalled();
    $(".match[data-type=Contact]").click();
    expect($<HTMLButtonElement>("#log-call-button").disabled).toBe(false);
  });

  it("disables logging when the only match is an Account", async () => {
    backend.lookupCaller.mockResolvedValue(lookupResult([account()]));
    await lookUp("+14155550100");
    expect($<HTMLButtonElement>("#log-call-button").disabled).toBe(true);
    expect($("#log-call-hint").textContent).toBe("Pick a person to log the call");
  });

  it("logs with Ctrl+Enter in the notes", async () => {
    await lookUp("+14155550100");
    const notes = $<HTMLTextAreaElement>("#notes-input");
    notes.value = "Quick one";
    notes.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true }));
    await flush();
    expect(backend.logCall).toHaveBeenCalledTimes(1);
  });

  it("reports a queued call and clears the notes", async () => {
    backend.logCall.mockResolvedValue({ actionId: "a", status: "pending", taskId: null, message: null });
    await lookUp("+14155550100");
    $<HTMLTextAreaElement>("#notes-input").value = "offline notes";
    submit("#log-call-form");
    await flush();
    expect($("#log-call-result").textContent).toBe("Queued, will be sent when Salesforce is reachable");
    expect($<HTMLTextAreaElement>("#notes-input").value).toBe("");
  });

  it("keeps the notes when Salesforce refuses the task", async () => {
    backend.logCall.mockResolvedValue({ actionId: "a", status: "failed", taskId: null, message: "INVALID_CROSS_REFERENCE_KEY" });
    await lookUp("+14155550100");
    $<HTMLTextAreaElement>("#notes-input").value = "keep me";
    submit("#log-call-form");
    await flush();
    expect($("#log-call-result").textContent).toBe("INVALID_CROSS_REFERENCE_KEY");
    expect($("#log-call-result").classList.contains("result-failure")).toBe(true);
    expect($<HTMLTextAreaElement>("#notes-input").value).toBe("keep me");
  });

  it("shows a thrown error in the banner and keeps the notes", async () => {
    backend.logCall.mockRejectedValue({ code: "InvalidInput", message: "Notes too long" });
    await lookUp("+14155550100");
    $<HTMLTextAreaElement>("#notes-input").value = "keep me";
    submit("#log-call-form");
    await flush();
    expect($("#error-banner").textContent).toContain("Notes too long");
    expect($<HTMLTextAreaElement>("#notes-input").value).toBe("keep me");
    expect($<HTMLButtonElement>("#log-call-button").disabled).toBe(false);
  });

  it("does not double-log while a request is in flight", async () => {
    const pending = deferred<Awaited<ReturnType<Backend["logCall"]>>>();
    backend.logCall.mockReturnValue(pending.promise);
    await lookUp("+14155550100");
    submit("#log-call-form");
    submit("#log-call-form");
    expect($<HTMLButtonElement>("#log-call-button").disabled).toBe(true);
    expect($("#log-call-button").textContent).toBe("Logging…");
    expect(backend.logCall).toHaveBeenCalledTimes(1);
    pending.resolve({ actionId: "a", status: "sent", taskId: "00T", message: null });
    await flush();
    expect($("#log-call-button").textContent).toBe("Log call");
  });
});

describe("caller updates", () => {
  const update = (result: LookupResult | null, overrides: Partial<CallerUpdate> = {}): CallerUpdate => ({
    number: "+14155550100",
    result,
    error: null,
    ...overrides,
  });

  it("subscribes once, and unsubscribes on dispose", () => {
    expect(backend.onCallerUpdated).toHaveBeenCalledTimes(1);
    expect(backend.listenerCount).toBe(1);
    app.dispose();
    expect(backend.listenerCount).toBe(0);
  });

  it("re-renders the shown caller, keeping the selection, the focus and the notes", async () => {
    backend.lookupCaller.mockResolvedValue(
      lookupResult([contact({ opportunities: [], cases: [] }), lead()], { source: "cache", fetchedAt: ago(5 * MIN) }),
    );
    await lookUp("(415) 555-0100");
    $(".match[data-type=Lead]").click();
    const notes = $<HTMLTextAreaElement>("#notes-input");
    notes.focus();
    notes.value = "Half-typed note";
    backend.emitCallerUpdate(update(lookupResult([contact(), lead({ status: "Working" })])));
    expect($("#lookup-source").textContent).toBe("Live from Salesforce");
    expect($(".match.selected").dataset.id).toBe("00Q000000000001");
    expect($(".match[data-type=Lead]").textContent).toContain("Working");
    expect(document.activeElement).toBe(notes);
    expect(notes.value).toBe("Half-typed note");
    expect($("#log-call-hint").textContent).toBe("Logs to Seán O'Connor");
    expect(app.timer.running).toBe(true);
  });

  it("ignores updates for another number", async () => {
    await lookUp("+14155550100");
    backend.emitCallerUpdate(update(lookupResult([lead()], { number: "+14155550199" }), { number: "+14155550199" }));
    expect($("#caller-number").textContent).toBe("+14155550100");
    expect($$(".match").map((m) => m.dataset.id)).toEqual(["003000000000001"]);
  });

  it("applies an update that overtakes the answer it follows", async () => {
    const pending = deferred<LookupResult>();
    backend.lookupCaller.mockReturnValue(pending.promise);
    await lookUp("(415) 555-0100");
    backend.emitCallerUpdate(update(lookupResult([contact()])));
    pending.resolve(lookupResult([contact({ opportunities: [], cases: [] })]));
    await flush();
    expect(document.getElementById("related-loading")).toBeNull();
    expect($$("#opportunities tbody tr")).toHaveLength(1);
  });

  it("shows the related records loading, then fills them in", async () => {
    backend.lookupCaller.mockResolvedValue(
      lookupResult([contact({ opportunities: [], cases: [] })], { relatedLoaded: false }),
    );
    await lookUp("+14155550100");
    expect($("#related-loading").textContent).toBe("Loading opportunities, cases and activities…");
    backend.emitCallerUpdate(update(lookupResult([contact()])));
    expect(document.getElementById("related-loading")).toBeNull();
    expect($("#opportunities").textContent).toContain("Acme – 500 seats");
    expect($("#cases").textContent).toContain("00001026");
  });

  it("marks the panel offline and keeps the data when Salesforce can't be reached", async () => {
    backend.lookupCaller.mockResolvedValue(lookupResult([contact()], { source: "cache", fetchedAt: ago(3 * MIN) }));
    await lookUp("+14155550100");
    backend.emitCallerUpdate(update(null, { error: { code: "Offline", message: "Salesforce can't be reached" } }));
    expect($("#lookup-source").textContent).toBe("Offline · data from 3 min ago");
    expect($("#lookup-source").classList.contains("offline")).toBe(true);
    expect($("#opportunities").textContent).toContain("Acme – 500 seats");
    expect($("#error-banner").hidden).toBe(true);
    advance(MIN);
    expect($("#lookup-source").textContent).toBe("Offline · data from 4 min ago");
  });

  it("re-checks the session when an update says it expired", async () => {
    backend.lookupCaller.mockResolvedValue(lookupResult([contact()], { source: "cache" }));
    await lookUp("+14155550100");
    backend.emitCallerUpdate(update(null, { error: { code: "SessionExpired", message: "Expired" } }));
    await flush();
    expect(backend.sessionStatus).toHaveBeenCalledTimes(2);
  });
});

describe("remembered picks", () => {
  it("remembers a match other than the first when the rep selects it", async () => {
    backend.lookupCaller.mockResolvedValue(lookupResult([contact(), lead()]));
    await lookUp("(415) 555-0100");
    expect(backend.rememberPick).not.toHaveBeenCalled();
    $(".match[data-type=Lead]").click();
    expect(backend.rememberPick).toHaveBeenCalledWith("+14155550100", "00Q000000000001");
  });

  it("sends failures to the console only", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    backend.rememberPick.mockRejectedValue({ code: "Internal", message: "disk full" });
    backend.lookupCaller.mockResolvedValue(lookupResult([contact(), lead()]));
    await lookUp("+14155550100");
    $(".match[data-type=Lead]").click();
    await flush();
    expect(consoleError).toHaveBeenCalled();
    expect($("#error-banner").hidden).toBe(true);
    consoleError.mockRestore();
  });
});

describe("recent calls", () => {
  const calls: RecentCall[] = [
    recentCall({ name: "Dana Whitfield", number: "+17205550111", durationSeconds: 65 }),
    recentCall({ name: null, number: "+14155550199", direction: "outbound", durationSeconds: null }),
  ];

  async function restart(): Promise<void> {
    app.dispose();
    app = createApp(root, backend, { clock: () => now, ticker, every, after });
    await app.start();
  }

  it("shows the empty state when there are none", () => {
    expect(backend.recentCalls).toHaveBeenCalledTimes(1);
    expect($("#recent-calls").hidden).toBe(false);
    expect($("#recent-calls h2").textContent).toBe("Recent calls");
    expect($("#recent-calls").textContent).toContain("No calls yet.");
    expect(document.querySelectorAll(".recent-call")).toHaveLength(0);
  });

  it("loads them at start and renders each call", async () => {
    backend.recentCalls.mockResolvedValue(calls);
    await restart();
    const items = $$(".recent-call");
    expect(items.map((i) => i.dataset.number)).toEqual(["+17205550111", "+14155550199"]);
    expect(items[0]!.textContent).toContain("Dana Whitfield");
    expect(items[0]!.querySelector(".recent-duration")?.textContent).toBe("1:05");
    expect(items[1]!.textContent).toContain("Unknown caller");
    expect(items[1]!.textContent).toContain("Outbound");
    expect($("#recent-calls-empty").hidden).toBe(true);
  });

  it("is not loaded or shown when signed out, and loads on sign-in", async () => {
    backend.sessionStatus.mockResolvedValue(signedOut);
    backend.recentCalls.mockClear();
    await restart();
    expect(backend.recentCalls).not.toHaveBeenCalled();
    expect($("#recent-calls").hidden).toBe(true);
    expect($("#app-footer").hidden).toBe(true);
    backend.recentCalls.mockResolvedValue(calls);
    backend.signIn.mockResolvedValue(signedIn);
    $("#signin-button").click();
    await flush();
    expect(backend.recentCalls).toHaveBeenCalledTimes(1);
    expect($("#recent-calls").hidden).toBe(false);
    expect($("#app-footer").hidden).toBe(false);
    expect($$(".recent-call")).toHaveLength(2);
  });

  it("clears and hides on sign-out", async () => {
    backend.recentCalls.mockResolvedValue(calls);
    await restart();
    $("#signout-button").click();
    await flush();
    expect($("#recent-calls").hidden).toBe(true);
    expect($$(".recent-call")).toHaveLength(0);
    expect($("#app-footer").hidden).toBe(true);
  });

  it("is refreshed after each lookup and each logged call", async () => {
    expect(backend.recentCalls).toHaveBeenCalledTimes(1);
    backend.recentCalls.mockResolvedValue(calls);
    await lookUp("+14155550100");
    expect(backend.recentCalls).toHaveBeenCalledTimes(2);
    expect($$(".recent-call")).toHaveLength(2);
    submit("#log-call-form");
    await flush();
    expect(backend.logCall).toHaveBeenCalledTimes(1);
    expect(backend.recentCalls).toHaveBeenCalledTimes(3);
  });

  it("pops a call when clicked, the same way as the form", async () => {
    backend.recentCalls.mockResolvedValue(calls);
    await restart();
    backend.lookupCaller.mockResolvedValue(lookupResult([lead()], { number: "+17205550111" }));
    $(".recent-call[data-number='+17205550111']").click();
    await flush();
    expect($<HTMLInputElement>("#number-input").value).toBe("+17205550111");
    expect(backend.lookupCaller).toHaveBeenCalledWith("+17205550111", "inbound");
    expect($("#caller-number").textContent).toBe("+17205550111");
    expect(app.timer.running).toBe(true);
  });

  it("keeps the list when a reload fails", async () => {
    backend.recentCalls.mockResolvedValue(calls);
    await restart();
    backend.recentCalls.mockRejectedValue({ code: "Offline", message: "No connection" });
    await app.loadRecentCalls();
    expect($$(".recent-call")).toHaveLength(2);
    expect($("#error-banner").hidden).toBe(true);
  });
});

describe("clear cache", () => {
  it("is in the footer while signed in", () => {
    expect($("#app-footer").hidden).toBe(false);
    expect($("#clear-cache-button").textContent).toBe("Clear cache");
    expect($("#clear-cache-prompt").hidden).toBe(true);
  });

  it("asks inline before clearing, and No leaves everything", () => {
    const confirmSpy = vi.spyOn(window, "confirm");
    $("#clear-cache-button").click();
    expect($("#clear-cache-button").hidden).toBe(true);
    expect($("#clear-cache-prompt").hidden).toBe(false);
    expect($("#clear-cache-prompt").textContent).toBe("Clear cached callers?YesNo");
    expect($("#clear-cache-confirm").textContent).toBe("Yes");
    expect($("#clear-cache-cancel").textContent).toBe("No");
    $("#clear-cache-cancel").click();
    expect($("#clear-cache-button").hidden).toBe(false);
    expect($("#clear-cache-prompt").hidden).toBe(true);
    expect(backend.clearCache).not.toHaveBeenCalled();
    expect(confirmSpy).not.toHaveBeenCalled();
    confirmSpy.mockRestore();
  });

  it("Yes clears, shows a brief status and reloads the recent calls", async () => {
    backend.recentCalls.mockClear();
    $("#clear-cache-button").click();
    $("#clear-cache-confirm").click();
    await flush();
    expect(backend.clearCache).toHaveBeenCalledTimes(1);
    expect($("#clear-cache-status").hidden).toBe(false);
    expect($("#clear-cache-status").textContent).toBe("Cache cleared.");
    expect(backend.recentCalls).toHaveBeenCalledTimes(1);
    expect($("#clear-cache-button").hidden).toBe(false);
    for (const t of timeouts) if (!t.cancelled) t.fn();
    expect($("#clear-cache-status").hidden).toBe(true);
  });

  it("shows a failure in the banner", async () => {
    backend.clearCache.mockRejectedValue({ code: "Internal", message: "database is locked" });
    $("#clear-cache-button").click();
    $("#clear-cache-confirm").click();
    await flush();
    expect($("#error-banner").hidden).toBe(false);
    expect($("#error-banner").textContent).toContain("database is locked");
    expect($("#clear-cache-status").hidden).toBe(true);
  });
});

describe("calls reported from outside (call-event)", () => {
  const ringing = (number: string, direction: "inbound" | "outbound" = "inbound") =>
    backend.emitCallEvent({ kind: "ringing", number, direction });
  const answered = () => backend.emitCallEvent({ kind: "answered", number: "", direction: "inbound" });
  const ended = () => backend.emitCallEvent({ kind: "ended", number: "", direction: "inbound" });

  it("subscribes once, and unsubscribes on dispose", () => {
    expect(backend.onCallEvent).toHaveBeenCalledTimes(1);
    expect(backend.callEventListenerCount).toBe(1);
    app.dispose();
    expect(backend.callEventListenerCount).toBe(0);
  });

  it("pops a ringing number through the lookup form, with its direction", async () => {
    ringing("+1 720 555 0111", "outbound");
    await flush();
    expect($<HTMLInputElement>("#number-input").value).toBe("+1 720 555 0111");
    expect($<HTMLSelectElement>("#direction-select").value).toBe("outbound");
    expect($<HTMLInputElement>("#subject-input").placeholder).toBe("Outbound call");
    expect(backend.lookupCaller).toHaveBeenCalledWith("+1 720 555 0111", "outbound");
    expect($("#caller-panel").hidden).toBe(false);
    expect($(".match.selected").dataset.id).toBe("003000000000001");
  });

  it("shows the core's answer for a number that is not one", async () => {
    backend.lookupCaller.mockRejectedValue({ code: "InvalidInput", message: "“hello” is not a phone number." });
    ringing("hello");
    await flush();
    expect($("#error-banner").hidden).toBe(false);
    expect($("#error-banner").textContent).toContain("is not a phone number");
    expect(app.timer.running).toBe(false);
  });

  it("starts the timer from 00:00 when answered, and ends the call into the wrap-up", async () => {
    ringing("+17205550111");
    await flush();
    advance(7_000); // ringing
    expect($("#timer").textContent).toBe("00:07");
    answered();
    expect(app.timer.running).toBe(true);
    expect($("#timer").textContent).toBe("00:00");
    expect($("#timer-toggle").textContent).toBe("End call");
    advance(42_000);
    answered(); // a repeated event does not restart it
    expect($("#timer").textContent).toBe("00:42");
    ended();
    expect(app.timer.running).toBe(false);
    expect($("#timer-toggle").textContent).toBe("Start call");
    expect($("#timer").textContent).toBe("00:42");
    expect(document.activeElement).toBe($("#notes-input"));
    advance(5_000);
    expect($("#timer").textContent).toBe("00:42");
  });

  it("starts the timer when answered before the pop has answered", async () => {
    const pending = deferred<LookupResult>();
    backend.lookupCaller.mockReturnValueOnce(pending.promise);
    ringing("+17205550111");
    await flush();
    answered();
    advance(3_000);
    pending.resolve(lookupResult([contact()]));
    await flush();
    expect(app.timer.running).toBe(true);
    expect($("#timer").textContent).toBe("00:03");
  });

  it("does not start the timer for a call that ended while it was being looked up", async () => {
    const pending = deferred<LookupResult>();
    backend.lookupCaller.mockReturnValueOnce(pending.promise);
    ringing("+17205550111");
    await flush();
    ended();
    pending.resolve(lookupResult([contact()]));
    await flush();
    expect($("#caller-panel").hidden).toBe(false);
    expect(app.timer.running).toBe(false);
    // The next pop from the form starts it as always.
    await lookUp("+17205550133");
    expect(app.timer.running).toBe(true);
  });

  it("an answered call after an earlier one restarts the timer", async () => {
    ringing("+17205550111");
    await flush();
    answered();
    advance(30_000);
    ringing("+17205550133");
    await flush();
    answered();
    expect($("#timer").textContent).toBe("00:00");
  });
});

describe("open in Salesforce", () => {
  it("offers a link-button on each match, opportunity and case, and opens the record", async () => {
    backend.lookupCaller.mockResolvedValueOnce(lookupResult([contact(), lead()]));
    await lookUp("+14155550100");
    const buttons = $$(".open-in-salesforce");
    const ids = buttons.map((b) => b.dataset.id);
    expect(ids).toEqual(expect.arrayContaining([contact().id, lead().id, "006000000000001", "500000000000001"]));
    for (const button of buttons) expect(button.closest(".match")).toBeNull();

    const selected = app.callerPanel.selected?.id;
    buttons.find((b) => b.dataset.id === lead().id)?.click();
    await flush();
    expect(backend.openRecord).toHaveBeenCalledWith(lead().id);
    expect(app.callerPanel.selected?.id).toBe(selected);

    $$(".open-in-salesforce").find((b) => b.dataset.id === "500000000000001")?.click();
    await flush();
    expect(backend.openRecord).toHaveBeenLastCalledWith("500000000000001");
  });

  it("shows why the browser did not open", async () => {
    await lookUp("+14155550100");
    backend.openRecord.mockRejectedValueOnce({ code: "Internal", message: "could not open a browser" });
    $$(".open-in-salesforce")[0]?.click();
    await flush();
    expect($("#error-banner").hidden).toBe(false);
    expect($("#error-message").textContent).toMatch(/could not open a browser/);
  });
});

describe("API usage", () => {
  it("shows the figure in the footer, refreshes after lookups and every 30 s, and clears on sign-out", async () => {
    backend.apiUsage.mockResolvedValue({ used: 120, limit: 15000 });
    await lookUp("+14155550100");
    expect($("#api-usage").hidden).toBe(false);
    expect($("#api-usage").textContent).toBe("API 120 / 15,000 today");
    expect(repeats.some((r) => r.ms === 30_000 && !r.stopped)).toBe(true);

    backend.apiUsage.mockResolvedValue({ used: 14000, limit: 15000 });
    const calls = backend.apiUsage.mock.calls.length;
    for (const r of repeats) if (r.ms === 30_000 && !r.stopped) r.fn();
    await flush();
    expect(backend.apiUsage.mock.calls.length).toBeGreaterThan(calls);
    expect($("#api-usage").classList.contains("warn")).toBe(true);

    backend.apiUsage.mockResolvedValue({ used: 15000, limit: 15000 });
    await lookUp("+14155550100");
    expect($("#api-usage").classList.contains("limit")).toBe(true);

    $("#signout-button").click();
    await flush();
    expect($("#api-usage").hidden).toBe(true);
    const afterSignOut = backend.apiUsage.mock.calls.length;
    for (const r of repeats) if (!r.stopped) r.fn();
    await flush();
    expect(backend.apiUsage.mock.calls.length).toBe(afterSignOut);
  });
});

describe("always on top", () => {
  it("applies the toggle through the backend", async () => {
    localStorage.clear();
    $("#always-on-top").click();
    await flush();
    expect(backend.setAlwaysOnTop).toHaveBeenCalledWith(true);
    expect($("#always-on-top").getAttribute("aria-pressed")).toBe("true");
    localStorage.clear();
  });

  it("re-applies a remembered choice at start", async () => {
    app.dispose();
    backend = mockBackend();
    const storage = { getItem: vi.fn().mockReturnValue("true"), setItem: vi.fn() };
    app = createApp(root, backend, { clock: () => now, ticker, every, after, storage });
    await app.start();
    expect(backend.setAlwaysOnTop).toHaveBeenCalledWith(true);
  });
});
