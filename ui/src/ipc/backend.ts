/**
 * The one and only bridge to the Rust core. Every other module talks to a
 * `Backend`, so tests can substitute a mock and nothing else imports Tauri
 * (neither `invoke` nor `listen`).
 */
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { AccountHierarchy } from "./bindings/AccountHierarchy";
import type { ActionOutcome } from "./bindings/ActionOutcome";
import type { ApiUsage } from "./bindings/ApiUsage";
import type { CallDirection } from "./bindings/CallDirection";
import type { ApiHealth } from "./bindings/ApiHealth";
import type { CallStats } from "./bindings/CallStats";
import type { CallEvent } from "./bindings/CallEvent";
import type { CallerUpdate } from "./bindings/CallerUpdate";
import type { DesktopInfo } from "./bindings/DesktopInfo";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcError } from "./bindings/IpcError";
import type { Text } from "./bindings/Text";
import type { LogCallOutcome } from "./bindings/LogCallOutcome";
import type { LogCallRequest } from "./bindings/LogCallRequest";
import type { LookupResult } from "./bindings/LookupResult";
import type { ManagedSettings } from "./bindings/ManagedSettings";
import type { NewLead } from "./bindings/NewLead";
import type { OrgChoice } from "./bindings/OrgChoice";
import type { OrgOptions } from "./bindings/OrgOptions";
import type { RecentCall } from "./bindings/RecentCall";
import type { SearchResult } from "./bindings/SearchResult";
import type { SessionStatus } from "./bindings/SessionStatus";
import type { Stage } from "./bindings/Stage";
import type { WrapUp } from "./bindings/WrapUp";

/** The event that carries a pop's later, fuller or fresher data. */
export const CALLER_UPDATED = "caller-updated";

/**
 * The event that carries a call reported from outside the window: a softphone or
 * dialer through the local call-event endpoint, or a `tel:` / `callside://` link.
 */
export const CALL_EVENT = "call-event";

/** The event that asks for the number field (the global shortcut was pressed). */
export const FOCUS_NUMBER = "focus-number";

/** Stops a subscription. */
export type Unsubscribe = () => void;

export interface Backend {
  /** Current Salesforce session, read from the keychain by the core. */
  sessionStatus(): Promise<SessionStatus>;
  /** Runs the browser OAuth flow; resolves with the new session status. */
  signIn(): Promise<SessionStatus>;
  /** Forgets the stored session; resolves with the new session status. */
  signOut(): Promise<SessionStatus>;
  /**
   * Pops a caller: answers at once, from the core's cache (source "cache") or
   * after one search (the first paint, without related records yet). Fuller or
   * fresher data follows as a `caller-updated` event (see `onCallerUpdated`).
   */
  lookupCaller(number: string, direction: CallDirection): Promise<LookupResult>;
  /**
   * Finds a caller by any term: a phone number (as lookupCaller), an email address, a
   * name, a company or a domain; the result says what the term was taken for. Later
   * data follows as `caller-updated` events whose `number` is the result's number, or
   * else its term.
   */
  searchCaller(term: string, direction: CallDirection): Promise<SearchResult>;
  /**
   * The account behind a contact, account or lead (for a lead, the account named like
   * its company): parent, the parent's other children, its children and open
   * opportunities; null when there is none.
   */
  accountHierarchy(recordId: string): Promise<AccountHierarchy | null>;
  /** Subscribes to `caller-updated`; resolves with the function that unsubscribes. */
  onCallerUpdated(handler: (update: CallerUpdate) => void): Promise<Unsubscribe>;
  /**
   * Subscribes to `call-event` (ringing, answered, ended); resolves with the
   * function that unsubscribes. Events that came before the subscription (the
   * link that started the app) are handed over first, in order.
   */
  onCallEvent(handler: (event: CallEvent) => void): Promise<Unsubscribe>;
  /** Logs a call as a Salesforce Task (or queues it while offline). */
  logCall(request: LogCallRequest): Promise<LogCallOutcome>;
  /** The org's most recent calls, newest first. */
  recentCalls(): Promise<RecentCall[]>;
  /** Remembers which of several matches the rep picked for a number. */
  rememberPick(number: string, recordId: string): Promise<void>;
  /** Empties this org's cache, remembered picks and recent calls. */
  clearCache(): Promise<void>;
  /** Rates a lead "Hot", "Warm" or "Cold". */
  rateLead(leadId: string, rating: string): Promise<ActionOutcome>;
  /** The org's active Lead statuses, in order. */
  leadStatuses(): Promise<string[]>;
  setLeadStatus(leadId: string, status: string): Promise<ActionOutcome>;
  /** The org's active opportunity stages, in order. */
  opportunityStages(): Promise<Stage[]>;
  /**
   * Moves an opportunity to `stage` (null: the next stage). A closing stage
   * without `confirmClosing` rejects with an InvalidInput that asks to confirm.
   */
  setOpportunityStage(opportunityId: string, stage: string | null, confirmClosing: boolean): Promise<ActionOutcome>;
  /** Creates a lead for an unknown caller (recordId = the new lead once sent). */
  createLead(lead: NewLead): Promise<ActionOutcome>;
  /** Schedules a follow-up task (dueDate YYYY-MM-DD, priority High|Normal|Low). */
  scheduleFollowUp(followUp: FollowUp): Promise<ActionOutcome>;
  /** Every queued action, newest first. */
  outbox(): Promise<ActionOutcome[]>;
  /** Retries one action (or, with null, every pending one). */
  retryAction(actionId: string | null): Promise<ActionOutcome[]>;
  /** Drops a failed action from the outbox. */
  discardAction(actionId: string): Promise<void>;
  /** Sends a change that met a newer change in Salesforce again, over that change. */
  overwriteAction(actionId: string): Promise<ActionOutcome[]>;
  /** The end of a call: its log, a follow-up and a stage change, sent together. */
  wrapUp(wrapUp: WrapUp): Promise<ActionOutcome[]>;
  /** The org's API requests today as of the last response (null before any). */
  apiUsage(): Promise<ApiUsage | null>;
  /** Opens a record's Salesforce page in the system browser. */
  openRecord(recordId: string): Promise<void>;
  /** Keeps the window above the others (or not). */
  setAlwaysOnTop(on: boolean): Promise<void>;
  /** The settings in effect and which of them the administrator's policy set or locked. */
  managedSettings(): Promise<ManagedSettings>;
  /** Call metrics of today or this week, from the local call history and outbox. */
  callStats(period: "today" | "week"): Promise<CallStats>;
  /** Writes the period's calls as CSV to the download directory; resolves with the file. */
  exportCallCsv(period: "today" | "week"): Promise<string>;
  /** Requests, latency and errors per endpoint family, and the daily API usage. */
  apiHealth(): Promise<ApiHealth>;
  /** The focus shortcut (and why it may not work), the tray, the language setting. */
  desktopInfo(): Promise<DesktopInfo>;
  /** Subscribes to `focus-number` (the global shortcut was pressed). */
  onFocusNumber(handler: () => void): Promise<Unsubscribe>;
  /** The saved org connections and the current org, for the sign-in view. */
  orgOptions(): Promise<OrgOptions>;
  /** Signs in to the chosen org (browser flow) and saves it as a connection. */
  signInTo(choice: OrgChoice): Promise<SessionStatus>;
  /** Switches to a saved org connection. */
  useOrg(alias: string): Promise<SessionStatus>;
}

export interface FollowUp {
  whoId: string;
  whatId: string | null;
  subject: string;
  dueDate: string;
  priority: "High" | "Normal" | "Low";
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "NotSignedIn",
  "SessionExpired",
  "Offline",
  "InvalidInput",
  "Salesforce",
  "Internal",
]);

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return typeof code === "string" && ERROR_CODES.has(code) && typeof message === "string";
}

/** Turns whatever a command rejected with into an `IpcError`. */
export function toIpcError(error: unknown): IpcError {
  if (isIpcError(error)) {
    const text = (error as { text?: unknown }).text;
    const keyed = typeof text === "object" && text !== null && typeof (text as { key?: unknown }).key === "string";
    return keyed ? { code: error.code, message: error.message, text: text as Text } : { code: error.code, message: error.message };
  }
  if (error instanceof Error) return { code: "Internal", message: error.message };
  return { code: "Internal", message: String(error) };
}

/** True for errors that mean the user has to sign in (again). */
export function isAuthError(error: IpcError): boolean {
  return error.code === "NotSignedIn" || error.code === "SessionExpired";
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    // The contract with the UI is that backend calls reject with a plain
    // IpcError object (that is what the Rust commands serialize).
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(error);
  }
}

/** sign_in / sign_out may return the new status or nothing; re-read if not. */
async function statusAfter(command: string): Promise<SessionStatus> {
  const result = await call<SessionStatus | null | undefined>(command);
  if (result && typeof result === "object" && "signedIn" in result) return result;
  return call<SessionStatus>("session_status");
}

/**
 * Listens for `call-event`, then asks the shell for what came before (from then on
 * the shell emits instead of keeping events). Live events that arrive while that
 * answer is on its way wait behind it, so the order is the shell's.
 */
async function subscribeToCallEvents(handler: (event: CallEvent) => void): Promise<Unsubscribe> {
  let early: CallEvent[] | null = [];
  const unlisten = await listen<CallEvent>(CALL_EVENT, (event) => {
    if (early) early.push(event.payload);
    else handler(event.payload);
  });
  let waiting: CallEvent[];
  try {
    waiting = await call<CallEvent[]>("take_call_events");
  } catch (error) {
    unlisten();
    throw error;
  }
  const live = early;
  early = null;
  for (const event of [...waiting, ...live]) handler(event);
  return unlisten;
}

/** The backend calls without arguments whose answers the start of the app can use. */
export type StartCall = "desktopInfo" | "sessionStatus" | "managedSettings" | "recentCalls" | "outbox" | "apiUsage" | "orgOptions";

/**
 * Starts the given calls at once and hands each answer to the first call of its kind
 * until `release()`: the app starts with its answers already in, so its first paint
 * shows the state it starts in rather than a state between. Later calls (and all after
 * `release()`) go to `backend` as usual.
 */
export function primed(backend: Backend, calls: readonly StartCall[]): { backend: Backend; ready: Promise<unknown>; release(): void } {
  const pending = new Map<StartCall, Promise<unknown>>();
  for (const name of calls) {
    const answer: Promise<unknown> = backend[name]();
    // An answer nobody takes (a call the app did not make) is not an unhandled error.
    answer.catch(() => {});
    pending.set(name, answer);
  }
  const take = <K extends StartCall>(name: K): ReturnType<Backend[K]> => {
    const answer = pending.get(name);
    pending.delete(name);
    return (answer ?? backend[name]()) as ReturnType<Backend[K]>;
  };
  const overrides: Partial<Backend> = {};
  for (const name of calls) Object.assign(overrides, { [name]: () => take(name) });
  return {
    backend: { ...backend, ...overrides },
    ready: Promise.allSettled([...pending.values()]),
    release: () => pending.clear(),
  };
}

export const tauriBackend: Backend = {
  sessionStatus: () => call<SessionStatus>("session_status"),
  signIn: () => statusAfter("sign_in"),
  signOut: () => statusAfter("sign_out"),
  lookupCaller: (number, direction) => call<LookupResult>("lookup_caller", { number, direction }),
  searchCaller: (term, direction) => call<SearchResult>("search_caller", { term, direction }),
  accountHierarchy: (recordId) => call<AccountHierarchy | null>("account_hierarchy", { recordId }),
  onCallerUpdated: (handler) => listen<CallerUpdate>(CALLER_UPDATED, (event) => handler(event.payload)),
  onCallEvent: subscribeToCallEvents,
  logCall: (request) => call<LogCallOutcome>("log_call", { request }),
  recentCalls: () => call<RecentCall[]>("recent_calls"),
  rememberPick: async (number, recordId) => {
    await call<null>("remember_pick", { number, recordId });
  },
  clearCache: async () => {
    await call<null>("clear_cache");
  },
  rateLead: (leadId, rating) => call<ActionOutcome>("rate_lead", { leadId, rating }),
  leadStatuses: () => call<string[]>("lead_statuses"),
  setLeadStatus: (leadId, status) => call<ActionOutcome>("set_lead_status", { leadId, status }),
  opportunityStages: () => call<Stage[]>("opportunity_stages"),
  setOpportunityStage: (opportunityId, stage, confirmClosing) =>
    call<ActionOutcome>("set_opportunity_stage", { opportunityId, stage, confirmClosing }),
  createLead: (lead) => call<ActionOutcome>("create_lead", { lead }),
  scheduleFollowUp: ({ whoId, whatId, subject, dueDate, priority }) =>
    call<ActionOutcome>("schedule_follow_up", { whoId, whatId, subject, dueDate, priority }),
  outbox: () => call<ActionOutcome[]>("outbox"),
  retryAction: (actionId) => call<ActionOutcome[]>("retry_action", { actionId }),
  discardAction: async (actionId) => {
    await call<null>("discard_action", { actionId });
  },
  overwriteAction: (actionId) => call<ActionOutcome[]>("overwrite_action", { actionId }),
  wrapUp: (wrapUp) => call<ActionOutcome[]>("wrap_up", { wrapUp }),
  apiUsage: () => call<ApiUsage | null>("api_usage"),
  openRecord: async (recordId) => {
    await call<null>("open_record", { recordId });
  },
  setAlwaysOnTop: async (on) => {
    await call<null>("set_always_on_top", { on });
  },
  managedSettings: () => call<ManagedSettings>("managed_settings"),
  callStats: (period) => call<CallStats>("call_stats", { period }),
  exportCallCsv: (period) => call<string>("export_call_csv", { period }),
  apiHealth: () => call<ApiHealth>("api_health"),
  desktopInfo: () => call<DesktopInfo>("desktop_info"),
  onFocusNumber: (handler) => listen<null>(FOCUS_NUMBER, () => handler()),
  orgOptions: () => call<OrgOptions>("org_options"),
  signInTo: (choice) => call<SessionStatus>("sign_in_to", { choice }),
  useOrg: (alias) => call<SessionStatus>("use_org", { alias }),
};
