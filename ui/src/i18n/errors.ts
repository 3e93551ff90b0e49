/**
 * What an error says, in the rep's language: the core and the shell send each message
 * they wrote as a `Text` (a key and the values it names) beside its English; Salesforce's
 * own messages come as Salesforce wrote them, in the user's Salesforce language.
 */
import type { IpcError } from "../ipc/bindings/IpcError";
import type { Text } from "../ipc/bindings/Text";
import { language } from "./index";
import { textsDe } from "./texts.de";

/** The values a text names. */
export function textParams(text: Text): Record<string, string> {
  return "params" in text ? text.params : {};
}

/** Fills `{name}` placeholders from `params`; unknown ones stay as written. */
export function fillTemplate(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? (params[name] ?? whole) : whole,
  );
}

/** A text in the current language, or null where the UI has no words for it (English). */
export function translatedText(text: Text): string | null {
  if (language() !== "de") return null;
  const template: string | undefined = textsDe[text.key];
  return template === undefined ? null : fillTemplate(template, textParams(text));
}

/** The message of an error as the rep reads it. */
export function errorMessage(error: Pick<IpcError, "message" | "text">): string {
  return (error.text && translatedText(error.text)) || error.message;
}

/** What a queued action does, as the rep reads it. */
export function actionDescription(outcome: { description: string; descriptionText?: Text | null }): string {
  return (outcome.descriptionText && translatedText(outcome.descriptionText)) || outcome.description;
}

/** Why a queued action waits or was refused, as the rep reads it. */
export function actionMessage(outcome: { message: string | null; messageText?: Text | null }): string | null {
  return (outcome.messageText && translatedText(outcome.messageText)) || outcome.message;
}
