/**
 * The action bar under the caller panel: rate a lead and set its status, advance an
 * opportunity (with an inline confirmation for a closing stage), create a lead for an
 * unknown caller, and a status line with each action's outcome.
 */
import type { CallerPanel } from "../caller/callerPanel";
import type { Backend } from "../ipc/backend";
import { toIpcError } from "../ipc/backend";
import type { ActionOutcome } from "../ipc/bindings/ActionOutcome";
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import type { IpcError } from "../ipc/bindings/IpcError";
import type { Stage } from "../ipc/bindings/Stage";
import { clear, el } from "../ui/dom";
import type { Rating, Tone } from "./actions";
import { accepted, describeAction, needsCloseConfirmation, nextStage, RATINGS, stageFromOutcome } from "./actions";
import { t } from "../i18n";
import { errorMessage } from "../i18n/errors";

export const SHORTCUT_KEYS: Record<Rating, string> = { Hot: "H", Warm: "W", Cold: "C" };

/** A rating as the buttons say it (the value sent is Salesforce's: Hot, Warm, Cold). */
export function ratingLabel(rating: Rating): string {
  return t(`rating.${rating}`);
}

export interface ActionBarDeps {
  backend: Backend;
  panel: CallerPanel;
  /** After every action (the outbox badge refreshes). */
  onDone?: () => void;
  /** A thrown error (the app refreshes the session on auth errors). */
  onError?: (error: IpcError) => void;
  /** Pops a number again (after a lead was created for it). */
  repop?: (number: string) => Promise<void>;
}

export class ActionBar {
  readonly root: HTMLElement;
  private readonly controls = el("div", { className: "action-controls" });
  private readonly confirmPrompt = el("div", {
    id: "confirm-close-prompt",
    className: "confirm confirm-close",
    attrs: { role: "group", "aria-labelledby": "confirm-close-question" },
  });
  private readonly confirmQuestion = el("span", { id: "confirm-close-question", className: "confirm-question" });
  private readonly confirmButton = el("button", {
    id: "confirm-close",
    className: "btn btn-danger btn-sm",
    text: t("action.closeIt"),
    attrs: { type: "button" },
  });
  private readonly cancelButton = el("button", {
    id: "cancel-close",
    className: "btn btn-sm",
    text: t("action.cancel"),
    attrs: { type: "button" },
  });
  private readonly status = el("p", { id: "action-status", className: "result", attrs: { role: "status" } });
  private readonly createForm = el("form", {
    id: "create-lead-form",
    className: "create-lead",
    attrs: { "aria-label": t("action.createLead"), autocomplete: "off" },
  });
  private readonly firstName = input("lead-first-name", "given-name", 40);
  private readonly lastName = input("lead-last-name", "family-name", 80);
  private readonly company = input("lead-company", "organization", 255);
  private readonly createButton = el("button", {
    id: "create-lead-button",
    className: "btn btn-primary btn-sm",
    text: t("action.createLead"),
    attrs: { type: "submit" },
  });
  private readonly createResult = el("p", { id: "create-lead-result", className: "result", attrs: { role: "status" } });
  private statuses: Promise<string[]> | null = null;
  private loadedStatuses: string[] | null = null;
  private stages: Promise<Stage[]> | null = null;
  private closing: string | null = null;
  private creating = false;
  /** The number the create-lead form was filled for. */
  private formNumber: string | null = null;

  constructor(private readonly deps: ActionBarDeps) {
    this.root = el("section", { id: "action-bar", className: "card action-bar", attrs: { "aria-label": t("action.actions") } });
    this.lastName.required = true;
    this.company.required = true;
    this.confirmPrompt.append(this.confirmQuestion, this.confirmButton, this.cancelButton);
    this.confirmPrompt.hidden = true;
    this.createForm.append(
      el("h3", { className: "section-title", text: t("action.unknownCaller") }),
      field(t("action.firstName"), this.firstName, false),
      field(t("action.lastName"), this.lastName, true),
      field(t("action.company"), this.company, true),
      el("div", { className: "form-footer" }, this.createButton),
    );
    this.status.hidden = true;
    this.createResult.hidden = true;
    this.root.append(this.controls, this.confirmPrompt, this.createResult, this.status);
    this.confirmButton.addEventListener("click", () => {
      if (this.closing) void this.advance(this.closing, true);
    });
    this.cancelButton.addEventListener("click", () => this.hideConfirm());
    this.createForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.createLead();
    });
    this.root.hidden = true;
  }

  /** Re-renders for the panel's current selection (call when it changes). */
  render(): void {
    const panel = this.deps.panel;
    const match = panel.selected;
    const focusedId = this.root.contains(document.activeElement) ? document.activeElement?.id : undefined;
    if (this.closing && !panel.matches.some((m) => m.opportunities.some((o) => o.id === this.closing))) {
      this.hideConfirm();
    }
    clear(this.controls);
    const number = panel.number;
    if (match?.type === "Lead") {
      this.controls.append(this.leadControls(match));
    } else if (number !== null && panel.matches.length === 0) {
      if (this.formNumber !== number) {
        this.formNumber = number;
        this.createForm.reset();
      }
      this.controls.append(this.createForm);
    }
    this.root.hidden =
      this.controls.childNodes.length === 0 && this.status.hidden && this.createResult.hidden && this.confirmPrompt.hidden;
    if (focusedId) document.getElementById(focusedId)?.focus({ preventScroll: true });
  }

  /** Clears the status lines (a new caller). */
  clearStatus(): void {
    this.status.hidden = true;
    this.status.textContent = "";
    this.createResult.hidden = true;
    this.createResult.textContent = "";
    this.hideConfirm();
    this.render();
  }

  /** Forgets what was loaded for the session (sign-out). */
  reset(): void {
    this.statuses = null;
    this.loadedStatuses = null;
    this.stages = null;
    this.clearStatus();
  }

  /** Shows an outcome in the status line, e.g. a follow-up's. */
  showOutcome(label: string, outcome: ActionOutcome): void {
    const message = describeAction(outcome);
    this.showStatus(message.tone, `${label}: ${message.text}`);
  }

  showStatus(tone: Tone, text: string): void {
    this.status.textContent = text;
    this.status.className = `result result-${tone}`;
    this.status.hidden = false;
    this.root.hidden = false;
  }

  /** Rates the selected lead. */
  async rate(rating: Rating): Promise<void> {
    const match = this.deps.panel.selected;
    if (match?.type !== "Lead") return;
    const outcome = await this.run(t("action.ratingLabel", { rating: ratingLabel(rating) }), () =>
      this.deps.backend.rateLead(match.id, rating),
    );
    if (outcome && accepted(outcome)) this.deps.panel.patchMatch(match.id, { rating });
  }

  /** Sets the selected lead's status. */
  async setStatus(status: string): Promise<void> {
    const match = this.deps.panel.selected;
    if (match?.type !== "Lead" || status === "") return;
    const outcome = await this.run(t("action.statusLabel", { status }), () =>
      this.deps.backend.setLeadStatus(match.id, status),
    );
    if (outcome && accepted(outcome)) this.deps.panel.patchMatch(match.id, { status });
    // A refusal puts the select back on the lead's status.
    else this.render();
  }

  /** Moves an opportunity to its next stage; a closing stage asks to confirm first. */
  async advance(opportunityId: string, confirmClosing = false): Promise<void> {
    const opportunity = this.deps.panel.matches
      .flatMap((m) => m.opportunities)
      .find((o) => o.id === opportunityId);
    if (!opportunity) return;
    this.hideConfirm();
    try {
      const outcome = await this.deps.backend.setOpportunityStage(opportunityId, null, confirmClosing);
      this.showOutcome(`${opportunity.name}`, outcome);
      if (accepted(outcome)) {
        const stage = stageFromOutcome(outcome) ?? nextStage(await this.loadStages(), opportunity.stage);
        if (stage) this.deps.panel.patchOpportunityStage(opportunityId, stage);
      }
    } catch (error) {
      const ipcError = toIpcError(error);
      if (!confirmClosing && needsCloseConfirmation(ipcError)) {
        this.askToClose(opportunityId, errorMessage(ipcError));
      } else {
        this.showStatus("failure", errorMessage(ipcError));
        this.deps.onError?.(ipcError);
      }
    } finally {
      this.deps.onDone?.();
    }
  }

  /** Creates a lead from the form for the shown unknown number, then pops it again. */
  async createLead(): Promise<void> {
    const number = this.deps.panel.number;
    if (this.creating || number === null) return;
    const lastName = this.lastName.value.trim();
    const company = this.company.value.trim();
    if (lastName === "" || company === "") {
      this.showStatus("failure", t("action.leadNeeds"));
      (lastName === "" ? this.lastName : this.company).focus();
      return;
    }
    const firstName = this.firstName.value.trim();
    this.setCreating(true);
    try {
      const outcome = await this.run(t("action.leadLabel", { name: lastName }), () =>
        this.deps.backend.createLead({ phone: number, lastName, company, firstName: firstName === "" ? null : firstName }),
      );
      if (outcome && accepted(outcome)) {
        this.createResult.textContent =
          outcome.status === "sent" ? t("action.leadCreated") : t("action.leadQueued");
        this.createResult.className = `result result-${outcome.status === "sent" ? "success" : "pending"}`;
        this.createResult.hidden = false;
        this.createForm.reset();
        await this.deps.repop?.(number);
      }
    } finally {
      this.setCreating(false);
    }
  }

  /** Loads the org's lead statuses once (per session). */
  leadStatuses(): Promise<string[]> {
    if (!this.statuses) {
      const load = this.deps.backend.leadStatuses();
      this.statuses = load;
      load.then(
        (statuses) => {
          if (this.statuses !== load) return;
          this.loadedStatuses = statuses;
          this.render();
        },
        (error: unknown) => {
          // Tried again on the next need.
          if (this.statuses === load) this.statuses = null;
          console.error("Callside: lead statuses are unavailable", toIpcError(error));
        },
      );
    }
    return this.statuses;
  }

  private loadStages(): Promise<Stage[]> {
    if (!this.stages) {
      this.stages = this.deps.backend.opportunityStages().catch(() => {
        this.stages = null;
        return [];
      });
    }
    return this.stages;
  }

  private async run(label: string, action: () => Promise<ActionOutcome>): Promise<ActionOutcome | null> {
    try {
      const outcome = await action();
      this.showOutcome(label, outcome);
      return outcome;
    } catch (error) {
      const ipcError = toIpcError(error);
      this.showStatus("failure", errorMessage(ipcError));
      this.deps.onError?.(ipcError);
      return null;
    } finally {
      this.deps.onDone?.();
    }
  }

  private askToClose(opportunityId: string, message: string): void {
    this.closing = opportunityId;
    this.confirmQuestion.textContent = message;
    this.confirmPrompt.hidden = false;
    this.root.hidden = false;
    this.confirmButton.focus({ preventScroll: true });
  }

  private hideConfirm(): void {
    this.closing = null;
    this.confirmPrompt.hidden = true;
  }

  private setCreating(creating: boolean): void {
    this.creating = creating;
    this.createButton.disabled = creating;
    this.createButton.textContent = creating ? t("action.creating") : t("action.createLead");
    this.createForm.setAttribute("aria-busy", String(creating));
  }

  private leadControls(lead: CallerMatch): HTMLElement {
    const ratings = el("div", { className: "rating-buttons", attrs: { role: "group", "aria-label": t("action.rating") } });
    for (const rating of RATINGS) {
      const key = SHORTCUT_KEYS[rating];
      const pressed = (lead.rating ?? "").toLowerCase() === rating.toLowerCase();
      const button = el("button", {
        id: `rate-${rating.toLowerCase()}`,
        className: `btn btn-sm rating-button${pressed ? " pressed" : ""}`,
        text: ratingLabel(rating),
        attrs: {
          type: "button",
          "aria-pressed": String(pressed),
          title: t("action.rateTitle", { rating: ratingLabel(rating), key }),
          "aria-keyshortcuts": `Alt+${key}`,
        },
      });
      button.addEventListener("click", () => void this.rate(rating));
      ratings.append(button);
    }

    const select = el("select", {
      id: "status-select",
      className: "input select",
      attrs: { name: "lead-status", title: t("action.leadStatus") },
    });
    const statuses = this.loadedStatuses;
    const options = statuses ? [...statuses] : [];
    if (lead.status && !options.includes(lead.status)) options.unshift(lead.status);
    if (!lead.status) select.append(el("option", { text: "—", attrs: { value: "" } }));
    for (const status of options) select.append(el("option", { text: status, attrs: { value: status } }));
    select.value = lead.status ?? "";
    if (!statuses) {
      select.disabled = true;
      select.setAttribute("aria-busy", "true");
      void this.leadStatuses();
    }
    select.addEventListener("change", () => void this.setStatus(select.value));

    return el(
      "div",
      { className: "lead-actions" },
      el("span", { className: "action-label", text: t("action.rating") }),
      ratings,
      el("label", { className: "action-label", text: t("caller.col.status"), attrs: { for: "status-select" } }),
      select,
    );
  }
}

function input(id: string, autocomplete: string, maxLength: number): HTMLInputElement {
  return el("input", {
    id,
    className: "input",
    attrs: { type: "text", name: id, autocomplete, maxlength: String(maxLength) },
  });
}

function field(label: string, control: HTMLInputElement, required: boolean): HTMLElement {
  return el(
    "div",
    { className: "field" },
    el("label", { attrs: { for: control.id } }, label, required ? "" : el("span", { className: "optional", text: ` ${t("layout.optional")}` })),
    control,
  );
}
