/**
 * The call metrics view: a header button and a panel with "Today" and "This week":
 * calls (inbound and outbound), durations, outcomes, leads, stages and opportunities,
 * a bar chart of calls per hour (today) or per day (this week), and the calls as CSV.
 *
 * The chart is plain SVG built here: a couple of dozen bars need no library, it stays
 * inside the window's strict content security policy (no inline styles, no remote
 * assets), and it renders and is tested in jsdom like the rest of the UI.
 */
import { locale, t } from "../i18n";
import type { ApiHealth } from "../ipc/bindings/ApiHealth";
import type { Bucket } from "../ipc/bindings/Bucket";
import type { FamilyFigures } from "../ipc/bindings/FamilyFigures";
import type { CallStats } from "../ipc/bindings/CallStats";
import { clear, el } from "../ui/dom";
import { dateTimeFormat, numberFormat } from "../ui/format";

export type Period = "today" | "week";
/** What the panel shows: a period's calls, or API health. */
export type Tab = Period | "api";

const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

/** A duration as m:ss ("—" when unknown). */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** The bars of a period: every hour of the day for today, every day for the week. */
export function chartBuckets(stats: CallStats, period: Period): Bucket[] {
  if (period === "week") return stats.perDay;
  const day = stats.perDay[0]?.label ?? stats.since.slice(0, 10);
  return Array.from({ length: 24 }, (_, hour) => {
    const label = `${day} ${String(hour).padStart(2, "0")}:00`;
    return stats.perHour.find((b) => b.label === label) ?? { label, inbound: 0, outbound: 0 };
  });
}

/** The short label under a bar: the hour ("09") or the weekday ("Mon"). */
export function barLabel(bucket: Bucket, period: Period): string {
  if (period === "today") return bucket.label.slice(11, 13);
  // The label is a local calendar day; read at UTC midnight it keeps its weekday.
  return dateTimeFormat(locale(), { weekday: "short", timeZone: "UTC" }).format(
    new Date(`${bucket.label.slice(0, 10)}T00:00:00Z`),
  );
}

/**
 * A stacked bar chart (inbound below, outbound above), with the count on each bar's
 * title for a pointer and an accessible summary.
 */
export function barChart(buckets: Bucket[], period: Period): SVGSVGElement {
  const width = 320;
  const height = 120;
  const bottom = 16;
  const slot = width / Math.max(buckets.length, 1);
  const most = Math.max(1, ...buckets.map((b) => b.inbound + b.outbound));
  const scale = (height - bottom - 4) / most;
  const chart = svg("svg", {
    id: "insights-chart",
    class: "insights-chart",
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": t("insights.chartLabel", {
      calls: buckets.reduce((sum, b) => sum + b.inbound + b.outbound, 0),
    }),
  });
  chart.append(svg("line", { class: "axis", x1: 0, y1: height - bottom, x2: width, y2: height - bottom }));
  buckets.forEach((bucket, index) => {
    const x = index * slot + slot * 0.15;
    const barWidth = slot * 0.7;
    const group = svg("g", { class: "bar", "data-label": bucket.label });
    const title = svg("title", {});
    title.textContent = t("insights.barTitle", {
      label: bucket.label,
      inbound: bucket.inbound,
      outbound: bucket.outbound,
    });
    group.append(title);
    let top = height - bottom;
    for (const [kind, count] of [
      ["inbound", bucket.inbound],
      ["outbound", bucket.outbound],
    ] as const) {
      if (count === 0) continue;
      const barHeight = count * scale;
      top -= barHeight;
      group.append(svg("rect", { class: kind, x, y: top, width: barWidth, height: barHeight, "data-count": count }));
    }
    // Every third hour is labelled; every day.
    if (period === "week" || index % 3 === 0) {
      const text = svg("text", { class: "tick", x: x + barWidth / 2, y: height - 4, "text-anchor": "middle" });
      text.textContent = barLabel(bucket, period);
      group.append(text);
    }
    chart.append(group);
  });
  return chart;
}

export interface InsightsBackend {
  callStats(period: Period): Promise<CallStats>;
  exportCallCsv(period: Period): Promise<string>;
  apiHealth(): Promise<ApiHealth>;
}

/** An endpoint family's name as shown. */
export function familyName(family: string): string {
  switch (family) {
    case "auth":
      return t("insights.family.auth");
    case "search":
      return t("insights.family.search");
    case "query":
      return t("insights.family.query");
    case "sobject_write":
      return t("insights.family.sobjectWrite");
    case "composite":
      return t("insights.family.composite");
    default:
      return t("insights.family.other");
  }
}

/** One window's table: family, requests, p50, p95, errors (with their codes). */
function familyTable(id: string, title: string, families: FamilyFigures[]): HTMLElement[] {
  const heading = el("h4", { className: "subsection-title", text: title });
  if (families.length === 0) return [heading, el("p", { id, className: "empty-state small", text: t("insights.api.none") })];
  const cell = (tag: "td" | "th", text: string): HTMLElement => el(tag, { text });
  const ms = (value: number | null): string => (value === null ? "—" : `${value} ms`);
  return [
    heading,
    el(
      "table",
      { id, className: "api-health-table" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          cell("th", t("insights.api.family")),
          cell("th", t("insights.api.requests")),
          cell("th", "p50"),
          cell("th", "p95"),
          cell("th", t("insights.api.errors")),
        ),
      ),
      el(
        "tbody",
        {},
        ...families.map((f) =>
          el(
            "tr",
            { data: { family: f.family }, className: f.errors > 0 ? "has-errors" : "" },
            cell("td", familyName(f.family)),
            cell("td", String(f.requests)),
            cell("td", ms(f.p50Ms)),
            cell("td", ms(f.p95Ms)),
            cell(
              "td",
              f.errors === 0
                ? "0"
                : `${Math.round(f.errorRate * 100)}% (${f.errorCodes.map((c) => `${c.code} ${c.requests}`).join(", ")})`,
            ),
          ),
        ),
      ),
    ),
  ];
}

export class InsightsView {
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  private period: Period = "today";
  private tab: Tab = "today";
  private readonly tabs: Record<Tab, HTMLButtonElement>;
  private readonly body = el("div", { id: "insights-body", className: "insights-body", attrs: { "aria-live": "polite" } });
  private readonly exportButton: HTMLButtonElement;
  private readonly exportStatus = el("p", { id: "insights-export-status", className: "hint", attrs: { role: "status" } });
  private readonly footer: HTMLElement;
  private seq = 0;
  private current: CallStats | null = null;

  constructor(
    private readonly backend: InsightsBackend,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.button = el("button", {
      id: "insights-button",
      className: "btn btn-quiet btn-sm insights-button",
      text: t("insights.button"),
      attrs: { type: "button", title: t("insights.buttonTitle"), "aria-expanded": "false", "aria-controls": "insights-panel" },
    });
    const tab = (name: Tab, label: string): HTMLButtonElement => {
      const button = el("button", {
        id: `insights-${name}`,
        className: "btn btn-sm insights-tab",
        text: label,
        attrs: { type: "button", "aria-pressed": String(name === this.tab) },
      });
      button.addEventListener("click", () => void (name === "api" ? this.showApi() : this.show(name)));
      return button;
    };
    this.tabs = {
      today: tab("today", t("insights.today")),
      week: tab("week", t("insights.week")),
      api: tab("api", t("insights.api")),
    };
    this.exportButton = el("button", {
      id: "insights-export",
      className: "btn btn-sm",
      text: t("insights.export"),
      attrs: { type: "button" },
    });
    this.exportButton.addEventListener("click", () => void this.exportCsv());
    this.footer = el("div", { className: "insights-footer" }, this.exportButton, this.exportStatus);
    this.panel = el(
      "section",
      { id: "insights-panel", className: "card insights-panel", attrs: { "aria-labelledby": "insights-heading" } },
      el("h3", { id: "insights-heading", className: "section-title", text: t("insights.heading") }),
      el("div", { className: "insights-tabs", attrs: { role: "group" } }, this.tabs.today, this.tabs.week, this.tabs.api),
      this.body,
      this.footer,
    );
    this.panel.hidden = true;
    this.button.addEventListener("click", () => this.toggle());
  }

  get open(): boolean {
    return !this.panel.hidden;
  }

  get stats(): CallStats | null {
    return this.current;
  }

  toggle(open = !this.open): void {
    this.panel.hidden = !open;
    this.button.setAttribute("aria-expanded", String(open));
    if (open) void (this.tab === "api" ? this.showApi() : this.show(this.period));
  }

  private select(tab: Tab): number {
    this.tab = tab;
    for (const [name, button] of Object.entries(this.tabs)) button.setAttribute("aria-pressed", String(name === tab));
    this.footer.hidden = tab === "api";
    return ++this.seq;
  }

  /** Loads and shows API health (the diagnostics tab). */
  async showApi(): Promise<void> {
    const seq = this.select("api");
    try {
      const health = await this.backend.apiHealth();
      if (seq === this.seq) this.renderApi(health);
    } catch (error) {
      if (seq === this.seq) this.onError(error);
    }
  }

  renderApi(health: ApiHealth): void {
    clear(this.body);
    const usage = health.usage;
    const numbers = numberFormat(locale());
    const line = el("p", { id: "api-health-usage", className: "api-health-usage" });
    if (!usage) {
      line.textContent = t("insights.api.noUsage");
    } else {
      line.dataset.state = usage.state;
      const figures = {
        used: numbers.format(usage.used),
        limit: numbers.format(usage.limit),
        percent: Math.round(usage.percent),
        threshold: usage.warnPercent,
      };
      line.textContent =
        usage.state === "reached"
          ? t("insights.api.usageReached", figures)
          : usage.state === "warning"
            ? t("insights.api.usageWarning", figures)
            : t("insights.api.usage", figures);
    }
    this.body.append(
      line,
      ...familyTable("api-health-hour", t("insights.api.lastHour"), health.lastHour),
      ...familyTable("api-health-day", t("insights.api.lastDay"), health.lastDay),
    );
  }

  /** Loads and shows a period; a failure keeps what is shown and is reported. */
  async show(period: Period): Promise<void> {
    this.period = period;
    const seq = this.select(period);
    try {
      const stats = await this.backend.callStats(period);
      if (seq === this.seq) this.render(stats, period);
    } catch (error) {
      if (seq === this.seq) this.onError(error);
    }
  }

  render(stats: CallStats, period: Period): void {
    this.current = stats;
    clear(this.body);
    const numbers = numberFormat(locale(), { maximumFractionDigits: 0 });
    const figure = (key: string, label: string, value: string): HTMLElement =>
      el("div", { className: "figure", data: { key } }, el("dt", { text: label }), el("dd", { text: value }));
    this.body.append(
      el(
        "dl",
        { id: "insights-figures", className: "insights-figures" },
        figure("calls", t("insights.calls"), numbers.format(stats.calls)),
        figure("inbound", t("insights.inbound"), numbers.format(stats.inbound)),
        figure("outbound", t("insights.outbound"), numbers.format(stats.outbound)),
        figure("average", t("insights.average"), formatDuration(stats.averageDurationSeconds)),
        figure("median", t("insights.median"), formatDuration(stats.medianDurationSeconds)),
        figure("leads", t("insights.leads"), numbers.format(stats.leadsCreated)),
        figure("stages", t("insights.stages"), numbers.format(stats.stagesAdvanced)),
        figure(
          "opportunities",
          t("insights.opportunities"),
          `${numbers.format(stats.opportunitiesCreated)} (${Math.round(stats.conversionRate * 100)}%)`,
        ),
      ),
      barChart(chartBuckets(stats, period), period),
      el(
        "p",
        { className: "insights-legend hint" },
        el("span", { className: "swatch inbound", attrs: { "aria-hidden": "true" } }),
        ` ${t("insights.inbound")}  `,
        el("span", { className: "swatch outbound", attrs: { "aria-hidden": "true" } }),
        ` ${t("insights.outbound")}`,
      ),
    );
    if (stats.dispositions.length > 0) {
      this.body.append(
        el("h4", { className: "subsection-title", text: t("insights.outcomes") }),
        el(
          "ul",
          { id: "insights-outcomes", className: "insights-outcomes" },
          ...stats.dispositions.map((d) =>
            el("li", {}, el("span", { text: d.disposition === "(none)" ? t("insights.noOutcome") : d.disposition }), el("b", { text: String(d.calls) })),
          ),
        ),
      );
    } else if (stats.calls === 0) {
      this.body.append(el("p", { className: "empty-state small", text: t("insights.none") }));
    }
  }

  async exportCsv(): Promise<void> {
    this.exportStatus.textContent = "";
    try {
      const path = await this.backend.exportCallCsv(this.period);
      this.exportStatus.textContent = t("insights.exported", { path });
    } catch (error) {
      this.onError(error);
    }
  }
}
