import { describe, expect, it, vi } from "vitest";
import { setLanguage } from "../i18n";
import type { ApiHealth } from "../ipc/bindings/ApiHealth";
import type { CallStats } from "../ipc/bindings/CallStats";
import { barChart, barLabel, chartBuckets, formatDuration, InsightsView } from "./callStats";

function stats(overrides: Partial<CallStats> = {}): CallStats {
  return {
    since: "2026-11-23T00:00:00Z",
    until: "2026-11-30T00:00:00Z",
    calls: 5,
    inbound: 3,
    outbound: 2,
    logged: 3,
    averageDurationSeconds: 142.5,
    medianDurationSeconds: 105,
    perHour: [
      { label: "2026-11-23 09:00", inbound: 1, outbound: 1 },
      { label: "2026-11-23 14:00", inbound: 2, outbound: 0 },
    ],
    perDay: [
      { label: "2026-11-23", inbound: 3, outbound: 1 },
      { label: "2026-11-24", inbound: 0, outbound: 1 },
    ],
    dispositions: [
      { disposition: "Interested", calls: 2 },
      { disposition: "(none)", calls: 1 },
    ],
    leadsCreated: 1,
    stagesAdvanced: 1,
    opportunitiesCreated: 1,
    conversionRate: 0.2,
    ...overrides,
  };
}

describe("formatDuration", () => {
  it("shows minutes and seconds, and a dash when unknown", () => {
    expect(formatDuration(142.5)).toBe("2:23");
    expect(formatDuration(59)).toBe("0:59");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("chartBuckets", () => {
  it("gives today every hour, with the quiet ones empty", () => {
    const today = chartBuckets(stats({ perDay: [{ label: "2026-11-23", inbound: 4, outbound: 1 }] }), "today");
    expect(today).toHaveLength(24);
    expect(today[9]!).toEqual({ label: "2026-11-23 09:00", inbound: 1, outbound: 1 });
    expect(today[14]!.inbound).toBe(2);
    expect(today[10]).toEqual({ label: "2026-11-23 10:00", inbound: 0, outbound: 0 });
  });

  it("gives the week its days", () => {
    expect(chartBuckets(stats(), "week").map((b) => b.label)).toEqual(["2026-11-23", "2026-11-24"]);
  });
});

describe("barChart", () => {
  it("stacks inbound and outbound bars scaled to the busiest, titled with their counts", () => {
    setLanguage("en");
    const chart = barChart(stats().perDay, "week");
    expect(chart.getAttribute("aria-label")).toBe("Bar chart of 5 calls");
    const bars = chart.querySelectorAll("g.bar");
    expect(bars).toHaveLength(2);
    const first = bars[0]!;
    const inbound = first.querySelector("rect.inbound")!;
    const outbound = first.querySelector("rect.outbound")!;
    expect(inbound.getAttribute("data-count")).toBe("3");
    expect(Number(inbound.getAttribute("height"))).toBeCloseTo(3 * Number(outbound.getAttribute("height")));
    // The busiest day fills the chart's height above the axis.
    expect(Number(inbound.getAttribute("height")) + Number(outbound.getAttribute("height"))).toBeCloseTo(100);
    expect(bars[1]!.querySelector("rect.inbound")).toBeNull();
    expect(first.querySelector("title")!.textContent).toBe("2026-11-23: 3 inbound, 1 outbound");
    expect(first.querySelector("text")!.textContent).toBe("Mon");
  });

  it("labels every third hour of a day", () => {
    expect(barLabel({ label: "2026-11-23 09:00", inbound: 0, outbound: 0 }, "today")).toBe("09");
    const chart = barChart(chartBuckets(stats(), "today"), "today");
    expect(chart.querySelectorAll("text.tick")).toHaveLength(8);
  });
});

describe("InsightsView", () => {
  it("loads today when opened, switches to the week, and exports the period", async () => {
    setLanguage("en");
    const backend = {
      callStats: vi.fn().mockResolvedValue(stats()),
      exportCallCsv: vi.fn().mockResolvedValue("/home/rep/Downloads/callside-calls-week.csv"),
      apiHealth: vi.fn(),
    };
    const view = new InsightsView(backend);
    expect(view.panel.hidden).toBe(true);
    view.toggle(true);
    await vi.waitFor(() => expect(view.stats).not.toBeNull());
    expect(backend.callStats).toHaveBeenCalledWith("today");
    const figure = (key: string) => view.panel.querySelector(`[data-key="${key}"] dd`)!.textContent;
    expect(figure("calls")).toBe("5");
    expect(figure("average")).toBe("2:23");
    expect(figure("median")).toBe("1:45");
    expect(figure("opportunities")).toBe("1 (20%)");
    const outcomes = [...view.panel.querySelectorAll("#insights-outcomes li")].map((li) => li.textContent);
    expect(outcomes).toEqual(["Interested2", "No result given1"]);
    expect(view.panel.querySelectorAll("#insights-chart g.bar")).toHaveLength(24);

    (view.panel.querySelector("#insights-week") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(backend.callStats).toHaveBeenCalledWith("week"));
    await vi.waitFor(() => expect(view.panel.querySelectorAll("#insights-chart g.bar")).toHaveLength(2));
    expect(view.panel.querySelector("#insights-week")!.getAttribute("aria-pressed")).toBe("true");

    (view.panel.querySelector("#insights-export") as HTMLButtonElement).click();
    await vi.waitFor(() =>
      expect(view.panel.querySelector("#insights-export-status")!.textContent).toBe(
        "Saved to /home/rep/Downloads/callside-calls-week.csv",
      ),
    );
    expect(backend.exportCallCsv).toHaveBeenCalledWith("week");
  });

  it("reports a failure and keeps what it shows", async () => {
    const backend = {
      callStats: vi.fn().mockResolvedValueOnce(stats()).mockRejectedValueOnce({ code: "NotSignedIn", message: "no" }),
      exportCallCsv: vi.fn(),
      apiHealth: vi.fn(),
    };
    const onError = vi.fn();
    const view = new InsightsView(backend, onError);
    await view.show("today");
    await view.show("week");
    expect(onError).toHaveBeenCalledWith({ code: "NotSignedIn", message: "no" });
    expect(view.panel.querySelector('[data-key="calls"] dd')!.textContent).toBe("5");
  });
});

describe("API health", () => {
  const health: ApiHealth = {
    lastHour: [
      {
        family: "search",
        requests: 3,
        p50Ms: 12,
        p95Ms: 160,
        errors: 1,
        errorRate: 1 / 3,
        errorCodes: [{ code: "SERVER_UNAVAILABLE", requests: 1 }],
      },
    ],
    lastDay: [
      { family: "search", requests: 3, p50Ms: 12, p95Ms: 160, errors: 1, errorRate: 1 / 3, errorCodes: [{ code: "SERVER_UNAVAILABLE", requests: 1 }] },
      { family: "sobject_write", requests: 2, p50Ms: 40, p95Ms: 55, errors: 0, errorRate: 0, errorCodes: [] },
    ],
    usage: { used: 12500, limit: 15000, percent: 83.3, warnPercent: 80, state: "warning", reportedAt: "2026-11-25T10:00:00Z" },
  };

  it("shows each family's figures per window and warns past the policy's threshold", async () => {
    setLanguage("en");
    const backend = { callStats: vi.fn(), exportCallCsv: vi.fn(), apiHealth: vi.fn().mockResolvedValue(health) };
    const view = new InsightsView(backend);
    await view.showApi();
    const usage = view.panel.querySelector("#api-health-usage") as HTMLElement;
    expect(usage.dataset.state).toBe("warning");
    expect(usage.textContent).toBe("API requests today: 12,500 of 15,000 (83%), at or above the 80% your administrator set.");
    const row = [...view.panel.querySelectorAll("#api-health-hour tbody tr")].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => td.textContent),
    );
    expect(row).toEqual([["Search", "3", "12 ms", "160 ms", "33% (SERVER_UNAVAILABLE 1)"]]);
    expect(view.panel.querySelectorAll("#api-health-day tbody tr")).toHaveLength(2);
    expect(view.panel.querySelector('#api-health-day tr[data-family="sobject_write"] td')!.textContent).toBe("Record writes");
    // The export belongs to the call periods.
    expect((view.panel.querySelector(".insights-footer") as HTMLElement).hidden).toBe(true);
  });

  it("says clearly when the limit is reached, and when nothing was reported", async () => {
    setLanguage("en");
    const reached = { ...health, usage: { ...health.usage!, used: 15000, percent: 100, state: "reached" as const } };
    const backend = { callStats: vi.fn(), exportCallCsv: vi.fn(), apiHealth: vi.fn().mockResolvedValue(reached) };
    const view = new InsightsView(backend);
    await view.showApi();
    const usage = view.panel.querySelector("#api-health-usage") as HTMLElement;
    expect(usage.dataset.state).toBe("reached");
    expect(usage.textContent).toMatch(/daily API limit is reached \(15,000 of 15,000\)/);
    view.renderApi({ lastHour: [], lastDay: [], usage: null });
    expect(view.panel.querySelector("#api-health-usage")!.textContent).toBe("Salesforce has not reported the API usage yet.");
    expect(view.panel.querySelector("#api-health-hour")!.textContent).toBe("No requests in this window.");
  });
});
