/** Wires the session header, lookup form, caller panel, timer and log form. */
import { CallerPanel } from "./caller/callerPanel";
import { buildLogCallRequest, canLogAgainst, defaultSubject, describeOutcome, PICK_PERSON_HINT } from "./call/logCall";
import type { Clock } from "./call/timer";
import { CallTimer } from "./call/timer";
import type { Backend } from "./ipc/backend";
import { isAuthError, toIpcError } from "./ipc/backend";
import type { CallDirection } from "./ipc/bindings/CallDirection";
import type { CallerMatch } from "./ipc/bindings/CallerMatch";
import type { IpcError } from "./ipc/bindings/IpcError";
import { SessionController } from "./session/session";
import { ErrorBanner } from "./ui/errorBanner";
import { formatDuration } from "./ui/format";
import type { Layout } from "./ui/layout";
import { buildLayout } from "./ui/layout";

/** Schedules `fn` repeatedly; returns a function that cancels it. */
export type Ticker = (fn: () => void) => () => void;

export interface AppOptions {
  clock?: Clock;
  ticker?: Ticker;
}

export interface App {
  readonly layout: Layout;
  readonly timer: CallTimer;
  readonly callerPanel: CallerPanel;
  readonly session: SessionController;
  /** Reads the session status; resolves when the header is up to date. */
  start(): Promise<void>;
  lookup(number: string): Promise<void>;
  logCall(): Promise<void>;
  dispose(): void;
}

const defaultTicker: Ticker = (fn) => {
  const handle = window.setInterval(fn, 250);
  return () => window.clearInterval(handle);
};

const LOOKUP_LABEL = "Find caller";
const LOOKUP_BUSY_LABEL = "Finding…";
const LOG_LABEL = "Log call";
const LOG_BUSY_LABEL = "Logging…";

export function createApp(root: HTMLElement, backend: Backend, options: AppOptions = {}): App {
  const layout = buildLayout(root);
  const ticker = options.ticker ?? defaultTicker;
  const timer = new CallTimer(options.clock);
  const banner = new ErrorBanner(layout.errorBanner, layout.errorTitle, layout.errorMessage, layout.errorDismiss);
  const session = new SessionController(
    { status: layout.sessionStatus, signIn: layout.signIn, signOut: layout.signOut },
    backend,
    (error) => banner.show(error),
  );
  const callerPanel = new CallerPanel(layout.callerPanel, () => renderLogForm());

  let lookupSeq = 0;
  let logging = false;
  let cancelTick: (() => void) | null = null;

  const direction = (): CallDirection => (layout.directionSelect.value === "outbound" ? "outbound" : "inbound");

  function reportError(error: unknown): void {
    const ipcError: IpcError = toIpcError(error);
    banner.show(ipcError);
    if (isAuthError(ipcError)) void session.refresh();
  }

  // ---- timer -------------------------------------------------------------

  function renderTimer(): void {
    layout.timer.textContent = formatDuration(timer.elapsedSeconds());
    const running = timer.running;
    layout.timerToggle.textContent = running ? "End call" : "Start call";
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

  // ---- lookup ------------------------------------------------------------

  function setLookupBusy(busy: boolean): void {
    layout.lookupButton.disabled = busy;
    layout.lookupButton.textContent = busy ? LOOKUP_BUSY_LABEL : LOOKUP_LABEL;
    layout.lookupButton.classList.toggle("busy", busy);
    layout.lookupForm.setAttribute("aria-busy", String(busy));
    layout.lookupForm.classList.toggle("busy", busy);
  }

  async function lookup(raw: string): Promise<void> {
    const number = raw.trim();
    if (number === "") {
      banner.show({ code: "InvalidInput", message: "Enter a phone number to look up." });
      layout.numberInput.focus();
      return;
    }
    const seq = ++lookupSeq;
    banner.hide();
    layout.logResult.hidden = true;
    callerPanel.clear();
    setLookupBusy(true);
    try {
      const result = await backend.lookupCaller(number);
      if (seq !== lookupSeq) return;
      callerPanel.show(result);
      if (!timer.running) startTimer();
    } catch (error) {
      if (seq !== lookupSeq) return;
      reportError(error);
    } finally {
      if (seq === lookupSeq) setLookupBusy(false);
    }
  }

  layout.lookupForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void lookup(layout.numberInput.value);
  });

  // ---- log call ----------------------------------------------------------

  function renderLogForm(): void {
    const match: CallerMatch | null = callerPanel.selected;
    const loggable = canLogAgainst(match);
    layout.logButton.disabled = !loggable || logging;
    layout.logButton.textContent = logging ? LOG_BUSY_LABEL : LOG_LABEL;
    layout.logButton.classList.toggle("busy", logging);
    layout.logForm.setAttribute("aria-busy", String(logging));
    let hint: string;
    if (loggable) hint = `Logs to ${match.name}`;
    else if (match) hint = PICK_PERSON_HINT;
    else if (callerPanel.matches.length === 0 && !layout.callerPanel.hidden) hint = "No record to log against";
    else hint = "Find a caller to log a call";
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
    const request = buildLogCallRequest({
      match,
      durationSeconds: timer.elapsedSeconds(),
      direction: direction(),
      notes: layout.notesInput.value,
      subject: layout.subjectInput.value,
    });
    logging = true;
    layout.logResult.hidden = true;
    renderLogForm();
    try {
      const outcome = await backend.logCall(request);
      const message = describeOutcome(outcome);
      showResult(message.tone, message.text);
      if (outcome.status !== "failed") {
        layout.notesInput.value = "";
        layout.subjectInput.value = "";
      }
    } catch (error) {
      reportError(error);
    } finally {
      logging = false;
      renderLogForm();
    }
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

  // ---- global keys -------------------------------------------------------

  const onKeydown = (event: KeyboardEvent): void => {
    if (event.key === "Escape" && banner.visible) {
      event.preventDefault();
      banner.hide();
    }
  };
  document.addEventListener("keydown", onKeydown);

  setLookupBusy(false);
  layout.logResult.hidden = true;
  renderTimer();
  renderLogForm();
  renderSubjectPlaceholder();

  return {
    layout,
    timer,
    callerPanel,
    session,
    start: () => session.refresh(),
    lookup,
    logCall,
    dispose(): void {
      document.removeEventListener("keydown", onKeydown);
      if (cancelTick) cancelTick();
      cancelTick = null;
    },
  };
}
