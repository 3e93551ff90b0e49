/**
 * The settings view: a header button and a panel that list the settings in effect and
 * where each comes from, marking the ones the administrator's policy set ("Set by your
 * administrator" for locked values, "Your administrator's default" for defaults), and
 * whether the policy applies or was ignored (with the file, line and problem).
 *
 * Also the two effects of the policy on the rest of the window: actions the settings
 * turn off (`enabled_actions`) are hidden wherever they are offered (the app root's
 * `data-disabled-actions` attribute, which styles.css reads), and an ignored policy is
 * announced in the error banner.
 */
import type { Key } from "../i18n";
import { t } from "../i18n";
import { en } from "../i18n/en";
import type { IpcError } from "../ipc/bindings/IpcError";
import type { ManagedSettings } from "../ipc/bindings/ManagedSettings";
import type { SettingSource } from "../ipc/bindings/SettingSource";
import type { SettingView } from "../ipc/bindings/SettingView";
import { clear, el } from "../ui/dom";

/** `t(key)` for a key made at run time; `fallback` when the dictionary lacks it. */
function text(key: string, fallback: string): string {
  return Object.prototype.hasOwnProperty.call(en, key) ? t(key as Key) : fallback;
}

/** What a rep calls an action (`rate_lead` → "Rate leads"). */
export function actionName(kind: string): string {
  return text(`settings.action.${kind}`, kind);
}

/** The setting's value as the view shows it (on/off, action names, update modes). */
export function displayValue(settings: ManagedSettings, setting: SettingView): string {
  switch (setting.key) {
    case "cache_enabled":
      return t(settings.cacheEnabled ? "settings.value.on" : "settings.value.off");
    case "enabled_actions":
      if (settings.disabledActions.length === 0) return t("settings.value.allActions");
      if (settings.enabledActions.length === 0) return t("settings.value.noActions");
      return settings.enabledActions.map(actionName).join(", ");
    case "updates":
      return text(`settings.updates.${setting.value}`, setting.value);
    default:
      return setting.value;
  }
}

/** Where a value came from, for its badge. */
export function sourceLabel(source: SettingSource): string {
  return text(`settings.source.${source}`, source);
}

/** Marks the actions the settings turn off on the app's root; styles.css hides them. */
export function applyActionPolicy(root: HTMLElement, disabled: readonly string[]): void {
  if (disabled.length === 0) delete root.dataset.disabledActions;
  else root.dataset.disabledActions = disabled.join(" ");
}

/** Whether the app's root allows `kind` (see `applyActionPolicy`). */
export function actionAllowed(root: HTMLElement, kind: string): boolean {
  return !(root.dataset.disabledActions ?? "").split(" ").includes(kind);
}

/** The banner for an ignored policy (null when the policy applies or there is none). */
export function policyWarning(settings: ManagedSettings): { error: IpcError; title: string } | null {
  if (settings.policyState !== "invalid") return null;
  return {
    error: {
      code: "InvalidInput",
      message: t("settings.bannerInvalid", { problem: settings.policyProblem ?? settings.policyPath }),
    },
    title: t("settings.bannerTitle"),
  };
}

export class SettingsView {
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  private readonly status = el("div", { id: "policy-status", className: "policy-status" });
  private readonly list = el("dl", { id: "settings-list", className: "settings-list" });
  private current: ManagedSettings | null = null;
  private seq = 0;

  constructor(
    private readonly load: () => Promise<ManagedSettings>,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.button = el("button", {
      id: "settings-button",
      className: "btn btn-quiet btn-sm settings-button",
      text: t("settings.button"),
      attrs: { type: "button", title: t("settings.buttonTitle"), "aria-expanded": "false", "aria-controls": "settings-panel" },
    });
    this.panel = el("section", {
      id: "settings-panel",
      className: "card settings-panel",
      attrs: { "aria-labelledby": "settings-heading" },
    });
    this.panel.append(
      el("h3", { id: "settings-heading", className: "section-title", text: t("settings.heading") }),
      this.status,
      this.list,
    );
    this.panel.hidden = true;
    this.button.hidden = true;
    this.button.addEventListener("click", () => this.toggle());
  }

  get open(): boolean {
    return !this.panel.hidden;
  }

  /** What was loaded last. */
  get settings(): ManagedSettings | null {
    return this.current;
  }

  toggle(open = !this.open): void {
    this.panel.hidden = !open;
    this.button.setAttribute("aria-expanded", String(open));
    if (open) void this.refresh();
  }

  /** Loads the settings and shows them; resolves with them, or null when they failed. */
  async refresh(): Promise<ManagedSettings | null> {
    const seq = ++this.seq;
    try {
      const settings = await this.load();
      if (seq === this.seq) this.render(settings);
      return settings;
    } catch (error) {
      if (seq === this.seq) this.onError(error);
      return null;
    }
  }

  render(settings: ManagedSettings): void {
    this.current = settings;
    this.button.hidden = false;
    this.button.classList.toggle("has-warning", settings.policyState === "invalid");
    this.button.classList.toggle("managed", settings.policyState === "applied");
    this.renderStatus(settings);
    clear(this.list);
    for (const setting of settings.settings) {
      const managed = setting.source === "locked" || setting.source === "adminDefault";
      const row = el(
        "div",
        {
          className: `setting source-${setting.source}${managed ? " managed" : ""}`,
          data: { key: setting.key },
        },
        el("dt", { className: "setting-name", text: text(`settings.key.${setting.key}`, setting.key) }),
        el(
          "dd",
          { className: "setting-value" },
          el("span", { className: "setting-text", text: displayValue(settings, setting) }),
          " ",
          el("span", {
            className: `setting-source badge source-badge-${setting.source}`,
            text: sourceLabel(setting.source),
          }),
          setting.adminDefault !== null &&
            el("span", {
              className: "setting-admin-default hint",
              text: t("settings.adminDefaultWas", { value: setting.adminDefault }),
            }),
        ),
      );
      if (setting.source === "locked") row.setAttribute("aria-label", t("settings.lockedAria", { name: text(`settings.key.${setting.key}`, setting.key) }));
      this.list.append(row);
    }
  }

  private renderStatus(settings: ManagedSettings): void {
    clear(this.status);
    const line = (className: string, value: string): HTMLElement => el("p", { className, text: value });
    this.status.dataset.state = settings.policyState;
    switch (settings.policyState) {
      case "applied":
        this.status.append(line("policy-line", t("settings.policyApplied", { path: settings.policyPath })));
        break;
      case "invalid":
        this.status.append(
          line("policy-line policy-invalid", t("settings.policyInvalid")),
          el("code", { id: "policy-problem", className: "policy-problem", text: settings.policyProblem ?? "" }),
        );
        break;
      case "absent":
        this.status.append(
          line(
            "policy-line",
            settings.policyFromEnvironment
              ? t("settings.policyMissing", { path: settings.policyPath })
              : t("settings.policyAbsent"),
          ),
        );
        break;
    }
    if (settings.disabledActions.length > 0) {
      const source = settings.settings.find((s) => s.key === "enabled_actions")?.source;
      const byAdmin = source === "locked" || source === "adminDefault";
      const list = settings.disabledActions.map(actionName).join(", ");
      this.status.append(
        line(
          "policy-line disabled-actions",
          t(byAdmin ? "settings.disabledByAdmin" : "settings.disabledByYou", { list }),
        ),
      );
    }
    if (settings.overridden.length > 0) {
      this.status.append(line("policy-line overridden", t("settings.overridden", { list: settings.overridden.join(", ") })));
    }
  }
}
