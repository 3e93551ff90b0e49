import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App, Ticker } from "../app";
import { createApp, OUTBOX_REFRESH_MS } from "../app";
import type { Backend } from "../ipc/backend";
import { actionOutcome, flush, signedOut } from "../test/fixtures";
import type { MockBackend } from "../test/mockBackend";
import { mockBackend } from "../test/mockBackend";
import type { Every } from "../ui/schedule";

let backend: MockBackend & Backend;
let app: App;
let repeats: Array<{ fn: () => void; ms: number; stopped: boolean }>;
const ticker: Ticker = () => () => {};
const every: Every = (fn, ms) => {
  const entry = { fn, ms, stopped: false };
  repeats.push(entry);
  return () => {
    entry.stopped = true;
  };
};

function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`${selector} not found`);
  return found;
}

const pending = actionOutcome({ actionId: "p1", status: "pending", description: "Rate lead 00Qx Hot", message: "offline" });
const failed = actionOutcome({ actionId: "f1", status: "failed", description: "Set lead 00Qx to Nope", message: "bad value" });
const sent = actionOutcome({ actionId: "s1", status: "sent", description: "Move opportunity 006x to Qualification" });

async function start(items = [pending, failed, sent]): Promise<void> {
  backend.outbox.mockResolvedValue(items);
  app = createApp(document.body.appendChild(document.createElement("div")), backend, { ticker, every });
  await app.start();
  await flush();
}

beforeEach(() => {
  document.body.textContent = "";
  repeats = [];
  backend = mockBackend();
});

afterEach(() => app.dispose());

describe("outbox badge", () => {
  it("counts pending and failed actions and marks failures", async () => {
    await start();
    const button = $("#outbox-button");
    expect(button.hidden).toBe(false);
    expect(button.textContent).toBe("2");
    expect(button.classList.contains("has-failed")).toBe(true);
    expect(button.title).toMatch(/2 actions waiting, 1 failed/);
  });

  it("is hidden when nothing waits, and not marked without failures", async () => {
    await start([sent]);
    expect($("#outbox-button").hidden).toBe(true);
    backend.outbox.mockResolvedValue([pending]);
    await app.outbox.refresh();
    expect($("#outbox-button").hidden).toBe(false);
    expect($("#outbox-button").textContent).toBe("1");
    expect($("#outbox-button").classList.contains("has-failed")).toBe(false);
  });

  it("refreshes every 10 s while signed in, and stops on sign-out", async () => {
    await start([]);
    const refresh = repeats.find((r) => r.ms === OUTBOX_REFRESH_MS);
    expect(refresh).toBeDefined();
    backend.outbox.mockResolvedValue([failed]);
    refresh!.fn();
    await flush();
    expect($("#outbox-button").textContent).toBe("1");

    backend.signOut.mockResolvedValue(signedOut);
    $("#signout-button").click();
    await flush();
    expect(refresh!.stopped).toBe(true);
    expect($("#outbox-button").hidden).toBe(true);
  });

  it("does not load the outbox when signed out", async () => {
    backend.sessionStatus.mockResolvedValue(signedOut);
    await start();
    expect(backend.outbox).not.toHaveBeenCalled();
    expect($("#outbox-button").hidden).toBe(true);
  });
});

describe("outbox panel", () => {
  it("toggles a list of the waiting actions with Retry and Discard", async () => {
    await start();
    expect($("#outbox-panel").hidden).toBe(true);
    $("#outbox-button").click();
    await flush();
    expect($("#outbox-panel").hidden).toBe(false);
    expect($("#outbox-button").getAttribute("aria-expanded")).toBe("true");
    const items = Array.from(document.querySelectorAll<HTMLElement>(".outbox-item"));
    expect(items.map((i) => i.dataset.id)).toEqual(["p1", "f1"]);
    expect(items[0]!.textContent).toContain("Rate lead 00Qx Hot");
    expect(items[0]!.textContent).toContain("offline");
    expect(items[0]!.querySelector(".retry-action")).not.toBeNull();
    expect(items[0]!.querySelector(".discard-action")).toBeNull();
    expect(items[1]!.querySelector(".retry-action")).not.toBeNull();
    expect(items[1]!.querySelector(".discard-action")).not.toBeNull();
    expect(items[1]!.textContent).toContain("bad value");
    $("#outbox-button").click();
    expect($("#outbox-panel").hidden).toBe(true);
  });

  it("retries one action, then shows the fresh outbox", async () => {
    await start();
    $("#outbox-button").click();
    await flush();
    backend.outbox.mockResolvedValue([failed]);
    $<HTMLElement>('.outbox-item[data-id="p1"] .retry-action').click();
    await flush();
    expect(backend.retryAction).toHaveBeenCalledWith("p1");
    expect(document.querySelectorAll(".outbox-item")).toHaveLength(1);
    expect($("#outbox-button").textContent).toBe("1");
  });

  it("discards a failed action", async () => {
    await start();
    $("#outbox-button").click();
    await flush();
    backend.outbox.mockResolvedValue([pending]);
    $<HTMLElement>('.outbox-item[data-id="f1"] .discard-action').click();
    await flush();
    expect(backend.discardAction).toHaveBeenCalledWith("f1");
    expect($("#outbox-button").classList.contains("has-failed")).toBe(false);
  });

  it("retries everything", async () => {
    await start();
    $("#outbox-button").click();
    await flush();
    backend.outbox.mockResolvedValue([]);
    $("#retry-all").click();
    await flush();
    expect(backend.retryAction).toHaveBeenCalledWith(null);
    expect($("#outbox-button").hidden).toBe(true);
    expect($("#outbox-empty").hidden).toBe(false);
  });

  it("shows a failed discard in the banner", async () => {
    await start();
    $("#outbox-button").click();
    await flush();
    backend.discardAction.mockRejectedValueOnce({ code: "Internal", message: "disk full" });
    $<HTMLElement>('.outbox-item[data-id="f1"] .discard-action').click();
    await flush();
    expect($("#error-message").textContent).toBe("disk full");
  });
});

describe("a conflict", () => {
  const conflicted = actionOutcome({
    actionId: "c1",
    status: "failed",
    description: "Rate lead 00Qx Hot",
    message: "Riley Demo changed this record in Salesforce after you opened it.",
    conflict: {
      fields: [{ field: "Rating", ours: "Hot", theirs: "Cold" }],
      modifiedAt: "2026-11-25T10:00:00.000+0000",
      modifiedBy: "Riley Demo",
    },
  });

  it("shows Salesforce's value beside the rep's, with overwrite and keep", async () => {
    await start([conflicted]);
    $("#outbox-button").click();
    await flush();
    const row = $('.outbox-item[data-id="c1"]');
    expect(row.querySelector(".conflict-ours")?.textContent).toBe("Hot");
    expect(row.querySelector(".conflict-theirs")?.textContent).toBe("Cold");
    expect(row.querySelector("thead")?.textContent).toContain("changed by Riley Demo");
    expect(row.querySelector(".retry-action")).toBeNull();

    row.querySelector<HTMLButtonElement>(".overwrite-action")!.click();
    await flush();
    expect(backend.overwriteAction).toHaveBeenCalledWith("c1");

    $('.outbox-item[data-id="c1"]').querySelector<HTMLButtonElement>(".discard-action")!.click();
    await flush();
    expect(backend.discardAction).toHaveBeenCalledWith("c1");
  });
});
