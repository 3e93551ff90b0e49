/** Pure rules for the rep's actions: outcome wording, closing-stage errors, dispositions. */
import type { ActionOutcome } from "../ipc/bindings/ActionOutcome";
import type { IpcError } from "../ipc/bindings/IpcError";
import type { Stage } from "../ipc/bindings/Stage";
import { t } from "../i18n";
import { actionMessage } from "../i18n/errors";

export const RATINGS = ["Hot", "Warm", "Cold"] as const;
export type Rating = (typeof RATINGS)[number];

export const SENT_TEXT = (): string => t("action.sent");
export const PENDING_TEXT = (): string => t("action.pending");
export const FAILED_TEXT = (): string => t("action.failed");

export type Tone = "success" | "pending" | "failure";

export interface ActionMessage {
  tone: Tone;
  text: string;
}

export function describeAction(outcome: ActionOutcome): ActionMessage {
  switch (outcome.status) {
    case "sent":
      return { tone: "success", text: SENT_TEXT() };
    case "pending":
      return { tone: "pending", text: PENDING_TEXT() };
    case "failed":
      return { tone: "failure", text: actionMessage(outcome) || FAILED_TEXT() };
  }
}

/** Sent or queued: the change stands (shown optimistically). */
export function accepted(outcome: ActionOutcome): boolean {
  return outcome.status === "sent" || outcome.status === "pending";
}

/** The core refuses a closing stage until the rep confirms it. */
export function needsCloseConfirmation(error: IpcError): boolean {
  if (error.text) return error.text.key === "ConfirmClosingWon" || error.text.key === "ConfirmClosingLost";
  return error.code === "InvalidInput" && /confirm/i.test(error.message);
}

/** The stage an accepted set-stage outcome moved to ("Move opportunity X to Stage"). */
export function stageFromOutcome(outcome: ActionOutcome): string | null {
  const text = outcome.descriptionText;
  if (text?.key === "MoveOpportunity") return text.params.stage;
  const match = / to (.+)$/.exec(outcome.description);
  return match?.[1]?.trim() || null;
}

/** The stage after `current` in the org's order, if any. */
export function nextStage(stages: readonly Stage[], current: string): string | null {
  const index = stages.findIndex((s) => s.name === current);
  return index >= 0 ? (stages[index + 1]?.name ?? null) : null;
}

export function followUpSubject(subject: string): string {
  const trimmed = subject.trim();
  return t("action.followUpSubject", { subject: trimmed === "" ? t("action.followUpCall") : trimmed });
}

/** Counts what still needs attention in the outbox. */
export function outboxCounts(items: readonly ActionOutcome[]): { waiting: number; failed: number } {
  const failed = items.filter((i) => i.status === "failed").length;
  const pending = items.filter((i) => i.status === "pending").length;
  return { waiting: failed + pending, failed };
}
