/**
 * Wires the session header, lookup form, caller panel (and its live updates),
 * timer, log form, recent calls and the footer's clear-cache control, and the
 * calls that softphones, dialers and links report (`call-event`).
 */
import { ActionBar } from "./actions/actionBar";
import type { Rating } from "./actions/actions";
import { followUpSubject } from "./actions/actions";
import { ClearCacheControl } from "./cache/clearCache";
import { CallerPanel, callerName } from "./caller/callerPanel";
import { buildLogCallRequest, canLogAgainst, defaultSubject, describeOutcome, PICK_PERSON_HINT } from "./call/logCall";
import type { Clock } from "./call/timer";
import { CallTimer } from "./call/timer";
import type { Backend, Unsubscribe } from "./ipc/backend";
import { isAuthError, toIpcError } from "./ipc/backend";
import type { CallDirection } from "./ipc/bindings/CallDirection";
import type { CallEvent } from "./ipc/bindings/CallEvent";
import type { CallerMatch } from "./ipc/bindings/CallerMatch";
import type { CallerUpdate } from "./ipc/bindings/CallerUpdate";
import type { ActionOutcome } from "./ipc/bindings/ActionOutcome";
import type { FollowUpRequest } from "./ipc/bindings/FollowUpRequest";
import type { IpcError } from "./ipc/bindings/IpcError";
import type { LogCallOutcome } from "./ipc/bindings/LogCallOutcome";
import type { LogCallRequest } from "./ipc/bindings/LogCallRequest";
import { InsightsView } from "./insights/callStats";
import { OutboxView } from "./outbox/outbox";
import { RecentCallsList } from "./recent/recentCalls";
import { SessionController } from "./session/session";
import { applyActionPolicy, policyWarning, SettingsView } from "./settings/settingsView";
import { AccountHierarchyToggle } from "./caller/accountHierarchy";
import { emptyTermMessage, SearchBox } from "./search/searchBox";
import { SignInView } from "./signin/signInView";
import { DesktopNotice } from "./window/desktopNotice";
import { WrapUp } from "./wrapup/wrapUp";
import { API_USAGE_REFRESH_MS, ApiUsageView } from "./usage/apiUsage";
import { AlwaysOnTopToggle } from "./window/alwaysOnTop";
import { ErrorBanner } from "./ui/errorBanner";
import { formatDuration } from "./ui/format";
import type { Layout } from "./ui/layout";
import { buildLayout } from "./ui/layout";
import type { After, Every } from "./ui/schedule";
import { every as defaultEvery } from "./ui/schedule";
import { t } from "./i18n";
import { errorMessage } from "./i18n/errors";

/** Schedules `fn` repeatedly; returns a function that cancels it. */
export type Ticker = (fn: () => void) => () => void;

export interface AppOptions {
  /** Current time in ms: the call timer, cache ages and recent-call times. */
  clock?: Clock;
  /** Drives the call timer's display. */
  ticker?: Ticker;
  /** Repeats slow refreshes (the cache age). */
  every?: Every;
  /** Delays (how long the clear-cache status stays). */
  after?: After;
  /** Where the always-on-top choice is remembered (default: localStorage). */
  storage?: Pick<Storage, "getItem" | "setItem"> | null;
}

export interface App {
  readonly layout: Layout;
  readonly timer: CallTimer;
  readonly callerPanel: CallerPanel;
  readonly session: SessionController;
  readonly recentCalls: RecentCallsList;
  readonly clearCache: ClearCacheControl;
  readonly actionBar: ActionBar;
  readonly outbox: OutboxView;
  readonly apiUsage: ApiUsageView;
  readonly alwaysOnTop: AlwaysOnTopToggle;
  readonly signInView: SignInView;
  readonly wrapUp: WrapUp;
  readonly notice: DesktopNotice;
  /**
   * Reads the session status; resolves when the header is up to date and,
   * when signed in, the recent calls are loaded.
   */
  start(): Promise<void>;
  lookup(number: string): Promise<void>;
  /**
   * A call reported from outside: `ringing` pops the number as the form does,
   * `answered` starts the timer from 00:00, `ended` stops it and opens the
   * wrap-up (the notes).
   */
  handleCallEvent(event: CallEvent): void;
  logCall(): Promise<void>;
  /** Reloads the recent calls (when signed in). */
  loadRecentCalls(): Promise<void>;
  dispose(): void;
}

const defaultTicker: Ticker = (fn) => {
  const handle = window.setInterval(fn, 250);
  return () => window.clearInterval(handle);
};

const LOOKUP_LABEL = (): string => t("layout.findCaller");
const LOOKUP_BUSY_LABEL = (): string => t("layout.finding");
const LOG_LABEL = (): string => t("log.button");
const LOG_BUSY_LABEL = (): string => t("log.logging");
/** How often the outbox badge refreshes while signed in. */
export const OUTBOX_REFRESH_MS = 10_000;

export function createApp(root: HTMLElement, backend: Backend, options: AppOptions = {}): App {
  const layout = buildLayout(root);
  const ticker = options.ticker ?? defaultTicker;
  const clock: Clock = options.clock ?? (() => Date.now());
  const timer = new CallTimer(clock);
  const banner = new ErrorBanner(layout.errorBanner, layout.errorTitle, layout.errorMessage, layout.errorDismiss);
  const signInView = new SignInView(layout.signIn, backend, (alias) => void session.useOrg(alias));
  const session = new SessionController(
    { status: layout.sessionStatus, signIn: layout.signIn, signOut: layout.signOut },
    backend,
    (error) => banner.show(error),
    () => onSessionChange(),
    () => signInView.signIn(),
  );
  signInView.root.hidden = true;
  layout.lookupForm.before(signInView.root);
  const notice = new DesktopNotice(layout.shortcutsHelp);
  layout.errorBanner.after(notice.root);
  const callerPanel = new CallerPanel(layout.callerPanel, () => onSelect(), {
    now: clock,
    ...(options.every ? { every: options.every } : {}),
    onPick: rememberPick,
  });
  const recentCalls = new RecentCallsList(layout.recentList, layout.recentEmpty, (number) => {
    layout.numberInput.value = number;
    void lookup(layout.numberInput.value);
  });
  const clearCache = new ClearCacheControl(
    {
      button: layout.clearCacheButton,
      prompt: layout.clearCachePrompt,
      confirm: layout.clearCacheConfirm,
      cancel: layout.clearCacheCancel,
      status: layout.clearCacheStatus,
    },
    {
      clear: () => backend.clearCache(),
      onCleared: () => void loadRecentCalls(),
      onError: reportError,
      ...(options.after ? { after: options.after } : {}),
    },
  );

  const actionBar = new ActionBar({
    backend,
    panel: callerPanel,
    onDone: () => {
      void outbox.refresh();
      void apiUsage.refresh();
    },
    onError: (error) => {
      if (isAuthError(error)) reportError(error);
    },
    repop: (number) => lookup(number, true),
  });
  layout.callerPanel.after(actionBar.root);
  const outbox = new OutboxView({ button: layout.outboxButton, panel: layout.outboxPanel }, backend, reportError);
  // The settings view; the administrator's policy hides the actions it turns off and an
  // ignored policy is announced in the banner.
  const settingsView = new SettingsView(
    () => backend.managedSettings(),
    (error) => console.error("Callside: the settings are unavailable", toIpcError(error)),
  );
  layout.outboxButton.before(settingsView.button);
  layout.outboxPanel.after(settingsView.panel);
  // Call metrics (today, this week) under their own header button.
  const insights = new InsightsView(backend, reportError);
  settingsView.button.before(insights.button);
  settingsView.panel.after(insights.panel);
  async function loadManagedSettings(): Promise<void> {
    const managed = await settingsView.refresh();
    if (!managed || disposed) return;
    applyActionPolicy(root, managed.disabledActions);
    const warning = policyWarning(managed);
    if (warning) banner.show(warning.error, warning.title);
  }
  const repeat: Every = options.every ?? defaultEvery;
  let stopOutboxRefresh: (() => void) | null = null;
  const apiUsage = new ApiUsageView(layout.apiUsage, () => backend.apiUsage());
  let stopUsageRefresh: (() => void) | null = null;
  const alwaysOnTop = new AlwaysOnTopToggle(layout.alwaysOnTop, {
    apply: (on) => backend.setAlwaysOnTop(on),
    onError: reportError,
    ...(options.storage !== undefined ? { storage: options.storage } : {}),
  });

  let lookupSeq = 0;
  let logging = false;
  let cancelTick: (() => void) | null = null;
  let disposed = false;
  let unsubscribe: Unsubscribe | null = null;
  let unsubscribeCalls: Unsubscribe | null = null;
  /** The last lookup in flight when a reported call ended; it does not start the timer. */
  let endedDuringLookup = 0;
  /** The reported call was answered (a repeated `answered` does not restart the timer). */
  let answered = false;
  /** Updates that arrive while a lookup is in flight (its answer may come later). */
  let earlyUpdates: CallerUpdate[] | null = null;
  let wasSignedIn = false;
  let recentSeq = 0;
  let recentLoad: Promise<void> = Promise.resolve();

  const direction = (): CallDirection => (layout.directionSelect.value === "outbound" ? "outbound" : "inbound");

  function reportError(error: unknown): void {
    const ipcError: IpcError = toIpcError(error);
    banner.show(ipcError);
    if (isAuthError(ipcError)) void session.refresh();
  }

  // ---- session -----------------------------------------------------------

  function onSessionChange(): void {
    const signedIn = session.signedIn;
    signInView.root.hidden = signedIn;
    if (signedIn) signInView.reset();
    else void signInView.load();
    layout.recentCalls.hidden = !signedIn;
    layout.footer.hidden = !signedIn;
    if (signedIn && !wasSignedIn) {
      recentLoad = loadRecentCalls();
      void outbox.refresh();
      stopOutboxRefresh?.();
      stopOutboxRefresh = repeat(() => void outbox.refresh(), OUTBOX_REFRESH_MS);
      void apiUsage.refresh();
      stopUsageRefresh?.();
      stopUsageRefresh = repeat(() => void apiUsage.refresh(), API_USAGE_REFRESH_MS);
    }
    if (!signedIn && wasSignedIn) {
      recentSeq++;
      recentCalls.clear();
      clearCache.reset();
      stopOutboxRefresh?.();
      stopOutboxRefresh = null;
      outbox.reset();
      actionBar.reset();
      stopUsageRefresh?.();
      stopUsageRefresh = null;
      apiUsage.reset();
    }
    wasSignedIn = signedIn;
  }

  // ---- recent calls ------------------------------------------------------

  async function loadRecentCalls(): Promise<void> {
    if (!session.signedIn) return;
    const seq = ++recentSeq;
    try {
      const calls = await backend.recentCalls();
      if (seq === recentSeq) recentCalls.render(calls, clock());
    } catch (error) {
      if (seq === recentSeq) recentCalls.showError(errorMessage(toIpcError(error)));
    }
  }

  // ---- caller updates ----------------------------------------------------

  function applyUpdate(update: CallerUpdate): void {
    const applied = callerPanel.update(update);
    // The refresh behind a pop made requests of its own.
    if (session.signedIn) void apiUsage.refresh();
    if (applied && update.error && isAuthError(update.error)) void session.refresh();
  }

  function onCallerUpdate(update: CallerUpdate): void {
    if (earlyUpdates) earlyUpdates.push(update);
    else applyUpdate(update);
  }

  backend.onCallerUpdated(onCallerUpdate).then(
    (stop) => {
      if (disposed) stop();
      else unsubscribe = stop;
    },
    (error: unknown) => console.error("Callside: caller updates are unavailable", toIpcError(error)),
  );

  function rememberPick(number: string, match: CallerMatch): void {
    backend
      .rememberPick(number, match.id)
      .catch((error: unknown) => console.error("Callside: the pick was not remembered", toIpcError(error)));
  }

  // ---- timer -------------------------------------------------------------

  function renderTimer(): void {
    layout.timer.textContent = formatDuration(timer.elapsedSeconds());
    const running = timer.running;
    layout.timerToggle.textContent = running ? t("timer.end") : t("timer.start");
    layout.timerToggle.classList.toggle("running", running);
    layout.timer.classList.toggle("running", running);
    root.classList.toggle("call-active", running);
    if (running && !cancelTick) cancelTick = ticker(renderTimer);
    if (!running && cancelTick) {
      cancelTick();
      cancelTick = null;
    }
  }

  function startTimer(): void {
    timer.start();
    renderTimer();
  }

  function stopTimer(): void {
    timer.stop();
    renderTimer();
  }

  layout.timerToggle.addEventListener("click", () => (timer.running ? stopTimer() : startTimer()));

  const callBar = layout.timerToggle.parentElement ?? layout.logForm;
  const wrapUp = new WrapUp(
    {
      root,
      form: layout.logForm,
      followUpDate: layout.followUpDate,
      notes: layout.notesInput,
      callBar,
    },
    () => {
      stopTimer();
      const selected = callerPanel.selected;
      return { seconds: timer.elapsedSeconds(), name: selected ? callerName(selected) : null };
    },
  );

  // ---- lookup ------------------------------------------------------------

  const searchBox = new SearchBox(backend, layout.numberInput);

  function setLookupBusy(busy: boolean): void {
    layout.lookupButton.disabled = busy;
    layout.lookupButton.textContent = busy ? LOOKUP_BUSY_LABEL() : LOOKUP_LABEL();
    layout.lookupButton.classList.toggle("busy", busy);
    layout.lookupForm.setAttribute("aria-busy", String(busy));
    layout.lookupForm.classList.toggle("busy", busy);
  }

  /**
   * `keepStatus`: a re-pop after an action keeps the action's status line. `numberOnly`:
   * a call reported from outside pops its number (anything else is an error, not a search).
   */
  async function lookup(raw: string, keepStatus = false, numberOnly = false): Promise<void> {
    const number = raw.trim();
    if (number === "") {
      banner.show({ code: "InvalidInput", message: emptyTermMessage() });
      layout.numberInput.focus();
      return;
    }
    const seq = ++lookupSeq;
    banner.hide();
    layout.logResult.hidden = true;
    if (!keepStatus) actionBar.clearStatus();
    callerPanel.clear();
    setLookupBusy(true);
    earlyUpdates = [];
    try {
      const result = numberOnly
        ? await searchBox.findNumber(number, direction())
        : await searchBox.find(number, direction());
      if (seq !== lookupSeq) return;
      callerPanel.show(result);
      // An update can overtake the answer it follows.
      for (const update of earlyUpdates ?? []) applyUpdate(update);
      earlyUpdates = null;
      if (!timer.running && seq > endedDuringLookup) startTimer();
      void loadRecentCalls();
    } catch (error) {
      if (seq !== lookupSeq) return;
      reportError(error);
    } finally {
      if (seq === lookupSeq) {
        earlyUpdates = null;
        setLookupBusy(false);
      }
      if (session.signedIn) void apiUsage.refresh();
    }
  }

  layout.lookupForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void lookup(layout.numberInput.value);
  });

  // ---- actions -----------------------------------------------------------

  function onSelect(): void {
    accountHierarchy.restore(layout.callerPanel);
    renderLogForm();
    actionBar.render();
  }

  layout.callerPanel.addEventListener("click", (event) => {
    const element = event.target instanceof Element ? event.target : null;
    const open = element?.closest<HTMLElement>(".open-in-salesforce");
    if (open?.dataset.id !== undefined) {
      void openRecord(open.dataset.id);
      return;
    }
    const hierarchyButton = element?.closest<HTMLElement>(".show-hierarchy");
    if (hierarchyButton) {
      void accountHierarchy.toggle(hierarchyButton);
      return;
    }
    const target = element?.closest<HTMLElement>(".advance-stage");
    if (target?.dataset.id !== undefined) void actionBar.advance(target.dataset.id);
  });
  const accountHierarchy = new AccountHierarchyToggle(
    (recordId) => backend.accountHierarchy(recordId),
    (error) => {
      if (isAuthError(error)) reportError(error);
    },
  );

  async function openRecord(recordId: string): Promise<void> {
    try {
      await backend.openRecord(recordId);
    } catch (error) {
      reportError(error);
    }
  }

  function rateSelected(rating: Rating): boolean {
    if (callerPanel.selected?.type !== "Lead") return false;
    void actionBar.rate(rating);
    return true;
  }

  function advanceFirstOpportunity(): boolean {
    const first = callerPanel.selected?.opportunities[0];
    if (!first) return false;
    void actionBar.advance(first.id);
    return true;
  }

  // ---- log call ----------------------------------------------------------

  function renderLogForm(): void {
    const match: CallerMatch | null = callerPanel.selected;
    const loggable = canLogAgainst(match);
    layout.logButton.disabled = !loggable || logging;
    layout.logButton.textContent = logging ? LOG_BUSY_LABEL() : LOG_LABEL();
    layout.logButton.classList.toggle("busy", logging);
    layout.logForm.setAttribute("aria-busy", String(logging));
    let hint: string;
    if (loggable) hint = t("log.logsTo", { name: callerName(match) });
    else if (match) hint = PICK_PERSON_HINT();
    else if (callerPanel.matches.length === 0 && !layout.callerPanel.hidden) hint = t("log.noRecord");
    else hint = t("log.findFirst");
    layout.logHint.textContent = hint;
    layout.logHint.title = hint;
    layout.logHint.classList.toggle("hint-warn", !!match && !loggable);
    layout.logForm.classList.toggle("ready", loggable);
  }

  function renderSubjectPlaceholder(): void {
    layout.subjectInput.placeholder = defaultSubject(direction());
  }

  function showResult(tone: string, text: string): void {
    layout.logResult.textContent = text;
    layout.logResult.className = `result result-${tone}`;
    layout.logResult.hidden = false;
  }

  async function logCall(): Promise<void> {
    const match = callerPanel.selected;
    if (logging || !canLogAgainst(match)) return;
    stopTimer();
    let durationSeconds = timer.elapsedSeconds();
    if (wrapUp.isOpen) {
      const typed = wrapUp.durationSeconds();
      if (typed === null) {
        banner.show({ code: "InvalidInput", message: t("wrapUp.badLength") });
        wrapUp.durationInput.focus();
        return;
      }
      durationSeconds = typed;
    }
    const priority = wrapUp.priority;
    const request = buildLogCallRequest({
      match,
      durationSeconds,
      direction: direction(),
      notes: layout.notesInput.value,
      subject: layout.subjectInput.value,
      disposition: layout.dispositionSelect.value,
    });
    const followUpDate = layout.followUpDate.value;
    const followUpTitle = followUpSubject(layout.subjectInput.value);
    logging = true;
    layout.logResult.hidden = true;
    renderLogForm();
    try {
      // With a follow-up, the call and its follow-up go to Salesforce in one request.
      const [outcome, followUp] =
        followUpDate === ""
          ? [await backend.logCall(request), null]
          : await logWithFollowUp(request, { subject: followUpTitle, dueDate: followUpDate, priority });
      const message = describeOutcome(outcome);
      showResult(message.tone, message.text);
      if (followUp !== null) actionBar.showOutcome(t("followUp.on", { date: followUpDate }), followUp);
      if (outcome.status !== "failed") {
        layout.notesInput.value = "";
        layout.subjectInput.value = "";
        layout.dispositionSelect.value = "";
        layout.followUpDate.value = "";
        wrapUp.done();
      }
      void outbox.refresh();
      void apiUsage.refresh();
      // The call's length now shows in the recent calls.
      void loadRecentCalls();
    } catch (error) {
      reportError(error);
    } finally {
      logging = false;
      renderLogForm();
    }
  }

  /** The call's log and its follow-up as one wrap-up: the call's outcome, then the follow-up's. */
  async function logWithFollowUp(
    call: LogCallRequest,
    followUp: FollowUpRequest,
  ): Promise<[LogCallOutcome, ActionOutcome | null]> {
    const outcomes = await backend.wrapUp({ call, followUp });
    const logged = outcomes[0];
    if (logged === undefined) throw new Error(t("log.refused"));
    return [
      {
        actionId: logged.actionId,
        status: logged.status,
        taskId: logged.recordId,
        message: logged.message,
        messageText: logged.messageText ?? null,
      },
      outcomes[1] ?? null,
    ];
  }

  layout.logForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void logCall();
  });

  layout.notesInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void logCall();
    }
  });

  layout.directionSelect.addEventListener("change", renderSubjectPlaceholder);

  // ---- calls reported from outside ---------------------------------------

  function handleCallEvent(event: CallEvent): void {
    switch (event.kind) {
      case "ringing":
        // As if the rep had typed the number and pressed Find caller; a new call ends
        // the wrap-up of the last one (what was typed stays in the form).
        answered = false;
        wrapUp.close();
        layout.numberInput.value = event.number;
        layout.directionSelect.value = event.direction;
        renderSubjectPlaceholder();
        void lookup(layout.numberInput.value, false, true);
        break;
      case "answered":
        // The conversation starts now, whatever ran while it rang.
        if (!answered || !timer.running) {
          timer.reset();
          startTimer();
        }
        answered = true;
        break;
      case "ended":
        answered = false;
        endedDuringLookup = lookupSeq;
        stopTimer();
        wrapUp.open(timer.elapsedSeconds(), callerPanel.selected ? callerName(callerPanel.selected) : null);
        layout.notesInput.focus();
        break;
    }
  }

  // ---- the global shortcut ------------------------------------------------

  function focusNumber(): void {
    layout.numberInput.focus();
    layout.numberInput.select();
  }

  let unsubscribeFocus: Unsubscribe | null = null;
  backend.onFocusNumber(focusNumber).then(
    (stop) => {
      if (disposed) stop();
      else unsubscribeFocus = stop;
    },
    (error: unknown) => console.error("Callside: the focus shortcut is unavailable", toIpcError(error)),
  );

  async function loadDesktopInfo(): Promise<void> {
    try {
      notice.show(await backend.desktopInfo());
    } catch (error) {
      console.error("Callside: the desktop settings are unavailable", toIpcError(error));
    }
  }

  backend.onCallEvent(handleCallEvent).then(
    (stop) => {
      if (disposed) stop();
      else unsubscribeCalls = stop;
    },
    (error: unknown) => console.error("Callside: call events are unavailable", toIpcError(error)),
  );

  // ---- global keys -------------------------------------------------------

  const onKeydown = (event: KeyboardEvent): void => {
    if (event.key === "Escape" && banner.visible) {
      event.preventDefault();
      banner.hide();
      return;
    }
    if (event.key === "Escape" && wrapUp.isOpen) {
      event.preventDefault();
      wrapUp.close();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    // `code` keeps working where Alt changes the character (macOS).
    const key = /^Key[A-Z]$/.test(event.code) ? event.code.slice(3) : event.key.toUpperCase();
    let handled = false;
    if (key === "H") handled = rateSelected("Hot");
    else if (key === "W") handled = rateSelected("Warm");
    else if (key === "C") handled = rateSelected("Cold");
    else if (key === "N") handled = advanceFirstOpportunity();
    else if (key === "L") {
      layout.notesInput.focus();
      handled = true;
    }
    if (handled) event.preventDefault();
  };
  document.addEventListener("keydown", onKeydown);

  setLookupBusy(false);
  layout.logResult.hidden = true;
  layout.recentCalls.hidden = true;
  layout.footer.hidden = true;
  renderTimer();
  renderLogForm();
  renderSubjectPlaceholder();

  return {
    layout,
    timer,
    callerPanel,
    session,
    recentCalls,
    clearCache,
    actionBar,
    outbox,
    apiUsage,
    alwaysOnTop,
    signInView,
    wrapUp,
    notice,
    async start(): Promise<void> {
      void alwaysOnTop.restore();
      void loadDesktopInfo();
      const settingsLoad = loadManagedSettings();
      await session.refresh();
      await recentLoad;
      await settingsLoad;
    },
    lookup: (number) => lookup(number),
    handleCallEvent,
    logCall,
    loadRecentCalls,
    dispose(): void {
      disposed = true;
      document.removeEventListener("keydown", onKeydown);
      if (cancelTick) cancelTick();
      cancelTick = null;
      stopOutboxRefresh?.();
      stopOutboxRefresh = null;
      stopUsageRefresh?.();
      stopUsageRefresh = null;
      callerPanel.dispose();
      clearCache.dispose();
      if (unsubscribe) unsubscribe();
      unsubscribe = null;
      if (unsubscribeCalls) unsubscribeCalls();
      unsubscribeCalls = null;
      unsubscribeFocus?.();
      unsubscribeFocus = null;
    },
  };
}

/** Typing in a field: single-key shortcuts stay out of the way. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && !["button", "checkbox", "radio", "submit", "reset"].includes(target.type))
  );
}
