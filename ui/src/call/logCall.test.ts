import { describe, expect, it } from "vitest";
import { account, contact, lead } from "../test/fixtures";
import { buildLogCallRequest, canLogAgainst, defaultSubject, describeOutcome, PICK_PERSON_HINT } from "./logCall";

const base = { durationSeconds: 125, direction: "inbound" as const, notes: "  Wants a demo.\n", subject: "" };

describe("buildLogCallRequest", () => {
  it("Lead: WhoId is the lead, never a WhatId", () => {
    const req = buildLogCallRequest({ ...base, match: lead({ accountId: "001shouldnotbeused" }) });
    expect(req).toEqual({
      whoId: "00Q000000000001",
      whatId: null,
      durationSeconds: 125,
      direction: "inbound",
      notes: "Wants a demo.",
      subject: null,
    });
  });

  it("Contact: WhoId is the contact, WhatId its account", () => {
    const req = buildLogCallRequest({ ...base, direction: "outbound", match: contact() });
    expect(req.whoId).toBe("003000000000001");
    expect(req.whatId).toBe("001000000000001");
    expect(req.direction).toBe("outbound");
  });

  it("Contact without an account: WhatId null", () => {
    expect(buildLogCallRequest({ ...base, match: contact({ accountId: null }) }).whatId).toBeNull();
    expect(buildLogCallRequest({ ...base, match: contact({ accountId: "" }) }).whatId).toBeNull();
  });

  it("Account: refused", () => {
    expect(canLogAgainst(account())).toBe(false);
    expect(() => buildLogCallRequest({ ...base, match: account() })).toThrow(PICK_PERSON_HINT());
  });

  it("trims the subject and sends null for an empty one", () => {
    expect(buildLogCallRequest({ ...base, match: lead(), subject: "  Follow-up  " }).subject).toBe("Follow-up");
    expect(buildLogCallRequest({ ...base, match: lead(), subject: "   " }).subject).toBeNull();
  });

  it("sends whole, non-negative seconds", () => {
    expect(buildLogCallRequest({ ...base, match: lead(), durationSeconds: 59.9 }).durationSeconds).toBe(59);
    expect(buildLogCallRequest({ ...base, match: lead(), durationSeconds: -1 }).durationSeconds).toBe(0);
  });
});

describe("helpers", () => {
  it("canLogAgainst accepts people only", () => {
    expect(canLogAgainst(lead())).toBe(true);
    expect(canLogAgainst(contact())).toBe(true);
    expect(canLogAgainst(null)).toBe(false);
  });

  it("defaultSubject follows the direction", () => {
    expect(defaultSubject("inbound")).toBe("Inbound call");
    expect(defaultSubject("outbound")).toBe("Outbound call");
  });

  it("describeOutcome covers every status", () => {
    expect(describeOutcome({ actionId: "1", status: "sent", taskId: "00T1", message: null })).toEqual({
      tone: "success",
      text: "Call logged · Task 00T1",
    });
    expect(describeOutcome({ actionId: "1", status: "pending", taskId: null, message: null }).text).toBe(
      "Queued, will be sent when Salesforce is reachable",
    );
    expect(describeOutcome({ actionId: "1", status: "failed", taskId: null, message: "FIELD_INTEGRITY" })).toEqual({
      tone: "failure",
      text: "FIELD_INTEGRITY",
    });
  });
});

describe("disposition", () => {
  it("is sent when chosen and left out when empty", () => {
    const base = { match: lead(), durationSeconds: 3, direction: "inbound" as const, notes: "", subject: "" };
    expect(buildLogCallRequest({ ...base, disposition: "Interested" }).disposition).toBe("Interested");
    expect(buildLogCallRequest({ ...base, disposition: "" })).not.toHaveProperty("disposition");
    expect(buildLogCallRequest(base)).not.toHaveProperty("disposition");
  });
});
