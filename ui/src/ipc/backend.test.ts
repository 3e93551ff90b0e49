import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.hoisted(() => vi.fn());
const listen = vi.hoisted(() => vi.fn());
vi.mock("@tauri-apps/api/core", () => ({ invoke }));
vi.mock("@tauri-apps/api/event", () => ({ listen }));

import { CALL_EVENT, CALLER_UPDATED, isAuthError, isIpcError, primed, tauriBackend, toIpcError } from "./backend";
import { mockBackend } from "../test/mockBackend";
import { actionOutcome, contact, lookupResult, recentCall, sentOutcome, signedIn, signedOut } from "../test/fixtures";
import type { CallEvent } from "./bindings/CallEvent";
import type { CallerUpdate } from "./bindings/CallerUpdate";
import type { LogCallRequest } from "./bindings/LogCallRequest";

beforeEach(() => {
  invoke.mockReset();
  listen.mockReset();
});

describe("tauriBackend", () => {
  it("maps each method to its command and arguments", async () => {
    invoke.mockResolvedValueOnce(signedIn);
    await expect(tauriBackend.sessionStatus()).resolves.toEqual(signedIn);
    expect(invoke).toHaveBeenLastCalledWith("session_status", undefined);

    invoke.mockResolvedValueOnce(signedIn);
    await expect(tauriBackend.signIn()).resolves.toEqual(signedIn);
    expect(invoke).toHaveBeenLastCalledWith("sign_in", undefined);

    invoke.mockResolvedValueOnce(signedOut);
    await expect(tauriBackend.signOut()).resolves.toEqual(signedOut);
    expect(invoke).toHaveBeenLastCalledWith("sign_out", undefined);

    const result = lookupResult([]);
    invoke.mockResolvedValueOnce(result);
    await expect(tauriBackend.lookupCaller("+1 415 555 0100", "outbound")).resolves.toEqual(result);
    expect(invoke).toHaveBeenLastCalledWith("lookup_caller", { number: "+1 415 555 0100", direction: "outbound" });

    const request: LogCallRequest = {
      whoId: "003x",
      whatId: "001x",
      durationSeconds: 42,
      direction: "inbound",
      notes: "hi",
      subject: null,
    };
    invoke.mockResolvedValueOnce(sentOutcome);
    await expect(tauriBackend.logCall(request)).resolves.toEqual(sentOutcome);
    expect(invoke).toHaveBeenLastCalledWith("log_call", { request });

    const calls = [recentCall()];
    invoke.mockResolvedValueOnce(calls);
    await expect(tauriBackend.recentCalls()).resolves.toEqual(calls);
    expect(invoke).toHaveBeenLastCalledWith("recent_calls", undefined);

    invoke.mockResolvedValueOnce(null);
    await expect(tauriBackend.rememberPick("+14155550100", "003x")).resolves.toBeUndefined();
    expect(invoke).toHaveBeenLastCalledWith("remember_pick", { number: "+14155550100", recordId: "003x" });

    invoke.mockResolvedValueOnce(null);
    await expect(tauriBackend.clearCache()).resolves.toBeUndefined();
    expect(invoke).toHaveBeenLastCalledWith("clear_cache", undefined);
  });

  it("maps the action commands to their camelCase arguments", async () => {
    const outcome = actionOutcome();
    invoke.mockResolvedValue(outcome);
    await expect(tauriBackend.rateLead("00Qx", "Hot")).resolves.toEqual(outcome);
    expect(invoke).toHaveBeenLastCalledWith("rate_lead", { leadId: "00Qx", rating: "Hot" });
    await tauriBackend.setLeadStatus("00Qx", "Working - Contacted");
    expect(invoke).toHaveBeenLastCalledWith("set_lead_status", { leadId: "00Qx", status: "Working - Contacted" });
    await tauriBackend.setOpportunityStage("006x", null, false);
    expect(invoke).toHaveBeenLastCalledWith("set_opportunity_stage", {
      opportunityId: "006x",
      stage: null,
      confirmClosing: false,
    });
    const lead = { phone: "+14155550123", lastName: "O'Hara", company: "Acme", firstName: null };
    await tauriBackend.createLead(lead);
    expect(invoke).toHaveBeenLastCalledWith("create_lead", { lead });
    const followUp = { whoId: "003x", whatId: "001x", subject: "Follow up: call", dueDate: "2026-01-02", priority: "Normal" as const };
    await tauriBackend.scheduleFollowUp(followUp);
    expect(invoke).toHaveBeenLastCalledWith("schedule_follow_up", followUp);

    invoke.mockResolvedValueOnce(["Open"]);
    await expect(tauriBackend.leadStatuses()).resolves.toEqual(["Open"]);
    expect(invoke).toHaveBeenLastCalledWith("lead_statuses", undefined);
    invoke.mockResolvedValueOnce([]);
    await tauriBackend.opportunityStages();
    expect(invoke).toHaveBeenLastCalledWith("opportunity_stages", undefined);
    invoke.mockResolvedValueOnce([outcome]);
    await expect(tauriBackend.outbox()).resolves.toEqual([outcome]);
    expect(invoke).toHaveBeenLastCalledWith("outbox", undefined);
    invoke.mockResolvedValueOnce([outcome]);
    await tauriBackend.retryAction(null);
    expect(invoke).toHaveBeenLastCalledWith("retry_action", { actionId: null });
    invoke.mockResolvedValueOnce(null);
    await expect(tauriBackend.discardAction("act-1")).resolves.toBeUndefined();
    expect(invoke).toHaveBeenLastCalledWith("discard_action", { actionId: "act-1" });
  });

  it("maps the API usage, open-in-Salesforce and always-on-top commands", async () => {
    invoke.mockResolvedValueOnce({ used: 120, limit: 15000 });
    await expect(tauriBackend.apiUsage()).resolves.toEqual({ used: 120, limit: 15000 });
    expect(invoke).toHaveBeenLastCalledWith("api_usage", undefined);
    invoke.mockResolvedValueOnce(null);
    await expect(tauriBackend.apiUsage()).resolves.toBeNull();
    invoke.mockResolvedValueOnce(null);
    await expect(tauriBackend.openRecord("003000000000001")).resolves.toBeUndefined();
    expect(invoke).toHaveBeenLastCalledWith("open_record", { recordId: "003000000000001" });
    invoke.mockResolvedValueOnce(null);
    await expect(tauriBackend.setAlwaysOnTop(true)).resolves.toBeUndefined();
    expect(invoke).toHaveBeenLastCalledWith("set_always_on_top", { on: true });
  });

  it("subscribes to caller-updated and hands over the payloads", async () => {
    const unlisten = vi.fn();
    listen.mockResolvedValueOnce(unlisten);
    const seen: CallerUpdate[] = [];
    const stop = await tauriBackend.onCallerUpdated((update) => seen.push(update));
    expect(CALLER_UPDATED).toBe("caller-updated");
    expect(listen).toHaveBeenCalledWith("caller-updated", expect.any(Function));
    const handler = listen.mock.calls[0]![1] as (event: { event: string; id: number; payload: CallerUpdate }) => void;
    const update: CallerUpdate = { number: "+14155550100", result: lookupResult([contact()]), error: null };
    handler({ event: "caller-updated", id: 1, payload: update });
    expect(seen).toEqual([update]);
    stop();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("rejects with an IpcError when clear_cache or remember_pick fail", async () => {
    invoke.mockRejectedValueOnce({ code: "NotSignedIn", message: "Sign in first." });
    await expect(tauriBackend.clearCache()).rejects.toEqual({ code: "NotSignedIn", message: "Sign in first." });
    invoke.mockRejectedValueOnce(new Error("boom"));
    await expect(tauriBackend.rememberPick("1", "x")).rejects.toEqual({ code: "Internal", message: "boom" });
  });

  it("re-reads the status when sign_in/sign_out return nothing", async () => {
    invoke.mockResolvedValueOnce(null).mockResolvedValueOnce(signedOut);
    await expect(tauriBackend.signOut()).resolves.toEqual(signedOut);
    expect(invoke.mock.calls.map((c) => c[0] as string)).toEqual(["sign_out", "session_status"]);
  });

  it("passes IpcError rejections through", async () => {
    invoke.mockRejectedValueOnce({ code: "Offline", message: "No network" });
    await expect(tauriBackend.lookupCaller("1", "inbound")).rejects.toEqual({ code: "Offline", message: "No network" });
  });

  it("normalizes other rejections into Internal errors", async () => {
    invoke.mockRejectedValueOnce("command lookup_caller not found");
    await expect(tauriBackend.lookupCaller("1", "inbound")).rejects.toEqual({
      code: "Internal",
      message: "command lookup_caller not found",
    });
  });
});

describe("toIpcError", () => {
  it("keeps valid IpcErrors and drops extra fields", () => {
    expect(toIpcError({ code: "SessionExpired", message: "Expired", extra: 1 })).toEqual({
      code: "SessionExpired",
      message: "Expired",
    });
  });

  it("normalizes everything else", () => {
    expect(toIpcError(new Error("boom"))).toEqual({ code: "Internal", message: "boom" });
    expect(toIpcError(42)).toEqual({ code: "Internal", message: "42" });
    expect(toIpcError(undefined)).toEqual({ code: "Internal", message: "undefined" });
    expect(toIpcError({ code: "Weird", message: "x" })).toEqual({ code: "Internal", message: "[object Object]" });
  });

  it("classifies errors", () => {
    expect(isIpcError({ code: "Offline", message: "" })).toBe(true);
    expect(isIpcError({ code: "Offline" })).toBe(false);
    expect(isAuthError({ code: "NotSignedIn", message: "" })).toBe(true);
    expect(isAuthError({ code: "SessionExpired", message: "" })).toBe(true);
    expect(isAuthError({ code: "Offline", message: "" })).toBe(false);
  });
});

describe("call events", () => {
  type Listener = (event: { event: string; id: number; payload: CallEvent }) => void;
  const ringing: CallEvent = { kind: "ringing", number: "+17205550111", direction: "inbound" };
  const answered: CallEvent = { kind: "answered", number: "", direction: "inbound" };
  const ended: CallEvent = { kind: "ended", number: "", direction: "inbound" };

  it("listens, then hands over what came before, then live events", async () => {
    const unlisten = vi.fn();
    listen.mockResolvedValueOnce(unlisten);
    invoke.mockResolvedValueOnce([ringing]);
    const seen: CallEvent[] = [];
    const stop = await tauriBackend.onCallEvent((event) => seen.push(event));
    expect(CALL_EVENT).toBe("call-event");
    expect(listen).toHaveBeenCalledWith("call-event", expect.any(Function));
    expect(invoke).toHaveBeenCalledWith("take_call_events", undefined);
    expect(listen.mock.invocationCallOrder[0]).toBeLessThan(invoke.mock.invocationCallOrder[0]!);
    expect(seen).toEqual([ringing]);
    const handler = listen.mock.calls[0]![1] as Listener;
    handler({ event: "call-event", id: 1, payload: answered });
    expect(seen).toEqual([ringing, answered]);
    stop();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("keeps live events behind the ones that came before", async () => {
    listen.mockResolvedValueOnce(vi.fn());
    let answer!: (events: CallEvent[]) => void;
    invoke.mockReturnValueOnce(new Promise<CallEvent[]>((resolve) => (answer = resolve)));
    const seen: CallEvent[] = [];
    const subscribed = tauriBackend.onCallEvent((event) => seen.push(event));
    await vi.waitFor(() => expect(invoke).toHaveBeenCalled());
    const handler = listen.mock.calls[0]![1] as Listener;
    handler({ event: "call-event", id: 2, payload: answered });
    expect(seen).toEqual([]);
    answer([ringing]);
    await subscribed;
    expect(seen).toEqual([ringing, answered]);
    handler({ event: "call-event", id: 3, payload: ended });
    expect(seen).toEqual([ringing, answered, ended]);
  });

  it("stops listening when the waiting events cannot be read", async () => {
    const unlisten = vi.fn();
    listen.mockResolvedValueOnce(unlisten);
    invoke.mockRejectedValueOnce("command take_call_events not found");
    await expect(tauriBackend.onCallEvent(() => {})).rejects.toEqual({
      code: "Internal",
      message: "command take_call_events not found",
    });
    expect(unlisten).toHaveBeenCalledTimes(1);
  });
});

describe("primed", () => {
  it("asks at once and hands each answer to the first call of its kind only", async () => {
    const backend = mockBackend();
    backend.sessionStatus.mockResolvedValueOnce(signedOut).mockResolvedValueOnce(signedIn);
    backend.recentCalls.mockResolvedValue([recentCall()]);
    const start = primed(backend, ["sessionStatus", "recentCalls"]);
    expect(backend.sessionStatus).toHaveBeenCalledTimes(1);
    expect(backend.recentCalls).toHaveBeenCalledTimes(1);
    await start.ready;
    await expect(start.backend.sessionStatus()).resolves.toEqual(signedOut);
    expect(backend.sessionStatus).toHaveBeenCalledTimes(1);
    // The second call asks again.
    await expect(start.backend.sessionStatus()).resolves.toEqual(signedIn);
    expect(backend.sessionStatus).toHaveBeenCalledTimes(2);
    // Other calls are the backend's own.
    await start.backend.apiUsage();
    expect(backend.apiUsage).toHaveBeenCalledTimes(1);
  });

  it("after release, asks again instead of handing out an early answer", async () => {
    const backend = mockBackend();
    const start = primed(backend, ["outbox"]);
    await start.ready;
    start.release();
    await start.backend.outbox();
    expect(backend.outbox).toHaveBeenCalledTimes(2);
  });

  it("waits for refusals too, and keeps them for whoever asks", async () => {
    const backend = mockBackend();
    const refusal = { code: "NotSignedIn", message: "Not signed in" };
    backend.recentCalls.mockRejectedValueOnce(refusal);
    const start = primed(backend, ["recentCalls"]);
    await expect(start.ready).resolves.toBeDefined();
    await expect(start.backend.recentCalls()).rejects.toEqual(refusal);
  });
});
