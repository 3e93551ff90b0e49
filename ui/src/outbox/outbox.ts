/**
 * The outbox: a header badge with how many actions still wait (pending or failed),
 * and a panel that lists them with Retry / Discard and Retry all.
 */
import { outboxCounts } from "../actions/actions";
import type { Backend } from "../ipc/backend";
import { toIpcError } from "../ipc/backend";
import type { ActionOutcome } from "../ipc/bindings/ActionOutcome";
import type { Conflict } from "../ipc/bindings/Conflict";
import type { IpcError } from "../ipc/bindings/IpcError";
import { clear, el } from "../ui/dom";
import type { Key } from "../i18n";
import { t } from "../i18n";
import { actionDescription, actionMessage } from "../i18n/errors";

export interface OutboxElements {
  button: HTMLButtonElement;
  panel: HTMLElement;
}

const STATUS_LABEL: Record<ActionOutcome["status"], Key> = {
  pending: "outbox.status.pending",
  sent: "outbox.status.sent",
  failed: "outbox.status.failed",
};

export class OutboxView {
  private items: ActionOutcome[] = [];
  private seq = 0;
  private readonly list = el("ul", { id: "outbox-list", className: "outbox-list" });
  private readonly empty = el("p", { id: "outbox-empty", className: "empty-state small", text: t("outbox.empty") });
  private readonly retryAll = el("button", {
    id: "retry-all",
    className: "btn btn-sm",
    text: t("outbox.retryAll"),
    attrs: { type: "button" },
  });

  constructor(
    private readonly elements: OutboxElements,
    private readonly backend: Backend,
    private readonly onError: (error: IpcError) => void = () => {},
  ) {
    const { button, panel } = elements;
    button.hidden = true;
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", panel.id);
    panel.append(
      el(
        "div",
        { className: "outbox-header" },
        el("h3", { id: "outbox-heading", className: "section-title", text: t("outbox.heading") }),
        this.retryAll,
      ),
      this.list,
      this.empty,
    );
    button.addEventListener("click", () => this.toggle());
    this.retryAll.addEventListener("click", () => void this.retry(null));
    this.list.addEventListener("click", (event) => {
      const target = event.target instanceof Element ? event.target.closest<HTMLElement>("button") : null;
      const id = target?.closest<HTMLElement>(".outbox-item")?.dataset.id;
      if (!target || id === undefined) return;
      if (target.classList.contains("retry-action")) void this.retry(id);
      else if (target.classList.contains("overwrite-action")) void this.overwrite(id);
      else if (target.classList.contains("discard-action")) void this.discard(id);
    });
  }

  get open(): boolean {
    return !this.elements.panel.hidden;
  }

  /** Pending + failed. */
  get waiting(): number {
    return outboxCounts(this.items).waiting;
  }

  toggle(open = !this.open): void {
    this.elements.panel.hidden = !open;
    this.elements.button.setAttribute("aria-expanded", String(open));
    if (open) void this.refresh();
  }

  /** Reloads the outbox and redraws the badge and list. */
  async refresh(): Promise<void> {
    const seq = ++this.seq;
    try {
      const items = await this.backend.outbox();
      if (seq === this.seq) this.render(items);
    } catch (error) {
      if (seq === this.seq) console.error("Callside: the outbox is unavailable", toIpcError(error));
    }
  }

  /** Hides everything (signed out). */
  reset(): void {
    this.seq++;
    this.render([]);
    this.toggle(false);
  }

  private async retry(actionId: string | null): Promise<void> {
    try {
      await this.backend.retryAction(actionId);
    } catch (error) {
      this.onError(toIpcError(error));
    }
    await this.refresh();
  }

  private async overwrite(actionId: string): Promise<void> {
    try {
      await this.backend.overwriteAction(actionId);
    } catch (error) {
      this.onError(toIpcError(error));
    }
    await this.refresh();
  }

  private async discard(actionId: string): Promise<void> {
    try {
      await this.backend.discardAction(actionId);
    } catch (error) {
      this.onError(toIpcError(error));
    }
    await this.refresh();
  }

  private render(items: ActionOutcome[]): void {
    this.items = items;
    const { waiting, failed } = outboxCounts(items);
    const { button } = this.elements;
    button.hidden = waiting === 0;
    button.textContent = String(waiting);
    button.classList.toggle("has-failed", failed > 0);
    const waitingText = waiting === 1 ? t("outbox.waitingOne") : t("outbox.waitingMany", { n: waiting });
    const label =
      failed > 0 ? t("outbox.labelFailed", { waiting: waitingText, failed }) : t("outbox.label", { waiting: waitingText });
    button.title = label;
    button.setAttribute("aria-label", label);

    const shown = items.filter((i) => i.status !== "sent");
    clear(this.list);
    for (const item of shown) {
      this.list.append(
        el(
          "li",
          { className: `outbox-item status-${item.status}`, data: { id: item.actionId } },
          el("span", { className: "outbox-description", text: actionDescription(item) }),
          el("span", { className: `outbox-status chip status-${item.status}`, text: t(STATUS_LABEL[item.status]) }),
          item.message && el("span", { className: "outbox-message", text: actionMessage(item) ?? item.message }),
          item.conflict && conflictTable(item.conflict),
          item.conflict
            ? el(
                "span",
                { className: "outbox-actions" },
                el("button", {
                  className: "btn btn-sm overwrite-action",
                  text: t("outbox.overwrite"),
                  attrs: { type: "button" },
                }),
                el("button", {
                  className: "btn btn-quiet btn-sm discard-action",
                  text: t("outbox.keepTheirs"),
                  attrs: { type: "button" },
                }),
              )
            : el(
                "span",
                { className: "outbox-actions" },
                el("button", { className: "btn btn-sm retry-action", text: t("outbox.retry"), attrs: { type: "button" } }),
                item.status === "failed" &&
                  el("button", { className: "btn btn-quiet btn-sm discard-action", text: t("outbox.discard"), attrs: { type: "button" } }),
              ),
        ),
      );
    }
    this.empty.hidden = shown.length > 0;
    this.retryAll.disabled = shown.length === 0;
  }
}

/** Each field of a conflict: the rep's value beside the one Salesforce holds now. */
function conflictTable(conflict: Conflict): HTMLElement {
  const changed =
    conflict.modifiedBy !== null ? t("outbox.theirsBy", { name: conflict.modifiedBy }) : t("outbox.theirs");
  return el(
    "table",
    { className: "outbox-conflict" },
    el(
      "thead",
      {},
      el("tr", {}, el("th", { text: t("outbox.field") }), el("th", { text: t("outbox.yours") }), el("th", { text: changed })),
    ),
    el(
      "tbody",
      {},
      ...conflict.fields.map((field) =>
        el(
          "tr",
          {},
          el("th", { text: field.field, attrs: { scope: "row" } }),
          el("td", { className: "conflict-ours", text: field.ours ?? "—" }),
          el("td", { className: "conflict-theirs", text: field.theirs ?? "—" }),
        ),
      ),
    ),
  );
}
