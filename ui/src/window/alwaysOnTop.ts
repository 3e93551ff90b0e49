/** The header's "keep on top" toggle, remembered in localStorage and re-applied at start. */
import { t } from "../i18n";

export const ALWAYS_ON_TOP_KEY = "callside.alwaysOnTop";

export interface AlwaysOnTopDeps {
  apply: (on: boolean) => Promise<void>;
  onError: (error: unknown) => void;
  storage?: Pick<Storage, "getItem" | "setItem"> | null;
}

function defaultStorage(): Pick<Storage, "getItem" | "setItem"> | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export class AlwaysOnTopToggle {
  private on = false;
  private readonly storage: Pick<Storage, "getItem" | "setItem"> | null;

  constructor(
    private readonly button: HTMLButtonElement,
    private readonly deps: AlwaysOnTopDeps,
  ) {
    this.storage = deps.storage === undefined ? defaultStorage() : deps.storage;
    this.on = this.storage?.getItem(ALWAYS_ON_TOP_KEY) === "true";
    this.render();
    this.button.addEventListener("click", () => void this.set(!this.on));
  }

  get enabled(): boolean {
    return this.on;
  }

  /** Applies the remembered choice (only "on" needs applying: windows start normal). */
  async restore(): Promise<void> {
    if (this.on) await this.set(true);
  }

  async set(on: boolean): Promise<void> {
    const before = this.on;
    this.on = on;
    this.render();
    try {
      await this.deps.apply(on);
      try {
        this.storage?.setItem(ALWAYS_ON_TOP_KEY, String(on));
      } catch {
        // Storage full or off: the choice holds for this run only.
      }
    } catch (error) {
      this.on = before;
      this.render();
      this.deps.onError(error);
    }
  }

  private render(): void {
    this.button.setAttribute("aria-pressed", String(this.on));
    this.button.classList.toggle("active", this.on);
    this.button.title = this.on ? t("onTop.stop") : t("onTop.keep");
  }
}
