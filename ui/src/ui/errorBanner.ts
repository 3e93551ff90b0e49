/** The dismissible #error-banner (role=alert). */
import type { IpcError } from "../ipc/bindings/IpcError";

const TITLES: Record<IpcError["code"], string> = {
  NotSignedIn: "Not signed in",
  SessionExpired: "Session expired",
  Offline: "Offline",
  InvalidInput: "Check the input",
  Salesforce: "Salesforce error",
  Internal: "Something went wrong",
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

  show(error: IpcError): void {
    this.root.dataset.code = error.code;
    this.title.textContent = TITLES[error.code] ?? TITLES.Internal;
    this.message.textContent = error.message;
    this.root.hidden = false;
  }

  hide(): void {
    this.root.hidden = true;
    this.message.textContent = "";
    this.title.textContent = "";
    delete this.root.dataset.code;
  }
}
