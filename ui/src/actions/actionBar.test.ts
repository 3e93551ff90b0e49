import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App, Ticker } from "../app";
import { createApp } from "../app";
import type { Backend } from "../ipc/backend";
import { actionOutcome, contact, deferred, flush, lead, LEAD_STATUSES, lookupResult } from "../test/fixtures";
import type { MockBackend } from "../test/mockBackend";
import { mockBackend } from "../test/mockBackend";
import type { Every } from "../ui/schedule";
import { PENDING_TEXT, SENT_TEXT } from "./actions";

let backend: MockBackend & Backend;
let app: App;
const ticker: Ticker = () => () => {};
const every: Every = () => () => {};

function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`${selector} not found`);
  return found;
}

async function pop(...matches: Parameters<typeof lookupResult>[0]): Promise<void> {
  backend.lookupCaller.mockResolvedValueOnce(lookupResult(matches));
  await app.lookup("+1 415 555 0100");
  await flush();
}

function press(code: string, init: KeyboardEventInit = {}, target: EventTarget = document.body): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { code, key: code.slice(3).toLowerCase(), altKey: true, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

const opportunity = (overrides = {}) => ({
  id: "006000000000009",
  name: "Summit - Spring Catalog",
  stage: "Prospecting",
  amount: 1000,
  closeDate: "2026-03-31",
  probability: 10,
  ...overrides,
});

beforeEach(async () => {
  document.body.textContent = "";
  const root = document.createElement("div");
  document.body.appendChild(root);
  backend = mockBackend();
  app = createApp(root, backend, { ticker, every });
  await app.start();
});

afterEach(() => app.dispose());

describe("lead actions", () => {
  it("shows the rating buttons with the lead's rating pressed and its status selected", async () => {
    await pop(lead({ rating: "Warm", status: "Open - Not Contacted" }));
    expect($("#action-bar").hidden).toBe(false);
    expect($("#rate-hot").getAttribute("aria-pressed")).toBe("false");
    expect($("#rate-warm").getAttribute("aria-pressed")).toBe("true");
    expect($("#rate-cold").getAttribute("aria-pressed")).toBe("false");
    expect($("#rate-hot").title).toContain("Alt+H");
    const select = $<HTMLSelectElement>("#status-select");
    expect(Array.from(select.options).map((o) => o.value)).toEqual(LEAD_STATUSES);
    expect(select.value).toBe("Open - Not Contacted");
    expect(select.disabled).toBe(false);
  });

  it("loads the lead statuses once per session", async () => {
    await pop(lead());
    await pop(lead({ id: "00Q000000000002" }));
    expect(backend.leadStatuses).toHaveBeenCalledTimes(1);
  });

  it("has no lead controls for a contact", async () => {
    await pop(contact());
    expect(document.querySelector("#rate-hot")).toBeNull();
    expect(document.querySelector("#status-select")).toBeNull();
  });

  it("rates the lead and presses the new rating when Salesforce took it", async () => {
    await pop(lead({ rating: "Cold" }));
    $("#rate-hot").click();
    await flush();
    expect(backend.rateLead).toHaveBeenCalledWith("00Q000000000001", "Hot");
    expect($("#rate-hot").getAttribute("aria-pressed")).toBe("true");
    expect($("#rate-cold").getAttribute("aria-pressed")).toBe("false");
    expect($("#action-status").textContent).toContain(SENT_TEXT());
    expect($("#caller-panel .rating").textContent).toBe("Hot");
    expect(backend.outbox).toHaveBeenCalledTimes(2); // sign-in + after the action
  });

  it("shows a queued rating as pending, and a failed one without changing it", async () => {
    await pop(lead({ rating: "Cold" }));
    backend.rateLead.mockResolvedValueOnce(actionOutcome({ status: "pending", message: "offline" }));
    $("#rate-warm").click();
    await flush();
    expect($("#action-status").textContent).toContain(PENDING_TEXT());
    expect($("#action-status").className).toContain("result-pending");
    expect($("#rate-warm").getAttribute("aria-pressed")).toBe("true");

    backend.rateLead.mockResolvedValueOnce(actionOutcome({ status: "failed", message: "ENTITY_IS_LOCKED" }));
    $("#rate-hot").click();
    await flush();
    expect($("#action-status").textContent).toContain("ENTITY_IS_LOCKED");
    expect($("#rate-hot").getAttribute("aria-pressed")).toBe("false");
    expect($("#rate-warm").getAttribute("aria-pressed")).toBe("true");
  });

  it("sets the status from the select, and puts it back when refused", async () => {
    await pop(lead());
    const select = $<HTMLSelectElement>("#status-select");
    select.value = "Working - Contacted";
    select.dispatchEvent(new Event("change"));
    await flush();
    expect(backend.setLeadStatus).toHaveBeenCalledWith("00Q000000000001", "Working - Contacted");
    expect($<HTMLSelectElement>("#status-select").value).toBe("Working - Contacted");
    expect($("#action-status").textContent).toContain(SENT_TEXT());

    backend.setLeadStatus.mockRejectedValueOnce({ code: "InvalidInput", message: "not a lead status" });
    const again = $<HTMLSelectElement>("#status-select");
    again.value = "Closed - Converted";
    again.dispatchEvent(new Event("change"));
    await flush();
    expect($("#action-status").textContent).toBe("not a lead status");
    expect($<HTMLSelectElement>("#status-select").value).toBe("Working - Contacted");
  });
});

describe("advancing an opportunity", () => {
  it("advances to the next stage and shows it in the row", async () => {
    await pop(contact({ opportunities: [opportunity()] }));
    const button = $(".advance-stage");
    expect(button.dataset.id).toBe("006000000000009");
    button.click();
    await flush();
    expect(backend.setOpportunityStage).toHaveBeenCalledWith("006000000000009", null, false);
    expect($("#opportunities .opp-stage").textContent).toBe("Qualification");
    expect($("#action-status").textContent).toContain(SENT_TEXT());
  });

  it("asks to confirm a closing stage and resends with confirmClosing", async () => {
    await pop(contact({ opportunities: [opportunity({ stage: "Negotiation/Review" })] }));
    backend.setOpportunityStage.mockRejectedValueOnce({
      code: "InvalidInput",
      message: "Closed Won closes the opportunity (won); confirm to go ahead.",
    });
    backend.setOpportunityStage.mockResolvedValueOnce(
      actionOutcome({ kind: "set_stage", description: "Move opportunity 006000000000009 to Closed Won" }),
    );
    $(".advance-stage").click();
    await flush();
    expect($("#confirm-close-prompt").hidden).toBe(false);
    expect($("#confirm-close-prompt").textContent).toContain("Closed Won closes the opportunity");
    expect($("#opportunities .opp-stage").textContent).toBe("Negotiation/Review");

    $("#confirm-close").click();
    await flush();
    expect(backend.setOpportunityStage).toHaveBeenLastCalledWith("006000000000009", null, true);
    expect($("#confirm-close-prompt").hidden).toBe(true);
    expect($("#opportunities .opp-stage").textContent).toBe("Closed Won");
  });

  it("cancels a closing stage without sending it", async () => {
    await pop(contact({ opportunities: [opportunity()] }));
    backend.setOpportunityStage.mockRejectedValueOnce({ code: "InvalidInput", message: "Closed Lost closes…; confirm to go ahead." });
    $(".advance-stage").click();
    await flush();
    $("#cancel-close").click();
    expect($("#confirm-close-prompt").hidden).toBe(true);
    expect(backend.setOpportunityStage).toHaveBeenCalledTimes(1);
  });

  it("shows other errors in the status line", async () => {
    await pop(contact({ opportunities: [opportunity()] }));
    backend.setOpportunityStage.mockRejectedValueOnce({ code: "InvalidInput", message: "The opportunity is at the last stage." });
    $(".advance-stage").click();
    await flush();
    expect($("#confirm-close-prompt").hidden).toBe(true);
    expect($("#action-status").textContent).toBe("The opportunity is at the last stage.");
  });
});

describe("creating a lead for an unknown caller", () => {
  it("offers the form only when nobody matched", async () => {
    await pop(contact());
    expect(document.querySelector("#create-lead-form")).toBeNull();
    await pop();
    expect($("#create-lead-form")).toBeTruthy();
    expect($<HTMLInputElement>("#lead-last-name").required).toBe(true);
    expect($<HTMLInputElement>("#lead-company").required).toBe(true);
  });

  it("creates the lead with the popped number and pops it again", async () => {
    await pop();
    $<HTMLInputElement>("#lead-first-name").value = "Siobhán";
    $<HTMLInputElement>("#lead-last-name").value = "O'Hara";
    $<HTMLInputElement>("#lead-company").value = "Harbor Logistics";
    const created = deferred<ReturnType<typeof actionOutcome>>();
    backend.createLead.mockReturnValueOnce(created.promise);
    backend.lookupCaller.mockResolvedValueOnce(lookupResult([lead({ name: "Siobhán O'Hara" })], { source: "cache" }));
    $("#create-lead-form").dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect($<HTMLButtonElement>("#create-lead-button").disabled).toBe(true);
    expect(backend.createLead).toHaveBeenCalledWith({
      phone: "+14155550100",
      lastName: "O'Hara",
      company: "Harbor Logistics",
      firstName: "Siobhán",
    });
    created.resolve(actionOutcome({ kind: "create_lead", recordId: "00Q000000000077" }));
    await flush();
    await flush();
    expect($("#create-lead-result").textContent).toBe("Lead created");
    expect(backend.lookupCaller).toHaveBeenLastCalledWith("+14155550100", "inbound");
    expect($("#caller-panel").textContent).toContain("Siobhán O'Hara");
    expect(document.querySelector("#create-lead-form")).toBeNull();
    expect($("#create-lead-result").hidden).toBe(false);
  });

  it("says when the lead is queued", async () => {
    await pop();
    $<HTMLInputElement>("#lead-last-name").value = "O'Hara";
    $<HTMLInputElement>("#lead-company").value = "Harbor";
    backend.createLead.mockResolvedValueOnce(actionOutcome({ status: "pending", recordId: null }));
    $("#create-lead-form").dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect($("#create-lead-result").textContent).toMatch(/^Queued/);
  });

  it("needs a last name and a company", async () => {
    await pop();
    $<HTMLInputElement>("#lead-last-name").value = "  ";
    $("#create-lead-form").dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(backend.createLead).not.toHaveBeenCalled();
    expect($("#action-status").textContent).toMatch(/last name and a company/);
  });
});

describe("log form additions", () => {
  it("sends the disposition, and schedules a follow-up after the call is logged", async () => {
    await pop(contact());
    $<HTMLSelectElement>("#disposition-select").value = "Left voicemail";
    $<HTMLInputElement>("#follow-up-date").value = "2026-02-03";
    $<HTMLInputElement>("#subject-input").value = "Quote";
    $("#log-call-form").dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    await flush();
    // The call and its follow-up go together, in one request.
    expect(backend.logCall).not.toHaveBeenCalled();
    expect(backend.scheduleFollowUp).not.toHaveBeenCalled();
    const [sent] = backend.wrapUp.mock.calls[0]!;
    expect(sent.call).toMatchObject({ disposition: "Left voicemail", whoId: "003000000000001" });
    expect(sent.followUp).toEqual({ subject: "Follow up: Quote", dueDate: "2026-02-03", priority: "Normal" });
    expect($("#action-status").textContent).toContain(SENT_TEXT());
    expect($<HTMLSelectElement>("#disposition-select").value).toBe("");
    expect($<HTMLInputElement>("#follow-up-date").value).toBe("");
  });

  it("leaves out an empty disposition and skips the follow-up without a date", async () => {
    await pop(lead());
    $("#log-call-form").dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(backend.logCall.mock.calls[0]![0]).not.toHaveProperty("disposition");
    expect(backend.scheduleFollowUp).not.toHaveBeenCalled();
  });

  it("names a follow-up without a subject after the call", async () => {
    await pop(lead());
    $<HTMLInputElement>("#follow-up-date").value = "2026-02-03";
    $("#log-call-form").dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    await flush();
    const [sent] = backend.wrapUp.mock.calls[0]!;
    expect(sent.call).toMatchObject({ whoId: "00Q000000000001", whatId: null });
    expect(sent.followUp).toMatchObject({ subject: "Follow up: call" });
  });
});

describe("keyboard shortcuts", () => {
  it("rates with Alt+H / Alt+W / Alt+C", async () => {
    await pop(lead());
    expect(press("KeyW").defaultPrevented).toBe(true);
    await flush();
    expect(backend.rateLead).toHaveBeenLastCalledWith("00Q000000000001", "Warm");
    press("KeyC");
    press("KeyH");
    await flush();
    expect(backend.rateLead.mock.calls.map((c) => c[1])).toEqual(["Warm", "Cold", "Hot"]);
  });

  it("advances the first open opportunity with Alt+N and focuses the notes with Alt+L", async () => {
    await pop(contact({ opportunities: [opportunity(), opportunity({ id: "006000000000010" })] }));
    press("KeyN");
    await flush();
    expect(backend.setOpportunityStage).toHaveBeenCalledWith("006000000000009", null, false);
    press("KeyL");
    expect(document.activeElement?.id).toBe("notes-input");
  });

  it("does not fire while typing in a field", async () => {
    await pop(lead());
    const input = $<HTMLInputElement>("#subject-input");
    press("KeyH", {}, input);
    press("KeyN", {}, $("#notes-input"));
    await flush();
    expect(backend.rateLead).not.toHaveBeenCalled();
    expect(backend.setOpportunityStage).not.toHaveBeenCalled();
  });

  it("lists the shortcuts in the footer", () => {
    const help = $("#shortcuts-help").textContent;
    for (const key of ["Alt+H", "Alt+N", "Alt+L", "Ctrl+Enter"]) expect(help).toContain(key);
  });
});
