import { beforeEach, describe, expect, it, vi } from "vitest";
import { recentCall } from "../test/fixtures";
import { NO_CALLS_TEXT, RECENT_LIMIT, RecentCallsList, UNKNOWN_CALLER } from "./recentCalls";

let list: HTMLElement;
let empty: HTMLElement;
let onPick: ReturnType<typeof vi.fn<(number: string) => void>>;
let recent: RecentCallsList;

// Local times, so the test holds in any time zone.
const now = new Date(2025, 0, 15, 16, 30).getTime(); // a Wednesday
const at = (day: number, h: number, m: number): string => new Date(2025, 0, day, h, m).toISOString();
const items = (): HTMLElement[] => Array.from(list.querySelectorAll<HTMLElement>(".recent-call"));
const text = (item: HTMLElement, css: string): string | null | undefined => item.querySelector(css)?.textContent;

beforeEach(() => {
  document.body.textContent = "";
  list = document.createElement("ul");
  empty = document.createElement("p");
  document.body.append(list, empty);
  onPick = vi.fn<(number: string) => void>();
  recent = new RecentCallsList(list, empty, onPick);
});

describe("RecentCallsList", () => {
  it("starts with the empty state", () => {
    expect(empty.hidden).toBe(false);
    expect(empty.textContent).toBe(NO_CALLS_TEXT());
    expect(NO_CALLS_TEXT()).toBe("No calls yet.");
    expect(items()).toHaveLength(0);
  });

  it("renders name, number, direction, time and duration", () => {
    recent.render(
      [
        recentCall({ name: "Dana Whitfield", number: "+17205550111", startedAt: at(15, 10, 42), durationSeconds: 125 }),
        recentCall({
          name: null,
          recordId: null,
          recordType: null,
          number: "+14155550199",
          direction: "outbound",
          startedAt: at(13, 14, 5),
          durationSeconds: null,
        }),
      ],
      now,
    );
    expect(empty.hidden).toBe(true);
    const [first, second] = items();
    expect(first!.tagName).toBe("BUTTON");
    expect(first!.getAttribute("type")).toBe("button");
    expect(first!.dataset.number).toBe("+17205550111");
    expect(text(first!, ".recent-name")).toBe("Dana Whitfield");
    expect(text(first!, ".recent-number")).toBe("+17205550111");
    expect(text(first!, ".recent-direction")).toBe("↙Inbound");
    expect(first!.querySelector(".direction-icon")?.getAttribute("aria-hidden")).toBe("true");
    expect(text(first!, ".recent-time")).toBe("10:42");
    expect(text(first!, ".recent-duration")).toBe("2:05");

    expect(second!.dataset.number).toBe("+14155550199");
    expect(text(second!, ".recent-name")).toBe(UNKNOWN_CALLER());
    expect(UNKNOWN_CALLER()).toBe("Unknown caller");
    expect(text(second!, ".recent-direction")).toBe("↗Outbound");
    expect(second!.querySelector(".direction-outbound")).not.toBeNull();
    expect(text(second!, ".recent-time")).toBe("Mon 14:05");
    expect(second!.querySelector(".recent-duration")).toBeNull();
  });

  it("marks a known caller whose name the device does not keep", () => {
    recent.render(
      [recentCall({ name: null, nameWithheld: true, recordType: "Lead", number: "+17205550133", startedAt: at(15, 9, 5) })],
      now,
    );
    const [only] = items();
    expect(text(only!, ".recent-name")).toBe("Lead · name not kept on this device");
    expect(only!.querySelector(".recent-name.withheld")).not.toBeNull();
    expect(only!.querySelector(".recent-name.unknown")).toBeNull();
    expect(only!.dataset.number).toBe("+17205550133");
  });

  it("shows at most ten calls", () => {
    const calls = Array.from({ length: 15 }, (_, i) => recentCall({ number: `+1415555${String(1000 + i)}` }));
    recent.render(calls, now);
    expect(RECENT_LIMIT).toBe(10);
    expect(items()).toHaveLength(10);
    expect(items()[9]!.dataset.number).toBe("+14155551009");
  });

  it("never interprets data as HTML", () => {
    recent.render([recentCall({ name: '<img src=x onerror="alert(1)">' })], now);
    expect(list.querySelector("img")).toBeNull();
    expect(text(items()[0]!, ".recent-name")).toBe('<img src=x onerror="alert(1)">');
  });

  it("hands the clicked call's number over", () => {
    recent.render([recentCall({ number: "+17205550111" }), recentCall({ number: "+14155550199" })], now);
    items()[1]!.querySelector(".recent-name")!.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(onPick).toHaveBeenCalledWith("+14155550199");
  });

  it("goes back to the empty state", () => {
    recent.render([recentCall()], now);
    recent.render([], now);
    expect(items()).toHaveLength(0);
    expect(empty.hidden).toBe(false);
    recent.render([recentCall()], now);
    recent.clear();
    expect(items()).toHaveLength(0);
    expect(empty.textContent).toBe(NO_CALLS_TEXT());
  });

  it("keeps the focus in the list across a reload", () => {
    recent.render([recentCall({ number: "+1" }), recentCall({ number: "+2" })], now);
    items()[1]!.focus();
    recent.render([recentCall({ number: "+3" }), recentCall({ number: "+1" }), recentCall({ number: "+2" })], now);
    expect(document.activeElement).toBe(items()[1]);
  });

  it("says why there is no list when the first load failed, keeps a shown list otherwise", () => {
    recent.showError("Salesforce can't be reached");
    expect(empty.textContent).toBe("Couldn't load recent calls: Salesforce can't be reached");
    recent.render([recentCall()], now);
    recent.showError("again");
    expect(items()).toHaveLength(1);
    expect(empty.hidden).toBe(true);
  });
});
