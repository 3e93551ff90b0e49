/** Test data (plain objects; no Vitest or Tauri imports). */
import type { ActionOutcome } from "../ipc/bindings/ActionOutcome";
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import type { LogCallOutcome } from "../ipc/bindings/LogCallOutcome";
import type { LookupResult } from "../ipc/bindings/LookupResult";
import type { RecentCall } from "../ipc/bindings/RecentCall";
import type { OrgOptions } from "../ipc/bindings/OrgOptions";
import type { SessionStatus } from "../ipc/bindings/SessionStatus";

export const signedOut: SessionStatus = {
  signedIn: false,
  userName: null,
  username: null,
  orgId: null,
  instanceUrl: null,
  loginUrl: "https://login.salesforce.com",
  keychain: "secret-service",
};

export const signedIn: SessionStatus = {
  signedIn: true,
  userName: "Zoë O'Brien",
  username: "zoe@acme.example",
  orgId: "00D000000000001",
  instanceUrl: "https://acme.my.salesforce.com",
  loginUrl: "https://login.salesforce.com",
  keychain: "secret-service",
};

export function lead(overrides: Partial<CallerMatch> = {}): CallerMatch {
  return {
    type: "Lead",
    id: "00Q000000000001",
    name: "Seán O'Connor",
    nameWithheld: false,
    title: "Head of Ops",
    company: "Müller & Söhne GmbH",
    accountId: null,
    phone: "+49 30 1234567",
    status: "Open - Not Contacted",
    rating: "Hot",
    leadSource: "Web",
    opportunities: [],
    cases: [],
    owner: null,
    activities: [],
    ...overrides,
  };
}

export function contact(overrides: Partial<CallerMatch> = {}): CallerMatch {
  return {
    type: "Contact",
    id: "003000000000001",
    name: "山田 太郎",
    nameWithheld: false,
    title: "CTO",
    company: "Acme Corp",
    accountId: "001000000000001",
    phone: "(415) 555-0100",
    status: null,
    rating: null,
    leadSource: null,
    opportunities: [
      {
        id: "006000000000001",
        name: "Acme – 500 seats",
        stage: "Negotiation/Review",
        amount: 125000,
        closeDate: "2025-03-31",
        probability: 90,
      },
    ],
    cases: [
      {
        id: "500000000000001",
        caseNumber: "00001026",
        subject: "Can't sign in <b>",
        status: "New",
        priority: "High",
      },
    ],
    owner: null,
    activities: [],
    ...overrides,
  };
}

export function account(overrides: Partial<CallerMatch> = {}): CallerMatch {
  return {
    type: "Account",
    id: "001000000000001",
    name: "Acme Corp",
    nameWithheld: false,
    title: null,
    company: null,
    accountId: null,
    phone: "(415) 555-0100",
    status: null,
    rating: null,
    leadSource: null,
    opportunities: [],
    cases: [],
    owner: null,
    activities: [],
    ...overrides,
  };
}

export function lookupResult(matches: CallerMatch[], overrides: Partial<LookupResult> = {}): LookupResult {
  return {
    number: "+14155550100",
    source: "salesforce",
    fetchedAt: "2025-01-15T10:30:00Z",
    matches,
    relatedLoaded: true,
    ...overrides,
  };
}

export function recentCall(overrides: Partial<RecentCall> = {}): RecentCall {
  return {
    number: "+14155550100",
    recordId: "003000000000001",
    recordType: "Contact",
    name: "山田 太郎",
    nameWithheld: false,
    direction: "inbound",
    startedAt: "2025-01-15T10:30:00Z",
    durationSeconds: 125,
    ...overrides,
  };
}

export const sentOutcome: LogCallOutcome = {
  actionId: "a-1",
  status: "sent",
  taskId: "00T000000000001",
  message: null,
};

export function actionOutcome(overrides: Partial<ActionOutcome> = {}): ActionOutcome {
  return {
    actionId: "act-1",
    kind: "rate_lead",
    description: "Rate lead 00Q000000000001 Hot",
    status: "sent",
    recordId: "00Q000000000001",
    message: null,
    ...overrides,
  };
}

export const LEAD_STATUSES = ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"];

/** A promise with its resolve/reject exposed, to observe busy states. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export function orgOptions(overrides: Partial<OrgOptions> = {}): OrgOptions {
  return {
    saved: [],
    currentLoginUrl: "https://login.salesforce.com",
    currentAlias: null,
    lockedLoginUrl: null,
    productionUrl: "https://login.salesforce.com",
    sandboxUrl: "https://test.salesforce.com",
    demoUrl: "http://127.0.0.1:7718",
    ...overrides,
  };
}
