import { describe, expect, it } from "vitest";
import { actionOutcome } from "../test/fixtures";
import {
  describeAction,
  followUpSubject,
  needsCloseConfirmation,
  nextStage,
  outboxCounts,
  PENDING_TEXT,
  SENT_TEXT,
  stageFromOutcome,
} from "./actions";

describe("action rules", () => {
  it("words each outcome", () => {
    expect(describeAction(actionOutcome())).toEqual({ tone: "success", text: SENT_TEXT() });
    expect(describeAction(actionOutcome({ status: "pending" }))).toEqual({ tone: "pending", text: PENDING_TEXT() });
    expect(describeAction(actionOutcome({ status: "failed", message: "nope" }))).toEqual({ tone: "failure", text: "nope" });
  });

  it("recognises the closing-stage refusal", () => {
    expect(needsCloseConfirmation({ code: "InvalidInput", message: "Closed Won closes the opportunity (won); confirm to go ahead." })).toBe(true);
    expect(needsCloseConfirmation({ code: "InvalidInput", message: "The opportunity is at the last stage." })).toBe(false);
    expect(needsCloseConfirmation({ code: "Salesforce", message: "confirm" })).toBe(false);
    // By its key, in any language.
    expect(
      needsCloseConfirmation({
        code: "InvalidInput",
        message: "Closed Won schließt die Opportunity",
        text: { key: "ConfirmClosingWon", params: { stage: "Closed Won" } },
      }),
    ).toBe(true);
    expect(
      needsCloseConfirmation({ code: "InvalidInput", message: "confirm", text: { key: "NotARating", params: { input: '"x"' } } }),
    ).toBe(false);
  });

  it("finds the new stage", () => {
    expect(stageFromOutcome(actionOutcome({ description: "Move opportunity 006x to Id. Decision Makers" }))).toBe("Id. Decision Makers");
    // From the text, whatever the words: a stage named "to" or with " to " in it.
    expect(
      stageFromOutcome(
        actionOutcome({
          description: "Move opportunity 006x to Ready to buy",
          descriptionText: { key: "MoveOpportunity", params: { opportunity: "006x", stage: "Ready to buy" } },
        }),
      ),
    ).toBe("Ready to buy");
    const stages = [
      { name: "Prospecting", probability: 10, closed: false, won: false },
      { name: "Qualification", probability: 20, closed: false, won: false },
    ];
    expect(nextStage(stages, "Prospecting")).toBe("Qualification");
    expect(nextStage(stages, "Qualification")).toBeNull();
  });

  it("names follow-ups and counts the outbox", () => {
    expect(followUpSubject("  ")).toBe("Follow up: call");
    expect(followUpSubject("Quote")).toBe("Follow up: Quote");
    expect(
      outboxCounts([actionOutcome(), actionOutcome({ status: "pending" }), actionOutcome({ status: "failed" })]),
    ).toEqual({ waiting: 2, failed: 1 });
  });
});
