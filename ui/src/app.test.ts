import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App, Ticker } from "./app";
import { createApp } from "./app";
import type { LookupResult } from "./ipc/bindings/LookupResult";
import { account, contact, deferred, flush, lead, lookupResult, signedOut } from "./test/fixtures";
import type { MockBackend } from "./test/mockBackend";
import { mockBackend } from "./test/mockBackend";
import type { Backend } from "./ipc/backend";

let now: number;
let ticks: Array<() => void>;
let backend: MockBackend & Backend;
let app: App;
let root: HTMLElement;

const ticker: Ticker = (fn) => {
  ticks.push(fn);
  return () => {
    ticks = ticks.filter((f) => f !== fn);
  };
};
const advance = (ms: number) => {
  now += ms;
  for (const fn of ticks) fn();
};

function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`${selector} not found`);
  return found;
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
  document.body.textContent = "";
  root = document.createElement("div");
  root.id = "app";
  document.body.appendChild(root);
  backend = mockBackend();
  app = createApp(root, backend, { clock: () => now, ticker });
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
    ]) {
      expect(document.getElementById(id), id).not.toBeNull();
    }
    for (const id of ["number-input", "direction-select", "subject-input", "notes-input"]) {
      expect(document.querySelector(`label[for="${id}"]`), id).not.toBeNull();
    }
    expect($("label[for=number-input]").textContent).toBe("Phone number");
    expect($("label[for=notes-input]").textContent).toBe("Notes");
    expect($<HTMLInputElement>("#number-input").type).toBe("tel");
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
    expect(backend.lookupCaller).toHaveBeenCalledWith("(415) 555-0100");
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
    expect($("h2").textContent).toBe("+14155550100");
  });

  it("does not restart a running timer", async () => {
    await lookUp("1");
    advance(10_000);
    await lookUp("2");
    expect($("#timer").textContent).toBe("00:10");
  });

  it("shows the no-match state", async () => {
    backend.lookupCaller.mockResolvedValue(lookupResult([], { source: "cache" }));
    await lookUp("+14155550199");
    expect($("#no-match").textContent).toBe("No Salesforce record has this number.");
    expect($("#lookup-source").textContent).toBe("From cache");
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
