import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import { account, contact, lead, lookupResult } from "../test/fixtures";
import { CallerPanel, NO_MATCH_TEXT } from "./callerPanel";

let root: HTMLElement;
let onSelect: ReturnType<typeof vi.fn<(m: CallerMatch | null) => void>>;
let panel: CallerPanel;

const $ = <T extends Element = HTMLElement>(sel: string) => root.querySelector<T>(sel);
const $$ = (sel: string) => Array.from(root.querySelectorAll<HTMLElement>(sel));

beforeEach(() => {
  document.body.textContent = "";
  root = document.createElement("section");
  root.id = "caller-panel";
  document.body.appendChild(root);
  onSelect = vi.fn<(m: CallerMatch | null) => void>();
  panel = new CallerPanel(root, onSelect);
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

  it("labels cached results", () => {
    panel.show(lookupResult([contact()], { source: "cache" }));
    expect($("#lookup-source")?.textContent).toBe("From cache");
  });

  it("shows the no-match state", () => {
    panel.show(lookupResult([]));
    expect($("#no-match")?.textContent).toBe(NO_MATCH_TEXT);
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
    ]);
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
    expect(caseCells).toEqual(["00001026", "Can't sign in <b>", "New", "High"]);
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
