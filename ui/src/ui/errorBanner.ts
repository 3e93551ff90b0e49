/** The dismissible #error-banner (role=alert). */
import type { Key } from "../i18n";
import { t } from "../i18n";
import type { IpcError } from "../ipc/bindings/IpcError";
import { errorMessage } from "../i18n/errors";

const TITLES: Record<IpcError["code"], Key> = {
  NotSignedIn: "error.NotSignedIn",
  SessionExpired: "error.SessionExpired",
  Offline: "error.Offline",
  InvalidInput: "error.InvalidInput",
  Salesforce: "error.Salesforce",
  Internal: "error.Internal",
};

export class ErrorBanner {
  constructor(
    private readonly root: HTMLElement,
    private readonly title: HTMLElement,
    private readonly message: HTMLElement,
    dismiss: HTMLButtonElement,
  ) {
    root.hidden = true;
    dismiss.addEventListener("click", () => this.hide());
  }

  get visible(): boolean {
    return !this.root.hidden;
  }

  /** Shows `error`; `title` replaces the one its code gives (a notice such as "Policy ignored"). */
  show(error: IpcError, title?: string): void {
    this.root.dataset.code = error.code;
    this.title.textContent = title ?? t(TITLES[error.code] ?? TITLES.Internal);
    this.message.textContent = errorMessage(error);
    this.root.hidden = false;
  }

  hide(): void {
    this.root.hidden = true;
    this.message.textContent = "";
    this.title.textContent = "";
    delete this.root.dataset.code;
  }
}
