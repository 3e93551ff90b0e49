/**
 * The wrap-up: when a call ends (or on the Wrap up button) the log form becomes a
 * focused view of its own with the call's length filled in from the timer (editable),
 * the result, notes, and a follow-up with date and priority. Submitting logs the call
 * as the log form does.
 */
import { el } from "../ui/dom";
import { formatDuration } from "../ui/format";
import { t } from "../i18n";

export const FOLLOW_UP_PRIORITIES = ["High", "Normal", "Low"] as const;
export type Priority = (typeof FOLLOW_UP_PRIORITIES)[number];

/** The longest call length accepted: a day. */
const MAX_SECONDS = 24 * 60 * 60;

/**
 * A call length as typed: "4:05" (minutes:seconds), "1:02:03" (hours too), or "95"
 * (seconds). Null for anything else.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,5}(:\d{1,2}){0,2}$/.test(trimmed)) return null;
  const parts = trimmed.split(":").map(Number);
  if (parts.slice(1).some((part) => part > 59)) return null;
  const seconds = parts.reduce((total, part) => total * 60 + part, 0);
  return seconds <= MAX_SECONDS ? seconds : null;
}

export interface WrapUpElements {
  /** The app's root element (gets the `wrapping-up` class). */
  root: HTMLElement;
  /** The log form the wrap-up focuses on. */
  form: HTMLFormElement;
  /** Where the follow-up date field sits (priority goes beside it). */
  followUpDate: HTMLInputElement;
  /** Focused when the wrap-up opens. */
  notes: HTMLTextAreaElement;
  /** The call bar, where the Wrap up button goes. */
  callBar: HTMLElement;
}

export class WrapUp {
  readonly durationInput: HTMLInputElement;
  readonly prioritySelect: HTMLSelectElement;
  readonly heading: HTMLElement;
  readonly openButton: HTMLButtonElement;
  readonly closeButton: HTMLButtonElement;
  private readonly header: HTMLElement;
  private readonly durationField: HTMLElement;
  private opened = false;

  constructor(
    private readonly els: WrapUpElements,
    /** The call's length and who it was with, when the wrap-up opens by the button. */
    private readonly current: () => { seconds: number; name: string | null },
  ) {
    this.heading = el("h2", { id: "wrap-up-heading", className: "section-title wrap-up-title" });
    this.closeButton = el("button", {
      id: "wrap-up-close",
      className: "btn btn-quiet btn-sm",
      text: t("wrapUp.close"),
      attrs: { type: "button", title: t("wrapUp.closeTitle") },
    });
    this.header = el("div", { className: "wrap-up-header" }, this.heading, this.closeButton);
    this.durationInput = el("input", {
      id: "wrap-up-duration",
      className: "input input-duration",
      attrs: {
        type: "text",
        name: "duration",
        inputmode: "numeric",
        autocomplete: "off",
        spellcheck: "false",
        placeholder: "0:00",
        "aria-describedby": "wrap-up-duration-hint",
      },
    });
    this.durationField = el(
      "div",
      { className: "field" },
      el("label", { text: t("recent.callLength"), attrs: { for: "wrap-up-duration" } }),
      this.durationInput,
      el("span", { id: "wrap-up-duration-hint", className: "hint", text: t("wrapUp.lengthHint") }),
    );
    this.prioritySelect = el(
      "select",
      { id: "follow-up-priority", className: "input select", attrs: { name: "follow-up-priority" } },
      ...FOLLOW_UP_PRIORITIES.map((p) => el("option", { text: t(`priority.${p}`), attrs: { value: p } })),
    );
    this.prioritySelect.value = "Normal";
    const priorityField = el(
      "div",
      { className: "field" },
      el("label", { text: t("caller.col.priority"), attrs: { for: "follow-up-priority" } }),
      this.prioritySelect,
    );
    this.openButton = el("button", {
      id: "wrap-up-button",
      className: "btn btn-sm wrap-up-button",
      text: t("wrapUp.button"),
      attrs: { type: "button", title: t("wrapUp.buttonTitle") },
    });

    els.form.prepend(this.header, this.durationField);
    els.followUpDate.closest(".field")?.after(priorityField);
    els.callBar.append(this.openButton);
    this.header.hidden = true;
    this.durationField.hidden = true;

    this.openButton.addEventListener("click", () => {
      const { seconds, name } = this.current();
      this.open(seconds, name);
    });
    this.closeButton.addEventListener("click", () => this.close());
  }

  get isOpen(): boolean {
    return this.opened;
  }

  get priority(): Priority {
    const value = this.prioritySelect.value;
    return (FOLLOW_UP_PRIORITIES as readonly string[]).includes(value) ? (value as Priority) : "Normal";
  }

  /** Opens the wrap-up with the call's length and the caller's name; the notes get the cursor. */
  open(seconds: number, name: string | null): void {
    this.opened = true;
    this.durationInput.value = formatDuration(seconds);
    this.heading.textContent = name ? t("wrapUp.headingNamed", { name }) : t("wrapUp.heading");
    this.header.hidden = false;
    this.durationField.hidden = false;
    this.els.root.classList.add("wrapping-up");
    this.els.form.setAttribute("role", "dialog");
    this.els.form.setAttribute("aria-labelledby", "wrap-up-heading");
    this.els.notes.focus({ preventScroll: true });
    this.els.form.scrollIntoView?.({ block: "start" });
  }

  close(): void {
    this.opened = false;
    this.header.hidden = true;
    this.durationField.hidden = true;
    this.els.root.classList.remove("wrapping-up");
    this.els.form.removeAttribute("role");
    this.els.form.removeAttribute("aria-labelledby");
  }

  /** The call length typed in the open wrap-up: seconds, or null when it is not one. */
  durationSeconds(): number | null {
    return parseDuration(this.durationInput.value);
  }

  /** After a call was logged: the priority goes back to Normal and the view closes. */
  done(): void {
    this.prioritySelect.value = "Normal";
    this.close();
  }
}
