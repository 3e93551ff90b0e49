import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import type { CallerUpdate } from "../ipc/bindings/CallerUpdate";
import type { LookupResult } from "../ipc/bindings/LookupResult";
import { account, contact, lead, lookupResult } from "../test/fixtures";
import type { Every } from "../ui/schedule";
import { AGE_REFRESH_MS, awaitsRelated, CallerPanel, NO_MATCH_TEXT, RELATED_LOADING_TEXT } from "./callerPanel";

let root: HTMLElement;
let onSelect: ReturnType<typeof vi.fn<(m: CallerMatch | null) => void>>;
let onPick: ReturnType<typeof vi.fn<(number: string, m: CallerMatch) => void>>;
let panel: CallerPanel;
let now: number;
let repeats: Array<{ fn: () => void; ms: number; stopped: boolean }>;

const NOW = Date.parse("2025-01-15T10:30:00Z");
const MIN = 60_000;
const ago = (ms: number): string => new Date(now - ms).toISOString();
const every: Every = (fn, ms) => {
  const entry = { fn, ms, stopped: false };
  repeats.push(entry);
  return () => {
    entry.stopped = true;
  };
};
const tick = (ms: number): void => {
  now += ms;
  for (const r of repeats) if (!r.stopped) r.fn();
};
const update = (result: LookupResult | null, overrides: Partial<CallerUpdate> = {}): CallerUpdate => ({
  number: "+14155550100",
  result,
  error: null,
  ...overrides,
});
/** A first paint: the best match without its related records yet. */
const firstPaint = (...rest: CallerMatch[]): LookupResult =>
  lookupResult([contact({ opportunities: [], cases: [] }), ...rest], { relatedLoaded: false });

const $ = <T extends Element = HTMLElement>(sel: string) => root.querySelector<T>(sel);
const $$ = (sel: string) => Array.from(root.querySelectorAll<HTMLElement>(sel));

beforeEach(() => {
  document.body.textContent = "";
  root = document.createElement("section");
  root.id = "caller-panel";
  document.body.appendChild(root);
  onSelect = vi.fn<(m: CallerMatch | null) => void>();
  onPick = vi.fn<(number: string, m: CallerMatch) => void>();
  now = NOW;
  repeats = [];
  panel = new CallerPanel(root, onSelect, { now: () => now, every, onPick });
});

describe("CallerPanel", () => {
  it("starts hidden", () => {
    expect(root.hidden).toBe(true);
    expect(panel.selected).toBeNull();
  });

  it("shows the number and a live source badge", () => {
    panel.show(lookupResult([contact()]));
    expect(root.hidden).toBe(false);
    expect($("h2")?.textContent).toBe("+14155550100");
    expect($("#lookup-source")?.textContent).toBe("Live from Salesforce");
  });

  it("labels cached results with their age", () => {
    panel.show(lookupResult([contact()], { source: "cache", fetchedAt: ago(3 * MIN + 5000) }));
    expect($("#lookup-source")?.textContent).toBe("From cache · updated 3 min ago");
    expect($("#lookup-source")?.classList.contains("source-cache")).toBe(true);
    expect($("#lookup-source")?.classList.contains("offline")).toBe(false);
  });

  it("shows a cached card whose name the device does not keep, then the name live", () => {
    const withheld = contact({ name: "", nameWithheld: true });
    panel.show(lookupResult([withheld], { source: "cache", fetchedAt: ago(MIN) }));
    expect($(".match-name")?.textContent).toBe("Name not kept on this device");
    expect($(".match-name")?.classList.contains("withheld")).toBe(true);
    expect($(".open-in-salesforce")?.getAttribute("aria-label")).toContain("Name not kept on this device");
    panel.show(lookupResult([contact()]));
    expect($(".match-name")?.textContent).toBe(contact().name);
    expect($(".match-name")?.classList.contains("withheld")).toBe(false);
  });

  it("shows the no-match state", () => {
    panel.show(lookupResult([]));
    expect($("#no-match")?.textContent).toBe(NO_MATCH_TEXT());
    expect($("#matches")).toBeNull();
    expect(onSelect).toHaveBeenLastCalledWith(null);
  });

  it("renders each match with data attributes, selecting the first", () => {
    panel.show(lookupResult([lead(), contact(), account()]));
    const rows = $$("#matches .match");
    expect(rows.map((r) => [r.dataset.type, r.dataset.id])).toEqual([
      ["Lead", "00Q000000000001"],
      ["Contact", "003000000000001"],
      ["Account", "001000000000001"],
    ]);
    expect(rows.map((r) => r.classList.contains("selected"))).toEqual([true, false, false]);
    expect(rows.map((r) => r.getAttribute("aria-pressed"))).toEqual(["true", "false", "false"]);
    expect(rows.every((r) => r.tagName === "BUTTON" && r.getAttribute("type") === "button")).toBe(true);
    expect(panel.selected?.id).toBe("00Q000000000001");
    expect(onSelect).toHaveBeenLastCalledWith(expect.objectContaining({ id: "00Q000000000001" }));
  });

  it("shows lead details: badge, name, title, company, phone, status, rating", () => {
    panel.show(lookupResult([lead()]));
    const row = $(".match")!;
    expect(row.querySelector(".type-badge")?.textContent).toBe("Lead");
    expect(row.querySelector(".match-name")?.textContent).toBe("Seán O'Connor");
    expect(row.querySelector(".match-sub")?.textContent).toBe("Head of Ops · Müller & Söhne GmbH");
    expect(row.querySelector(".match-phone")?.textContent).toBe("+49 30 1234567");
    expect(Array.from(row.querySelectorAll(".chip")).map((c) => c.textContent)).toEqual([
      "Open - Not Contacted",
      "Hot",
      "Source: Web",
    ]);
  });

  it("shows a lead's source only when the lead has one", () => {
    panel.show(lookupResult([lead({ leadSource: null }), lead({ id: "00Q000000000002", leadSource: "Partner Referral" })]));
    const rows = $$(".match");
    expect(rows[0]!.querySelector(".lead-source")).toBeNull();
    expect(rows[1]!.querySelector(".lead-source")?.textContent).toBe("Source: Partner Referral");
  });

  it("never interprets data as HTML", () => {
    const evil = '<img src=x onerror="alert(1)">';
    panel.show(lookupResult([contact({ name: evil, company: "<b>bold</b>" })]));
    expect(root.querySelector("img")).toBeNull();
    expect(root.querySelector(".match b")).toBeNull();
    expect($(".match-name")?.textContent).toBe(evil);
    expect($("#cases .case-subject")?.textContent).toBe("Can't sign in <b>");
  });

  it("renders opportunities and cases of the selected match", () => {
    panel.show(lookupResult([contact()]));
    const opp = $$("#opportunities tbody tr");
    expect(opp).toHaveLength(1);
    const cells = Array.from(opp[0]!.querySelectorAll("td")).map((td) => td.textContent);
    expect(cells[0]).toBe("Acme – 500 seats");
    expect(cells[1]).toBe("Negotiation/Review");
    expect(cells[2]).toMatch(/125,000/);
    expect(cells[3]).toMatch(/2025/);
    const caseCells = Array.from($$("#cases tbody tr")[0]!.querySelectorAll("td")).map((td) => td.textContent);
    expect(caseCells).toEqual(["00001026", "Can't sign in <b>", "New", "High", "↗"]);
  });

  it("shows 'none open' empty states", () => {
    panel.show(lookupResult([lead()]));
    expect($("#opportunities")?.textContent).toContain("None open");
    expect($("#cases")?.textContent).toContain("None open");
    expect($("#opportunities table")).toBeNull();
  });

  it("selects another match on click and follows it with the details", () => {
    panel.show(lookupResult([lead(), contact()]));
    onSelect.mockClear();
    $$(".match")[1]!.querySelector(".match-name")!.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(panel.selected?.type).toBe("Contact");
    expect($$(".match").map((r) => r.classList.contains("selected"))).toEqual([false, true]);
    expect($$(".match").map((r) => r.getAttribute("aria-pressed"))).toEqual(["false", "true"]);
    expect(onSelect).toHaveBeenCalledTimes(1);
    expect($$("#opportunities tbody tr")).toHaveLength(1);
    // Re-clicking the selected row does nothing.
    $$(".match")[1]!.click();
    expect(onSelect).toHaveBeenCalledTimes(1);
  });

  it("clear() hides and deselects", () => {
    panel.show(lookupResult([lead()]));
    panel.clear();
    expect(root.hidden).toBe(true);
    expect(root.childNodes).toHaveLength(0);
    expect(panel.selected).toBeNull();
    expect(onSelect).toHaveBeenLastCalledWith(null);
  });
});

describe("source badge age", () => {
  it("says 'just now' under a minute, then minutes, hours and days", () => {
    for (const [age, text] of [
      [0, "just now"],
      [59_000, "just now"],
      [MIN, "1 min ago"],
      [59 * MIN, "59 min ago"],
      [2 * 60 * MIN, "2 h ago"],
      [24 * 60 * MIN, "1 day ago"],
      [3 * 24 * 60 * MIN, "3 days ago"],
    ] as const) {
      panel.show(lookupResult([contact()], { source: "cache", fetchedAt: ago(age) }));
      expect($("#lookup-source")?.textContent).toBe(`From cache · updated ${text}`);
    }
  });

  it("refreshes the age every 30 s while shown, and stops when cleared", () => {
    panel.show(lookupResult([contact()], { source: "cache", fetchedAt: ago(30_000) }));
    expect($("#lookup-source")?.textContent).toBe("From cache · updated just now");
    const active = repeats.filter((r) => !r.stopped);
    expect(active).toHaveLength(1);
    expect(active[0]!.ms).toBe(AGE_REFRESH_MS);
    expect(AGE_REFRESH_MS).toBe(30_000);
    tick(30_000);
    expect($("#lookup-source")?.textContent).toBe("From cache · updated 1 min ago");
    tick(2 * MIN);
    expect($("#lookup-source")?.textContent).toBe("From cache · updated 3 min ago");
    panel.clear();
    expect(repeats.every((r) => r.stopped)).toBe(true);
  });

  it("uses one refresh per shown result", () => {
    panel.show(lookupResult([contact()], { source: "cache" }));
    panel.show(lookupResult([contact()], { source: "cache" }));
    expect(repeats.filter((r) => !r.stopped)).toHaveLength(1);
    panel.dispose();
    expect(repeats.every((r) => r.stopped)).toBe(true);
  });
});

describe("caller updates", () => {
  it("re-renders with the update for the shown number, keeping the selected match", () => {
    panel.show(lookupResult([lead(), contact({ opportunities: [], cases: [] })], { source: "cache", fetchedAt: ago(5 * MIN) }));
    panel.select("003000000000001");
    onSelect.mockClear();
    onPick.mockClear();
    const fresh = lookupResult([lead({ name: "Seán O'Connor (new)" }), contact({ title: "CEO" })], { fetchedAt: ago(0) });
    expect(panel.update(update(fresh))).toBe(true);
    expect($("#lookup-source")?.textContent).toBe("Live from Salesforce");
    expect($$(".match-name")[0]?.textContent).toBe("Seán O'Connor (new)");
    expect($(".match.selected")?.dataset.id).toBe("003000000000001");
    expect(panel.selected?.title).toBe("CEO");
    expect($$("#opportunities tbody tr")).toHaveLength(1);
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ id: "003000000000001", title: "CEO" }));
    expect(onPick).not.toHaveBeenCalled();
  });

  it("ignores updates for other numbers", () => {
    panel.show(lookupResult([contact()], { source: "cache", fetchedAt: ago(2 * MIN) }));
    onSelect.mockClear();
    const other = lookupResult([lead()], { number: "+14155550199" });
    expect(panel.update(update(other, { number: "+14155550199" }))).toBe(false);
    expect(panel.update(update(null, { number: "+14155550199", error: { code: "Offline", message: "x" } }))).toBe(false);
    expect($$(".match").map((m) => m.dataset.id)).toEqual(["003000000000001"]);
    expect($("#lookup-source")?.textContent).toBe("From cache · updated 2 min ago");
    expect(onSelect).not.toHaveBeenCalled();
  });

  it("ignores updates while nothing is shown", () => {
    expect(panel.update(update(lookupResult([lead()])))).toBe(false);
    expect(root.hidden).toBe(true);
  });

  it("selects the new best match when the selected one is gone", () => {
    panel.show(lookupResult([lead(), contact()]));
    panel.select("003000000000001");
    panel.update(update(lookupResult([account(), lead()])));
    expect(panel.selected?.id).toBe("001000000000001");
    expect($(".match.selected")?.dataset.id).toBe("001000000000001");
  });

  it("keeps the focus where it is", () => {
    const notes = document.createElement("textarea");
    document.body.appendChild(notes);
    panel.show(lookupResult([lead(), contact()]));
    notes.focus();
    notes.value = "typed";
    panel.update(update(lookupResult([lead(), contact()])));
    expect(document.activeElement).toBe(notes);
    expect(notes.value).toBe("typed");

    // A focused match keeps the focus across the re-render.
    $$(".match")[1]!.focus();
    panel.update(update(lookupResult([lead(), contact()])));
    expect(document.activeElement).toBe($$(".match")[1]);
  });

  it("marks the data offline after an Offline error, keeping it", () => {
    panel.show(lookupResult([lead(), contact()], { source: "cache", fetchedAt: ago(3 * MIN) }));
    panel.select("003000000000001");
    expect(panel.update(update(null, { error: { code: "Offline", message: "No connection" } }))).toBe(true);
    const badge = $("#lookup-source")!;
    expect(badge.textContent).toBe("Offline · data from 3 min ago");
    expect(badge.classList.contains("offline")).toBe(true);
    expect(panel.isOffline).toBe(true);
    expect($$(".match")).toHaveLength(2);
    expect(panel.selected?.id).toBe("003000000000001");
    expect($$("#opportunities tbody tr")).toHaveLength(1);
    // The age keeps counting while offline.
    tick(2 * MIN);
    expect(badge.textContent).toBe("Offline · data from 5 min ago");
    // Fresh data clears the mark.
    panel.update(update(lookupResult([lead(), contact()], { fetchedAt: ago(0) })));
    expect($("#lookup-source")?.textContent).toBe("Live from Salesforce");
    expect($("#lookup-source")?.classList.contains("offline")).toBe(false);
  });

  it("keeps the label but notes other refresh errors in the badge's title", () => {
    panel.show(lookupResult([contact()], { source: "cache", fetchedAt: ago(3 * MIN) }));
    panel.update(update(null, { error: { code: "Salesforce", message: "REQUEST_LIMIT_EXCEEDED" } }));
    expect($("#lookup-source")?.textContent).toBe("From cache · updated 3 min ago");
    expect($("#lookup-source")?.classList.contains("offline")).toBe(false);
    expect($("#lookup-source")?.title).toContain("REQUEST_LIMIT_EXCEEDED");
  });
});

describe("related records of a first paint", () => {
  it("knows which results wait for their related records", () => {
    expect(awaitsRelated(firstPaint())).toBe(true);
    expect(awaitsRelated(lookupResult([lead()], { relatedLoaded: false }))).toBe(true);
    expect(awaitsRelated(lookupResult([contact()]))).toBe(false);
    expect(awaitsRelated(lookupResult([contact({ opportunities: [], cases: [] })], { source: "cache" }))).toBe(false);
    expect(awaitsRelated(lookupResult([], { relatedLoaded: false }))).toBe(false);
    expect(awaitsRelated(lookupResult([]))).toBe(false);
  });

  it("shows a loading line until the update lands", () => {
    panel.show(firstPaint());
    expect(panel.loadingRelated).toBe(true);
    expect($("#related-loading")?.textContent).toBe(RELATED_LOADING_TEXT());
    expect(RELATED_LOADING_TEXT()).toBe("Loading opportunities, cases and activities…");
    expect($("#opportunities")).toBeNull();
    panel.update(update(lookupResult([contact()])));
    expect($("#related-loading")).toBeNull();
    expect(panel.loadingRelated).toBe(false);
    expect($$("#opportunities tbody tr")).toHaveLength(1);
    expect($$("#cases tbody tr")).toHaveLength(1);
  });

  it("says why when the related records could not be loaded", () => {
    panel.show(firstPaint());
    panel.update(update(null, { error: { code: "Salesforce", message: "INVALID_SESSION_ID" } }));
    expect($("#related-loading")).toBeNull();
    expect($("#related-error")?.textContent).toBe("Couldn't load opportunities and cases: INVALID_SESSION_ID");
    expect($$(".match")).toHaveLength(1);
  });

  it("marks an Offline failure on the badge too", () => {
    panel.show(firstPaint());
    panel.update(update(null, { error: { code: "Offline", message: "Salesforce can't be reached" } }));
    expect($("#related-error")?.textContent).toBe("Couldn't load opportunities and cases: Salesforce can't be reached");
    expect($("#lookup-source")?.textContent).toBe("Offline · data from just now");
    expect($("#lookup-source")?.classList.contains("offline")).toBe(true);
  });

  it("shows the loading line for the best match only", () => {
    panel.show(firstPaint(account()));
    panel.select("001000000000001");
    expect($("#related-loading")).toBeNull();
    expect($("#opportunities")?.textContent).toContain("None open");
    panel.select("003000000000001");
    expect($("#related-loading")).not.toBeNull();
  });

  it("shows no loading line for cached results or leads", () => {
    panel.show(lookupResult([contact({ opportunities: [], cases: [] })], { source: "cache" }));
    expect($("#related-loading")).toBeNull();
    panel.show(lookupResult([lead()]));
    expect($("#related-loading")).toBeNull();
  });
});

describe("remembered picks", () => {
  it("reports a pick other than the best match, with the number", () => {
    panel.show(lookupResult([lead(), contact()]));
    expect(onPick).not.toHaveBeenCalled();
    $$(".match")[1]!.click();
    expect(onPick).toHaveBeenCalledTimes(1);
    expect(onPick).toHaveBeenCalledWith("+14155550100", expect.objectContaining({ id: "003000000000001" }));
  });

  it("reports going back to the best match after another pick", () => {
    panel.show(lookupResult([lead(), contact(), account()]));
    $$(".match")[1]!.click();
    $$(".match")[0]!.click();
    expect(onPick.mock.calls.map(([, m]) => m.id)).toEqual(["003000000000001", "00Q000000000001"]);
  });

  it("does not report the best match chosen by default, nor a single match", () => {
    panel.show(lookupResult([lead(), contact()]));
    $$(".match")[0]!.click();
    panel.show(lookupResult([contact()]));
    $$(".match")[0]!.click();
    expect(onPick).not.toHaveBeenCalled();
  });
});

describe("owner and recent activity", () => {
  it("shows the owner on the match and the best match's last activities", () => {
    panel.show(
      lookupResult([
        contact({
          owner: "Riley Demo",
          activities: [
            { id: "00T1", subject: "Call with Dana", date: "2026-11-20", status: "Completed", callType: "Inbound" },
          ],
        }),
      ]),
    );
    expect($(".match .match-owner")?.textContent).toBe("Owner: Riley Demo");
    expect($("#activities .activity-subject")?.textContent).toBe("Call with Dana");
    expect($("#activities .activity-meta")?.textContent).toBe("Inbound call · Completed");
  });

  it("says so when there is no activity", () => {
    panel.show(lookupResult([lead()]));
    expect($("#activities")?.textContent).toContain("No activity yet");
  });
});
