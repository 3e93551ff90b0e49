/** A scriptable mock Backend for tests (no Tauri involved). */
import { vi } from "vitest";
import type { Backend } from "../ipc/backend";
import type { CallEvent } from "../ipc/bindings/CallEvent";
import type { CallerUpdate } from "../ipc/bindings/CallerUpdate";
import { searchResultOf } from "./searchFixtures";
import { managedSettings } from "./settingsFixtures";
import {
  actionOutcome,
  contact,
  LEAD_STATUSES,
  lookupResult,
  orgOptions,
  sentOutcome,
  signedIn,
  signedOut,
} from "./fixtures";

export type MockBackend = { [K in keyof Backend]: ReturnType<typeof vi.fn<Backend[K]>> } & {
  /** Delivers a `caller-updated` event to every current subscriber. */
  emitCallerUpdate(update: CallerUpdate): void;
  /** How many `caller-updated` subscribers there are. */
  readonly listenerCount: number;
  /** Delivers a `call-event` to every current subscriber. */
  emitCallEvent(event: CallEvent): void;
  /** How many `call-event` subscribers there are. */
  readonly callEventListenerCount: number;
  /** Delivers a `focus-number` event (the global shortcut). */
  emitFocusNumber(): void;
};

/** Every method is a vi.fn with a sensible default; override per test. */
export function mockBackend(): MockBackend & Backend {
  const listeners = new Set<(update: CallerUpdate) => void>();
  const callListeners = new Set<(event: CallEvent) => void>();
  const focusListeners = new Set<() => void>();
  return {
    sessionStatus: vi.fn<Backend["sessionStatus"]>().mockResolvedValue(signedIn),
    signIn: vi.fn<Backend["signIn"]>().mockResolvedValue(signedIn),
    signOut: vi.fn<Backend["signOut"]>().mockResolvedValue(signedOut),
    lookupCaller: vi.fn<Backend["lookupCaller"]>().mockResolvedValue(lookupResult([contact()])),
    searchCaller: vi
      .fn<Backend["searchCaller"]>()
      .mockImplementation((term) => Promise.resolve(searchResultOf(term, [contact()]))),
    accountHierarchy: vi.fn<Backend["accountHierarchy"]>().mockResolvedValue(null),
    onCallerUpdated: vi.fn<Backend["onCallerUpdated"]>().mockImplementation((handler) => {
      // Each subscription is its own entry, even for the same handler.
      const entry = (update: CallerUpdate): void => handler(update);
      listeners.add(entry);
      return Promise.resolve(() => {
        listeners.delete(entry);
      });
    }),
    onCallEvent: vi.fn<Backend["onCallEvent"]>().mockImplementation((handler) => {
      const entry = (event: CallEvent): void => handler(event);
      callListeners.add(entry);
      return Promise.resolve(() => {
        callListeners.delete(entry);
      });
    }),
    logCall: vi.fn<Backend["logCall"]>().mockResolvedValue(sentOutcome),
    recentCalls: vi.fn<Backend["recentCalls"]>().mockResolvedValue([]),
    rememberPick: vi.fn<Backend["rememberPick"]>().mockResolvedValue(undefined),
    clearCache: vi.fn<Backend["clearCache"]>().mockResolvedValue(undefined),
    rateLead: vi.fn<Backend["rateLead"]>().mockImplementation((leadId, rating) =>
      Promise.resolve(actionOutcome({ description: `Rate lead ${leadId} ${rating}`, recordId: leadId })),
    ),
    leadStatuses: vi.fn<Backend["leadStatuses"]>().mockResolvedValue(LEAD_STATUSES),
    setLeadStatus: vi.fn<Backend["setLeadStatus"]>().mockImplementation((leadId, status) =>
      Promise.resolve(
        actionOutcome({ kind: "set_lead_status", description: `Set lead ${leadId} to ${status}`, recordId: leadId }),
      ),
    ),
    opportunityStages: vi.fn<Backend["opportunityStages"]>().mockResolvedValue([]),
    setOpportunityStage: vi.fn<Backend["setOpportunityStage"]>().mockImplementation((id) =>
      Promise.resolve(actionOutcome({ kind: "set_stage", description: `Move opportunity ${id} to Qualification`, recordId: id })),
    ),
    createLead: vi.fn<Backend["createLead"]>().mockResolvedValue(
      actionOutcome({ kind: "create_lead", description: "Create lead", recordId: "00Q000000000099" }),
    ),
    scheduleFollowUp: vi.fn<Backend["scheduleFollowUp"]>().mockResolvedValue(
      actionOutcome({ kind: "follow_up", description: "Follow-up", recordId: "00T000000000002" }),
    ),
    outbox: vi.fn<Backend["outbox"]>().mockResolvedValue([]),
    retryAction: vi.fn<Backend["retryAction"]>().mockResolvedValue([]),
    discardAction: vi.fn<Backend["discardAction"]>().mockResolvedValue(undefined),
    overwriteAction: vi.fn<Backend["overwriteAction"]>().mockResolvedValue([]),
    wrapUp: vi.fn<Backend["wrapUp"]>().mockImplementation((wrapUp) =>
      Promise.resolve([
        actionOutcome({ actionId: "log-1", kind: "log_call", recordId: "00T000000000001" }),
        ...(wrapUp.followUp
          ? [actionOutcome({ actionId: "follow-1", kind: "follow_up", recordId: "00T000000000002" })]
          : []),
      ]),
    ),
    apiUsage: vi.fn<Backend["apiUsage"]>().mockResolvedValue(null),
    openRecord: vi.fn<Backend["openRecord"]>().mockResolvedValue(undefined),
    setAlwaysOnTop: vi.fn<Backend["setAlwaysOnTop"]>().mockResolvedValue(undefined),
    managedSettings: vi.fn<Backend["managedSettings"]>().mockResolvedValue(managedSettings()),
    callStats: vi.fn<Backend["callStats"]>().mockResolvedValue({
      since: "2026-11-25T00:00:00Z",
      until: "2026-11-26T00:00:00Z",
      calls: 0,
      inbound: 0,
      outbound: 0,
      logged: 0,
      averageDurationSeconds: null,
      medianDurationSeconds: null,
      perHour: [],
      perDay: [{ label: "2026-11-25", inbound: 0, outbound: 0 }],
      dispositions: [],
      leadsCreated: 0,
      stagesAdvanced: 0,
      opportunitiesCreated: 0,
      conversionRate: 0,
    }),
    apiHealth: vi.fn<Backend["apiHealth"]>().mockResolvedValue({ lastHour: [], lastDay: [], usage: null }),
    exportCallCsv: vi.fn<Backend["exportCallCsv"]>().mockResolvedValue("/home/rep/Downloads/callside-calls-today.csv"),
    desktopInfo: vi.fn<Backend["desktopInfo"]>().mockResolvedValue({
      language: null,
      focusShortcut: "Ctrl+Alt+K",
      shortcutProblem: null,
      tray: true,
    }),
    onFocusNumber: vi.fn<Backend["onFocusNumber"]>().mockImplementation((handler) => {
      focusListeners.add(handler);
      return Promise.resolve(() => {
        focusListeners.delete(handler);
      });
    }),
    orgOptions: vi.fn<Backend["orgOptions"]>().mockResolvedValue(orgOptions()),
    signInTo: vi.fn<Backend["signInTo"]>().mockResolvedValue(signedIn),
    useOrg: vi.fn<Backend["useOrg"]>().mockResolvedValue(signedIn),
    emitFocusNumber(): void {
      for (const listener of Array.from(focusListeners)) listener();
    },
    emitCallerUpdate(update: CallerUpdate): void {
      for (const listener of Array.from(listeners)) listener(update);
    },
    get listenerCount(): number {
      return listeners.size;
    },
    emitCallEvent(event: CallEvent): void {
      for (const listener of Array.from(callListeners)) listener(event);
    },
    get callEventListenerCount(): number {
      return callListeners.size;
    },
  };
}
