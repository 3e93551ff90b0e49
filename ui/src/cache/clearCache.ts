/**
 * The footer's "Clear cache" button with its inline confirmation (no
 * window.confirm: the webview may block it): Clear cache -> "Clear cached
 * callers? Yes / No" -> a brief status.
 */
import type { After } from "../ui/schedule";
import { after } from "../ui/schedule";
import { t } from "../i18n";

export const CLEAR_LABEL = (): string => t("cache.clear");
export const CONFIRM_LABEL = (): string => t("cache.yes");
export const CLEARING_LABEL = (): string => t("cache.clearing");
export const CLEARED_TEXT = (): string => t("cache.cleared");
export const STATUS_MS = 4000;

export interface ClearCacheElements {
  button: HTMLButtonElement;
  prompt: HTMLElement;
  confirm: HTMLButtonElement;
  cancel: HTMLButtonElement;
  status: HTMLElement;
}

export interface ClearCacheOptions {
  /** Clears the cache; rejects on failure. */
  clear: () => Promise<void>;
  /** After a successful clear (e.g. reload the recent calls). */
  onCleared?: () => void;
  onError?: (error: unknown) => void;
  after?: After;
}

export class ClearCacheControl {
  private busy = false;
  private cancelStatus: (() => void) | null = null;
  private readonly after: After;

  constructor(
    private readonly els: ClearCacheElements,
    private readonly options: ClearCacheOptions,
  ) {
    this.after = options.after ?? after;
    els.button.addEventListener("click", () => this.ask());
    els.cancel.addEventListener("click", () => this.cancel());
    els.confirm.addEventListener("click", () => void this.confirm());
    els.prompt.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.busy) {
        event.preventDefault();
        event.stopPropagation();
        this.cancel();
      }
    });
    this.reset();
  }

  get asking(): boolean {
    return !this.els.prompt.hidden;
  }

  /** Turns the button into the question. */
  ask(): void {
    if (this.busy) return;
    this.hideStatus();
    this.els.button.hidden = true;
    this.els.prompt.hidden = false;
    // The safe answer gets the focus (the button that had it is gone).
    this.els.cancel.focus();
  }

  /** Back to the button, nothing cleared. */
  cancel(): void {
    if (this.busy) return;
    this.close();
    this.els.button.focus();
  }

  async confirm(): Promise<void> {
    if (this.busy || !this.asking) return;
    this.setBusy(true);
    try {
      await this.options.clear();
      this.setBusy(false);
      this.close();
      this.els.button.focus();
      this.showStatus(CLEARED_TEXT());
      this.options.onCleared?.();
    } catch (error) {
      this.setBusy(false);
      this.close();
      this.els.button.focus();
      this.options.onError?.(error);
    }
  }

  /** The initial state: the button, no question, no status. */
  reset(): void {
    this.setBusy(false);
    this.close();
    this.hideStatus();
  }

  dispose(): void {
    if (this.cancelStatus) this.cancelStatus();
    this.cancelStatus = null;
  }

  private close(): void {
    this.els.prompt.hidden = true;
    this.els.button.hidden = false;
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    const { confirm, cancel, prompt } = this.els;
    confirm.disabled = busy;
    cancel.disabled = busy;
    confirm.textContent = busy ? CLEARING_LABEL() : CONFIRM_LABEL();
    confirm.classList.toggle("busy", busy);
    prompt.setAttribute("aria-busy", String(busy));
  }

  private showStatus(text: string): void {
    this.dispose();
    this.els.status.textContent = text;
    this.els.status.hidden = false;
    this.cancelStatus = this.after(() => this.hideStatus(), STATUS_MS);
  }

  private hideStatus(): void {
    this.dispose();
    this.els.status.textContent = "";
    this.els.status.hidden = true;
  }
}
