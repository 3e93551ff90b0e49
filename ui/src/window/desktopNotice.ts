/**
 * What the shell reports about the desktop around the window: the global focus shortcut
 * joins the keyboard-shortcut list, and a shortcut that does not work (another app
 * holds it) shows as a dismissible notice instead of failing silently.
 */
import type { DesktopInfo } from "../ipc/bindings/DesktopInfo";
import { el } from "../ui/dom";
import { t } from "../i18n";

export class DesktopNotice {
  readonly root: HTMLElement;
  private readonly text: HTMLElement;
  private shortcutEntry: HTMLElement[] = [];
  /** Says what closing the window does while there is a tray icon. */
  readonly trayNote: HTMLElement;

  constructor(private readonly shortcutsHelp: HTMLElement) {
    this.text = el("span", { id: "notice-message", className: "banner-message" });
    const dismiss = el("button", {
      id: "notice-dismiss",
      className: "icon-btn",
      text: "×",
      attrs: { type: "button", "aria-label": t("notice.dismiss") },
    });
    this.root = el(
      "div",
      { id: "notice", className: "banner banner-notice", attrs: { role: "status" } },
      el("span", { className: "banner-icon", text: "i", attrs: { "aria-hidden": "true" } }),
      el("p", { className: "banner-text" }, this.text),
      dismiss,
    );
    this.root.hidden = true;
    dismiss.addEventListener("click", () => this.hide());
    this.trayNote = el("p", {
      id: "tray-note",
      className: "hint",
      text: t("notice.tray"),
    });
    this.trayNote.hidden = true;
    shortcutsHelp.after(this.trayNote);
  }

  show(info: DesktopInfo): void {
    this.trayNote.hidden = !info.tray;
    for (const node of this.shortcutEntry) node.remove();
    this.shortcutEntry = [];
    if (info.shortcutProblem) {
      this.text.textContent = info.shortcutProblem;
      this.root.hidden = false;
    } else {
      const keys = el("dt", { className: "global-shortcut" }, el("kbd", { text: info.focusShortcut }));
      const what = el("dd", { text: t("shortcut.global") });
      this.shortcutsHelp.prepend(keys, what);
      this.shortcutEntry = [keys, what];
    }
  }

  hide(): void {
    this.root.hidden = true;
    this.text.textContent = "";
  }
}
