/** Settings-view data for tests: no policy by default, overridable per test. */
import type { ManagedSettings } from "../ipc/bindings/ManagedSettings";
import type { SettingView } from "../ipc/bindings/SettingView";

export const ALL_ACTIONS = [
  "log_call",
  "follow_up",
  "rate_lead",
  "set_lead_status",
  "set_stage",
  "create_lead",
  "create_opportunity",
  "schedule_demo",
  "qualify_lead",
  "assign_lead",
];

export function setting(key: string, value: string, overrides: Partial<SettingView> = {}): SettingView {
  return { key, value, source: "default", adminDefault: null, ...overrides };
}

/** The settings of a machine without a policy, with `overrides` on top. */
export function managedSettings(overrides: Partial<ManagedSettings> = {}): ManagedSettings {
  return {
    policyPath: "/etc/callside/policy.toml",
    policyFromEnvironment: false,
    policyState: "absent",
    policyProblem: null,
    settings: [
      setting("login_url", "https://login.salesforce.com", { source: "environment" }),
      setting("enabled_actions", "all"),
      setting("cache_enabled", "on"),
      setting("updates", "notify"),
    ],
    enabledActions: [...ALL_ACTIONS],
    disabledActions: [],
    cacheEnabled: true,
    overridden: [],
    ...overrides,
  };
}
