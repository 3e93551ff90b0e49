/** Rules for turning the selected caller + form into a LogCallRequest. */
import type { CallDirection } from "../ipc/bindings/CallDirection";
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import type { LogCallOutcome } from "../ipc/bindings/LogCallOutcome";
import type { LogCallRequest } from "../ipc/bindings/LogCallRequest";
import { t } from "../i18n";
import { actionMessage } from "../i18n/errors";

export const PICK_PERSON_HINT = (): string => t("log.pickPerson");

/**
 * A Task's WhoId must be a Lead or Contact; an Account can only be a WhatId,
 * so a call can only be logged against a person.
 */
export function canLogAgainst(match: CallerMatch | null): match is CallerMatch {
  return match !== null && (match.type === "Lead" || match.type === "Contact");
}

export function defaultSubject(direction: CallDirection): string {
  return direction === "inbound" ? t("log.inboundCall") : t("log.outboundCall");
}

export interface LogCallInput {
  match: CallerMatch;
  durationSeconds: number;
  direction: CallDirection;
  notes: string;
  subject: string;
  /** The call's result; empty = none (left out of the request). */
  disposition?: string;
}

/**
 * Lead    -> WhoId = lead, WhatId = null (Salesforce rejects a WhatId with a Lead WhoId)
 * Contact -> WhoId = contact, WhatId = its account (or null)
 * Account -> not loggable (throws)
 */
export function buildLogCallRequest(input: LogCallInput): LogCallRequest {
  const { match } = input;
  if (!canLogAgainst(match)) throw new Error(PICK_PERSON_HINT());
  const subject = input.subject.trim();
  const disposition = (input.disposition ?? "").trim();
  const request: LogCallRequest = {
    whoId: match.id,
    whatId: match.type === "Contact" ? match.accountId || null : null,
    durationSeconds: Math.max(0, Math.floor(input.durationSeconds)),
    direction: input.direction,
    notes: input.notes.trim(),
    subject: subject === "" ? null : subject,
  };
  if (disposition !== "") request.disposition = disposition;
  return request;
}

export interface OutcomeMessage {
  tone: "success" | "pending" | "failure";
  text: string;
}

export function describeOutcome(outcome: LogCallOutcome): OutcomeMessage {
  switch (outcome.status) {
    case "sent":
      return {
        tone: "success",
        text: outcome.taskId ? t("log.loggedTask", { id: outcome.taskId }) : t("log.logged"),
      };
    case "pending":
      return { tone: "pending", text: t("log.queued") };
    case "failed":
      return { tone: "failure", text: actionMessage(outcome) || t("log.refused") };
  }
}
