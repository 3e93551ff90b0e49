/** Builds the static skeleton of the side panel and returns its parts. */
import { clear, el } from "./dom";
import type { Key } from "../i18n";
import { t } from "../i18n";

export interface Layout {
  sessionStatus: HTMLElement;
  signIn: HTMLButtonElement;
  signOut: HTMLButtonElement;
  errorBanner: HTMLElement;
  errorTitle: HTMLElement;
  errorMessage: HTMLElement;
  errorDismiss: HTMLButtonElement;
  lookupForm: HTMLFormElement;
  numberInput: HTMLInputElement;
  directionSelect: HTMLSelectElement;
  lookupButton: HTMLButtonElement;
  callerPanel: HTMLElement;
  timer: HTMLElement;
  timerToggle: HTMLButtonElement;
  logForm: HTMLFormElement;
  subjectInput: HTMLInputElement;
  notesInput: HTMLTextAreaElement;
  logButton: HTMLButtonElement;
  logHint: HTMLElement;
  logResult: HTMLElement;
  recentCalls: HTMLElement;
  recentList: HTMLElement;
  recentEmpty: HTMLElement;
  footer: HTMLElement;
  clearCacheButton: HTMLButtonElement;
  clearCachePrompt: HTMLElement;
  clearCacheConfirm: HTMLButtonElement;
  clearCacheCancel: HTMLButtonElement;
  clearCacheStatus: HTMLElement;
  outboxButton: HTMLButtonElement;
  outboxPanel: HTMLElement;
  dispositionSelect: HTMLSelectElement;
  followUpDate: HTMLInputElement;
  shortcutsHelp: HTMLElement;
  apiUsage: HTMLElement;
  alwaysOnTop: HTMLButtonElement;
}

/** The call results the log form offers ("" = none). */
export const DISPOSITION_OPTIONS = ["", "Interested", "Not interested", "Left voicemail", "No answer", "Call back later"];

/** Keyboard shortcuts, as listed in the footer. */
export const SHORTCUTS = (): ReadonlyArray<[string, string]> => [
  ["Alt+H / Alt+W / Alt+C", t("shortcut.rate")],
  ["Alt+N", t("shortcut.advance")],
  ["Alt+L", t("shortcut.notes")],
  ["Ctrl+Enter", t("shortcut.log")],
];

/** A call result as the log form shows it (the value is what Salesforce stores). */
export function dispositionLabel(value: string): string {
  return value === "" ? "—" : t(`disposition.${value}` as Key);
}

function button(id: string, className: string, text: string, type: "button" | "submit" = "button"): HTMLButtonElement {
  return el("button", { id, className, text, attrs: { type } });
}

export function buildLayout(root: HTMLElement): Layout {
  const l: Layout = {
    sessionStatus: el("p", { id: "session-status", className: "session-status", attrs: { role: "status" } }),
    signIn: button("signin-button", "btn btn-primary", t("session.signIn")),
    signOut: button("signout-button", "btn btn-quiet btn-sm", t("layout.signOut")),
    errorBanner: el("div", { id: "error-banner", className: "banner banner-error", attrs: { role: "alert" } }),
    errorTitle: el("strong", { id: "error-title", className: "banner-title" }),
    errorMessage: el("span", { id: "error-message", className: "banner-message" }),
    errorDismiss: el("button", {
      id: "error-dismiss",
      className: "icon-btn",
      text: "×",
      attrs: { type: "button", "aria-label": t("layout.dismissError"), title: t("layout.dismissEsc") },
    }),
    lookupForm: el("form", {
      id: "lookup-form",
      className: "card lookup",
      attrs: { "aria-label": t("layout.findCaller"), autocomplete: "off" },
    }),
    numberInput: el("input", {
      id: "number-input",
      className: "input input-number",
      attrs: {
        type: "tel",
        name: "number",
        inputmode: "tel",
        autocomplete: "off",
        spellcheck: "false",
        placeholder: "+1 415 555 0100",
        autofocus: "",
      },
    }),
    directionSelect: el(
      "select",
      { id: "direction-select", className: "input select", attrs: { name: "direction" } },
      el("option", { text: t("recent.inbound"), attrs: { value: "inbound" } }),
      el("option", { text: t("recent.outbound"), attrs: { value: "outbound" } }),
    ),
    lookupButton: button("lookup-button", "btn btn-primary", t("layout.findCaller"), "submit"),
    callerPanel: el("section", {
      id: "caller-panel",
      className: "card caller",
      attrs: { "aria-label": t("layout.caller"), "aria-live": "polite" },
    }),
    timer: el("span", { id: "timer", className: "timer", text: "00:00", attrs: { role: "timer" } }),
    timerToggle: button("timer-toggle", "btn btn-call", t("timer.start")),
    logForm: el("form", { id: "log-call-form", className: "card log", attrs: { "aria-label": t("log.button") } }),
    subjectInput: el("input", {
      id: "subject-input",
      className: "input",
      attrs: { type: "text", name: "subject", maxlength: "255", placeholder: t("log.inboundCall"), autocomplete: "off" },
    }),
    notesInput: el("textarea", {
      id: "notes-input",
      className: "input textarea",
      attrs: { name: "notes", rows: "5", placeholder: t("log.notesPlaceholder") },
    }),
    logButton: button("log-call-button", "btn btn-primary", t("log.button"), "submit"),
    logHint: el("p", { id: "log-call-hint", className: "hint" }),
    logResult: el("p", { id: "log-call-result", className: "result", attrs: { role: "status" } }),
    recentCalls: el("section", {
      id: "recent-calls",
      className: "card recent",
      attrs: { "aria-labelledby": "recent-calls-heading" },
    }),
    recentList: el("ul", { id: "recent-calls-list", className: "recent-list" }),
    recentEmpty: el("p", { id: "recent-calls-empty", className: "empty-state small", text: t("recent.none") }),
    footer: el("footer", { id: "app-footer", className: "app-footer" }),
    clearCacheButton: button("clear-cache-button", "btn btn-quiet btn-sm", t("cache.clear")),
    clearCachePrompt: el("span", {
      id: "clear-cache-prompt",
      className: "confirm",
      attrs: { role: "group", "aria-labelledby": "clear-cache-question" },
    }),
    clearCacheConfirm: button("clear-cache-confirm", "btn btn-danger btn-sm", t("cache.yes")),
    clearCacheCancel: button("clear-cache-cancel", "btn btn-sm", t("cache.no")),
    clearCacheStatus: el("span", { id: "clear-cache-status", className: "footer-status", attrs: { role: "status" } }),
    outboxButton: button("outbox-button", "btn btn-sm outbox-button", "0"),
    outboxPanel: el("section", {
      id: "outbox-panel",
      className: "card outbox",
      attrs: { "aria-labelledby": "outbox-heading" },
    }),
    dispositionSelect: el(
      "select",
      { id: "disposition-select", className: "input select", attrs: { name: "disposition" } },
      ...DISPOSITION_OPTIONS.map((value) => el("option", { text: dispositionLabel(value), attrs: { value } })),
    ),
    followUpDate: el("input", {
      id: "follow-up-date",
      className: "input",
      attrs: { type: "date", name: "follow-up-date", title: t("log.followUpTitle") },
    }),
    apiUsage: el("span", { id: "api-usage", className: "api-usage" }),
    alwaysOnTop: el("button", {
      id: "always-on-top",
      className: "btn btn-quiet btn-sm always-on-top",
      text: t("layout.onTop"),
      attrs: { type: "button", "aria-pressed": "false" },
    }),
    shortcutsHelp: el(
      "dl",
      { id: "shortcuts-help", className: "shortcuts-help", attrs: { "aria-label": t("layout.shortcuts") } },
      ...SHORTCUTS().flatMap(([keys, what]) => [el("dt", {}, el("kbd", { text: keys })), el("dd", { text: what })]),
    ),
  };

  const header = el(
    "header",
    { className: "app-header" },
    el(
      "div",
      { className: "brand" },
      el("span", { className: "brand-mark", attrs: { "aria-hidden": "true" } }),
      el("h1", { className: "brand-name", text: "Callside" }),
    ),
    // The sign-in button lives in the sign-in view (src/signin).
    el("div", { className: "session-actions" }, l.alwaysOnTop, l.outboxButton, l.signOut),
    l.sessionStatus,
  );

  l.errorBanner.append(
    el("span", { className: "banner-icon", text: "!", attrs: { "aria-hidden": "true" } }),
    el("p", { className: "banner-text" }, l.errorTitle, " ", l.errorMessage),
    l.errorDismiss,
  );

  l.lookupForm.append(
    el(
      "div",
      { className: "field" },
      el("label", { text: t("layout.phoneNumber"), attrs: { for: "number-input" } }),
      el("div", { className: "input-row" }, l.numberInput, l.lookupButton),
    ),
    el(
      "div",
      { className: "field field-inline" },
      el("label", { text: t("layout.direction"), attrs: { for: "direction-select" } }),
      l.directionSelect,
    ),
  );

  const callBar = el(
    "section",
    { className: "card callbar", attrs: { "aria-label": t("timer.label") } },
    el(
      "div",
      { className: "timer-block" },
      el("span", { className: "timer-dot", attrs: { "aria-hidden": "true" } }),
      el("span", { className: "timer-label", text: t("timer.time") }),
      l.timer,
    ),
    l.timerToggle,
  );

  l.logForm.append(
    el(
      "div",
      { className: "field" },
      el(
        "label",
        { attrs: { for: "subject-input" } },
        `${t("log.subject")} `,
        el("span", { className: "optional", text: t("layout.optional") }),
      ),
      l.subjectInput,
    ),
    el(
      "div",
      { className: "field" },
      el("label", { text: t("log.notes"), attrs: { for: "notes-input" } }),
      l.notesInput,
    ),
    el(
      "div",
      { className: "field-row" },
      el(
        "div",
        { className: "field" },
        el("label", { text: t("log.result"), attrs: { for: "disposition-select" } }),
        l.dispositionSelect,
      ),
      el(
        "div",
        { className: "field" },
        el(
          "label",
          { attrs: { for: "follow-up-date" } },
          `${t("log.followUpOn")} `,
          el("span", { className: "optional", text: t("layout.optional") }),
        ),
        l.followUpDate,
      ),
    ),
    el(
      "div",
      { className: "form-footer" },
      l.logHint,
      el("span", { className: "kbd-hint", text: "Ctrl+Enter", attrs: { "aria-hidden": "true" } }),
      l.logButton,
    ),
    l.logResult,
  );
  l.notesInput.setAttribute("aria-keyshortcuts", "Alt+L Control+Enter");
  l.notesInput.title = t("log.notesTitle");
  l.logButton.title = t("log.buttonTitle");
  l.logButton.setAttribute("aria-keyshortcuts", "Control+Enter");
  l.logButton.setAttribute("aria-describedby", "log-call-hint");

  l.recentCalls.append(
    el("h2", { id: "recent-calls-heading", className: "section-title", text: t("recent.heading") }),
    l.recentList,
    l.recentEmpty,
  );

  l.clearCachePrompt.append(
    el("span", { id: "clear-cache-question", className: "confirm-question", text: t("cache.question") }),
    l.clearCacheConfirm,
    l.clearCacheCancel,
  );
  l.footer.append(
    l.clearCacheButton,
    l.clearCachePrompt,
    l.clearCacheStatus,
    l.apiUsage,
    el(
      "details",
      { className: "shortcuts" },
      el("summary", { text: t("layout.shortcuts") }),
      l.shortcutsHelp,
    ),
  );

  const main = el(
    "main",
    { className: "app-main" },
    l.lookupForm,
    l.callerPanel,
    callBar,
    l.logForm,
    l.recentCalls,
  );
  clear(root);
  root.append(header, l.outboxPanel, l.errorBanner, main, l.footer);
  return l;
}
