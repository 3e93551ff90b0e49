import { afterEach, describe, expect, it } from "vitest";
import { $, startApp } from "../test/appHarness";
import { lead, lookupResult } from "../test/fixtures";
import { ALL_ACTIONS, managedSettings, setting } from "../test/settingsFixtures";
import { actionAllowed, applyActionPolicy, displayValue, policyWarning, SettingsView } from "./settingsView";

let dispose: (() => void) | null = null;
afterEach(() => {
  dispose?.();
  dispose = null;
});

/** ui/src/styles.css, beside this file's folder (this file is ui/src/settings/...). */
const STYLES_PATH = decodeURIComponent(import.meta.url.replace(/^file:\/\//, "")).replace(
  /settings\/[^/]+$/,
  "styles.css",
);

/**
 * The stylesheet's rule that hides turned-off actions, as styles.css has it (jsdom's CSS
 * parser gives up on the whole sheet, so the rule is taken out of it).
 */
async function withStyles(): Promise<void> {
  // Vitest turns CSS imports into empty modules, so the file is read as it is.
  const fs = (await import(/* @vite-ignore */ ["node", "fs"].join(":"))) as {
    readFileSync(path: string, encoding: "utf8"): string;
  };
  const styles = fs.readFileSync(STYLES_PATH, "utf8");
  const start = styles.indexOf("/* Actions the settings turn off");
  expect(start).toBeGreaterThan(0);
  const style = document.createElement("style");
  style.textContent = styles.slice(start, styles.indexOf("}", start) + 1);
  document.head.appendChild(style);
}

function shown(selector: string): boolean {
  const element = document.querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`${selector} not found`);
  return getComputedStyle(element).display !== "none";
}

const MANAGED = managedSettings({
  policyState: "applied",
  settings: [
    setting("login_url", "https://acme.my.salesforce.com", { source: "locked" }),
    setting("region", "CH", { source: "environment", adminDefault: "DE" }),
    setting("cache_max_age_days", "7", { source: "adminDefault" }),
    setting("enabled_actions", "log_call, follow_up", { source: "locked" }),
    setting("cache_enabled", "off", { source: "locked" }),
    setting("updates", "off", { source: "locked" }),
  ],
  enabledActions: ["log_call", "follow_up"],
  disabledActions: ALL_ACTIONS.filter((a) => a !== "log_call" && a !== "follow_up"),
  cacheEnabled: false,
  overridden: ["login_url (the environment)"],
});

describe("SettingsView", () => {
  it("marks what the administrator set and locked", async () => {
    const view = new SettingsView(() => Promise.resolve(MANAGED));
    document.body.replaceChildren(view.button, view.panel);
    expect(view.button.hidden).toBe(true);
    await view.refresh();
    expect(view.button.hidden).toBe(false);
    expect(view.button.classList.contains("managed")).toBe(true);

    const row = (key: string): HTMLElement => $(`.setting[data-key="${key}"]`);
    expect(row("login_url").classList.contains("managed")).toBe(true);
    expect(row("login_url").querySelector(".setting-source")?.textContent).toBe("Set by your administrator");
    expect(row("login_url").getAttribute("aria-label")).toBe("Login server, set by your administrator");
    expect(row("cache_max_age_days").querySelector(".setting-source")?.textContent).toBe(
      "Your administrator's default",
    );
    // The user's own value, and what the administrator would have set.
    expect(row("region").classList.contains("managed")).toBe(false);
    expect(row("region").querySelector(".setting-source")?.textContent).toBe("Environment variable");
    expect(row("region").querySelector(".setting-admin-default")?.textContent).toBe(
      "Your administrator's default: DE",
    );
    expect(row("enabled_actions").querySelector(".setting-text")?.textContent).toBe("Log calls, Schedule follow-ups");
    expect(row("cache_enabled").querySelector(".setting-text")?.textContent).toBe("Off");
    expect(row("updates").querySelector(".setting-text")?.textContent).toBe("Off");

    const status = $("#policy-status").textContent ?? "";
    expect(status).toContain("Some settings are managed by your administrator (/etc/callside/policy.toml).");
    expect(status).toContain("Turned off by your administrator: Rate leads, Set a lead's status,");
    expect(status).toContain("because your administrator locked them: login_url (the environment)");
  });

  it("shows an ignored policy's file, line and problem", async () => {
    const problem = "/etc/callside/policy.toml:3:1: unknown field `login_ur`";
    const invalid = managedSettings({ policyState: "invalid", policyProblem: problem });
    const view = new SettingsView(() => Promise.resolve(invalid));
    document.body.replaceChildren(view.button, view.panel);
    await view.refresh();
    expect(view.button.classList.contains("has-warning")).toBe(true);
    expect($("#policy-status").dataset.state).toBe("invalid");
    expect($("#policy-problem").textContent).toBe(problem);
    const warning = policyWarning(invalid);
    expect(warning?.title).toBe("Policy ignored");
    expect(warning?.error.message).toBe(
      `Your administrator's policy file was ignored, so Callside uses its own defaults: ${problem}`,
    );
    expect(policyWarning(MANAGED)).toBeNull();
  });

  it("says when no policy applies, or a named one is missing", async () => {
    const view = new SettingsView(() =>
      Promise.resolve(managedSettings({ policyFromEnvironment: true, policyPath: "/tmp/try.toml" })),
    );
    document.body.replaceChildren(view.button, view.panel);
    await view.refresh();
    expect($("#policy-status").textContent).toBe(
      "CALLSIDE_POLICY names /tmp/try.toml, which does not exist; no policy applies.",
    );
    const none = managedSettings();
    expect(displayValue(none, setting("enabled_actions", "all"))).toBe("All");
  });

  it("opens and closes from its button, loading afresh", async () => {
    let loads = 0;
    const view = new SettingsView(() => {
      loads++;
      return Promise.resolve(MANAGED);
    });
    document.body.replaceChildren(view.button, view.panel);
    await view.refresh();
    view.button.click();
    expect(view.open).toBe(true);
    expect(view.button.getAttribute("aria-expanded")).toBe("true");
    expect(loads).toBe(2);
    view.button.click();
    expect(view.panel.hidden).toBe(true);
  });

  it("marks the disabled actions on the root", () => {
    const root = document.createElement("div");
    applyActionPolicy(root, ["rate_lead", "create_lead"]);
    expect(root.dataset.disabledActions).toBe("rate_lead create_lead");
    expect(actionAllowed(root, "rate_lead")).toBe(false);
    expect(actionAllowed(root, "log_call")).toBe(true);
    applyActionPolicy(root, []);
    expect(root.dataset.disabledActions).toBeUndefined();
  });
});

describe("the app under a policy", () => {
  it("hides the actions the policy turns off and keeps the others", async () => {
    const harness = await startApp((backend) => {
      backend.managedSettings.mockResolvedValue(
        managedSettings({
          policyState: "applied",
          enabledActions: ["log_call", "rate_lead"],
          disabledActions: ALL_ACTIONS.filter((a) => a !== "log_call" && a !== "rate_lead"),
        }),
      );
      const opportunity = {
        id: "006000000000001AAA",
        name: "Tents",
        stage: "Prospecting",
        amount: null,
        closeDate: null,
        probability: null,
      };
      backend.lookupCaller.mockResolvedValue(lookupResult([lead({ opportunities: [opportunity] })]));
    });
    dispose = () => harness.app.dispose();
    await withStyles();
    expect(harness.root.dataset.disabledActions).toContain("set_lead_status");
    await harness.app.lookup("+1 720 555 0111");

    expect(shown(".rating-buttons")).toBe(true);
    expect(shown("#log-call-form")).toBe(true);
    expect(shown("#status-select")).toBe(false);
    expect(shown('label[for="status-select"]')).toBe(false);
    expect(shown(".advance-stage")).toBe(false);
    expect(shown("#follow-up-date")).toBe(false);
    expect($("#settings-button").hidden).toBe(false);
  });

  it("hides logging when the policy turns it off", async () => {
    const harness = await startApp((backend) => {
      backend.managedSettings.mockResolvedValue(
        managedSettings({ enabledActions: ["rate_lead"], disabledActions: ALL_ACTIONS.filter((a) => a !== "rate_lead") }),
      );
    });
    dispose = () => harness.app.dispose();
    await withStyles();
    expect(shown("#log-call-form")).toBe(false);
  });

  it("announces an ignored policy in the banner", async () => {
    const problem = "/etc/callside/policy.toml:2:17: callback_port must be a port number from 1 to 65535, not 70000";
    const harness = await startApp((backend) => {
      backend.managedSettings.mockResolvedValue(managedSettings({ policyState: "invalid", policyProblem: problem }));
    });
    dispose = () => harness.app.dispose();
    expect($("#error-banner").hidden).toBe(false);
    expect($("#error-title").textContent).toBe("Policy ignored");
    expect($("#error-message").textContent).toContain(problem);
    // Everything is offered: the policy was ignored whole.
    expect(harness.root.dataset.disabledActions).toBeUndefined();
  });
});
