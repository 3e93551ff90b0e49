import { afterEach, describe, expect, it } from "vitest";
import { contact, flush, lead, lookupResult } from "../test/fixtures";
import type { AppHarness } from "../test/appHarness";
import { $, startApp } from "../test/appHarness";
import { parseDuration } from "./wrapUp";

describe("parseDuration", () => {
  it("reads minutes:seconds, hours:minutes:seconds and plain seconds", () => {
    expect(parseDuration("4:05")).toBe(245);
    expect(parseDuration(" 00:07 ")).toBe(7);
    expect(parseDuration("1:02:03")).toBe(3723);
    expect(parseDuration("95")).toBe(95);
    expect(parseDuration("0")).toBe(0);
  });

  it("refuses what is not a call length", () => {
    for (const bad of ["", "abc", "4:5x", "4:60", "-3", "1:2:3:4", "1.5", "25:00:00", "4 05"]) {
      expect(parseDuration(bad), bad).toBeNull();
    }
  });
});

describe("the wrap-up view", () => {
  let h: AppHarness;

  afterEach(() => h.app.dispose());

  async function callEnded(seconds: number): Promise<void> {
    h.backend.emitCallEvent({ kind: "ringing", number: "+14155550100", direction: "inbound" });
    await flush();
    h.backend.emitCallEvent({ kind: "answered", number: "", direction: "inbound" });
    h.advance(seconds * 1000);
    h.backend.emitCallEvent({ kind: "ended", number: "", direction: "inbound" });
    await flush();
  }

  it("opens when a call ends, with the call's length and the caller, and the cursor in the notes", async () => {
    h = await startApp();
    expect($("#wrap-up-duration").closest<HTMLElement>(".field")!.hidden).toBe(true);
    expect(h.root.classList.contains("wrapping-up")).toBe(false);
    await callEnded(125);
    expect(h.app.wrapUp.isOpen).toBe(true);
    expect(h.root.classList.contains("wrapping-up")).toBe(true);
    expect($<HTMLInputElement>("#wrap-up-duration").value).toBe("02:05");
    expect($("#wrap-up-heading").textContent).toBe("Wrap up the call with 山田 太郎");
    expect($("#log-call-form").getAttribute("role")).toBe("dialog");
    expect(document.activeElement?.id).toBe("notes-input");
  });

  it("logs the call with the edited length, result and notes, schedules the follow-up with its priority, and closes", async () => {
    h = await startApp();
    await callEnded(125);
    $<HTMLInputElement>("#wrap-up-duration").value = "4:05";
    $<HTMLSelectElement>("#disposition-select").value = "Interested";
    $<HTMLTextAreaElement>("#notes-input").value = "Wants a quote";
    $<HTMLInputElement>("#follow-up-date").value = "2030-01-15";
    $<HTMLSelectElement>("#follow-up-priority").value = "High";
    $("#log-call-form").dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await flush();
    await flush();
    const [sent] = h.backend.wrapUp.mock.calls[0]!;
    expect(sent.call).toMatchObject({
      whoId: "003000000000001",
      durationSeconds: 245,
      notes: "Wants a quote",
      disposition: "Interested",
    });
    expect(sent.followUp).toMatchObject({ dueDate: "2030-01-15", priority: "High" });
    expect(h.app.wrapUp.isOpen).toBe(false);
    expect(h.root.classList.contains("wrapping-up")).toBe(false);
    expect($<HTMLSelectElement>("#follow-up-priority").value).toBe("Normal");
  });

  it("says how to write a length it cannot read, and logs nothing", async () => {
    h = await startApp();
    await callEnded(30);
    $<HTMLInputElement>("#wrap-up-duration").value = "half an hour";
    $("#log-call-form").dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await flush();
    expect(h.backend.logCall).not.toHaveBeenCalled();
    expect($("#error-message").textContent).toMatch(/minutes:seconds/);
    expect(document.activeElement?.id).toBe("wrap-up-duration");
    expect(h.app.wrapUp.isOpen).toBe(true);
  });

  it("opens from the Wrap up button with the running call stopped, and closes with Escape", async () => {
    h = await startApp((backend) => backend.lookupCaller.mockResolvedValue(lookupResult([lead()])));
    $<HTMLInputElement>("#number-input").value = "+49 30 1234567";
    $("#lookup-form").dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await flush();
    h.advance(61_000);
    $("#wrap-up-button").click();
    expect(h.app.timer.running).toBe(false);
    expect($<HTMLInputElement>("#wrap-up-duration").value).toBe("01:01");
    expect($("#wrap-up-heading").textContent).toBe("Wrap up the call with Seán O'Connor");
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(h.app.wrapUp.isOpen).toBe(false);
    expect(h.backend.logCall).not.toHaveBeenCalled();
  });

  it("a failed log keeps the wrap-up open", async () => {
    h = await startApp((backend) =>
      backend.logCall.mockResolvedValue({ status: "failed", taskId: null, actionId: "a1", message: "Refused" }),
    );
    await callEnded(10);
    $("#log-call-form").dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await flush();
    expect(h.backend.logCall).toHaveBeenCalled();
    expect(h.app.wrapUp.isOpen).toBe(true);
    expect($("#log-call-result").textContent).toBe("Refused");
  });

  it("a new call closes the wrap-up of the last one, keeping what was typed", async () => {
    h = await startApp();
    await callEnded(20);
    $<HTMLTextAreaElement>("#notes-input").value = "half-written";
    h.backend.emitCallEvent({ kind: "ringing", number: "+14155550199", direction: "inbound" });
    await flush();
    expect(h.app.wrapUp.isOpen).toBe(false);
    expect($<HTMLTextAreaElement>("#notes-input").value).toBe("half-written");
  });

  it("is not open for a pop without a call", async () => {
    h = await startApp((backend) => backend.lookupCaller.mockResolvedValue(lookupResult([contact()])));
    expect(h.app.wrapUp.isOpen).toBe(false);
  });
});
