import { afterEach, describe, expect, it } from "vitest";
import { flush } from "../test/fixtures";
import type { AppHarness } from "../test/appHarness";
import { $, startApp } from "../test/appHarness";

describe("the desktop around the window", () => {
  let h: AppHarness;

  afterEach(() => h.app.dispose());

  it("lists the global shortcut among the keyboard shortcuts", async () => {
    h = await startApp();
    await flush();
    expect($(".shortcuts-help .global-shortcut").textContent).toBe("Ctrl+Alt+K");
    expect($("#notice").hidden).toBe(true);
    expect($("#tray-note").hidden).toBe(false);
  });

  it("says nothing of a tray where there is none", async () => {
    h = await startApp((backend) =>
      backend.desktopInfo.mockResolvedValue({ language: null, focusShortcut: "Ctrl+Alt+K", shortcutProblem: null, tray: false }),
    );
    await flush();
    expect($("#tray-note").hidden).toBe(true);
  });

  it("says so when the shortcut is taken by another app, and the notice can be dismissed", async () => {
    h = await startApp((backend) =>
      backend.desktopInfo.mockResolvedValue({
        language: null,
        focusShortcut: "Ctrl+Alt+K",
        shortcutProblem: "The shortcut Ctrl+Alt+K is taken by another app; choose another with focus_shortcut in the config file.",
        tray: true,
      }),
    );
    await flush();
    expect($("#notice").hidden).toBe(false);
    expect($("#notice").getAttribute("role")).toBe("status");
    expect($("#notice-message").textContent).toMatch(/taken by another app/);
    expect(document.querySelector(".shortcuts-help .global-shortcut")).toBeNull();
    $("#notice-dismiss").click();
    expect($("#notice").hidden).toBe(true);
  });

  it("puts the cursor in the number field, its text selected, when the shortcut is pressed", async () => {
    h = await startApp();
    const number = $<HTMLInputElement>("#number-input");
    number.value = "+1 720 555 0111";
    $("#notes-input").focus();
    h.backend.emitFocusNumber();
    expect(document.activeElement).toBe(number);
    expect(number.selectionStart).toBe(0);
    expect(number.selectionEnd).toBe(number.value.length);
  });
});
