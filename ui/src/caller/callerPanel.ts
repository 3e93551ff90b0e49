/** Renders a LookupResult: who is calling, their open opportunities and cases. */
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import type { CaseSummary } from "../ipc/bindings/CaseSummary";
import type { LookupResult } from "../ipc/bindings/LookupResult";
import type { OpportunitySummary } from "../ipc/bindings/OpportunitySummary";
import { clear, el } from "../ui/dom";
import { formatCurrency, formatDate, formatDateTime } from "../ui/format";

export const NO_MATCH_TEXT = "No Salesforce record has this number.";

/** Safe class-name fragment: "Very High" -> "very-high". */
function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "none";
}

export function sourceLabel(result: LookupResult): string {
  return result.source === "salesforce" ? "Live from Salesforce" : "From cache";
}

export class CallerPanel {
  private result: LookupResult | null = null;
  private selectedId: string | null = null;
  private readonly details = el("div", { className: "caller-details" });

  /**
   * @param root the #caller-panel element (emptied and filled by this class)
   * @param onSelect called whenever the selected match changes (null = none)
   */
  constructor(
    private readonly root: HTMLElement,
    private readonly onSelect: (match: CallerMatch | null) => void = () => {},
  ) {
    this.root.hidden = true;
    this.root.addEventListener("click", (event) => {
      const target = event.target instanceof Element ? event.target.closest(".match") : null;
      if (target instanceof HTMLElement && target.dataset.id !== undefined) this.select(target.dataset.id);
    });
  }

  get selected(): CallerMatch | null {
    return this.result?.matches.find((m) => m.id === this.selectedId) ?? null;
  }

  get matches(): readonly CallerMatch[] {
    return this.result?.matches ?? [];
  }

  /** Shows a lookup result and selects its first match. */
  show(result: LookupResult): void {
    this.result = result;
    this.selectedId = result.matches[0]?.id ?? null;
    this.render();
    this.onSelect(this.selected);
  }

  /** Hides the panel (e.g. while a new number is looked up). */
  clear(): void {
    const had = this.result !== null;
    this.result = null;
    this.selectedId = null;
    clear(this.root);
    this.root.hidden = true;
    if (had) this.onSelect(null);
  }

  select(id: string): void {
    if (!this.result || id === this.selectedId) return;
    if (!this.result.matches.some((m) => m.id === id)) return;
    this.selectedId = id;
    for (const button of this.root.querySelectorAll<HTMLElement>(".match")) {
      const on = button.dataset.id === id;
      button.classList.toggle("selected", on);
      button.setAttribute("aria-pressed", String(on));
    }
    this.renderDetails();
    this.onSelect(this.selected);
  }

  private render(): void {
    const result = this.result;
    clear(this.root);
    if (!result) {
      this.root.hidden = true;
      return;
    }
    const badge = el("span", {
      id: "lookup-source",
      className: `badge source-${result.source}`,
      text: sourceLabel(result),
      attrs: { title: `Fetched ${formatDateTime(result.fetchedAt)}` },
    });
    const header = el(
      "div",
      { className: "panel-header" },
      el("h2", { id: "caller-number", className: "caller-number", text: result.number }),
      badge,
    );
    this.root.appendChild(header);

    if (result.matches.length === 0) {
      this.root.appendChild(el("p", { id: "no-match", className: "empty-state", text: NO_MATCH_TEXT }));
    } else {
      const list = el("ul", {
        id: "matches",
        className: "matches",
        attrs: { "aria-label": "Matching Salesforce records" },
      });
      for (const match of result.matches) list.appendChild(el("li", {}, this.renderMatch(match)));
      this.root.appendChild(list);
      this.root.appendChild(this.details);
      this.renderDetails();
    }
    this.root.hidden = false;
  }

  private renderMatch(match: CallerMatch): HTMLButtonElement {
    const selected = match.id === this.selectedId;
    const subtitle = [match.title, match.company].filter((s): s is string => !!s).join(" · ");
    const meta = el("span", { className: "match-meta" });
    if (match.phone) meta.appendChild(el("span", { className: "match-phone", text: match.phone }));
    if (match.type === "Lead") {
      if (match.status) meta.appendChild(el("span", { className: "chip", text: match.status }));
      if (match.rating)
        meta.appendChild(
          el("span", { className: `chip rating rating-${slug(match.rating)}`, text: match.rating }),
        );
    }
    return el(
      "button",
      {
        className: selected ? "match selected" : "match",
        data: { id: match.id, type: match.type },
        attrs: { type: "button", "aria-pressed": String(selected) },
      },
      el("span", { className: `type-badge type-${match.type.toLowerCase()}`, text: match.type }),
      el(
        "span",
        { className: "match-body" },
        el("span", { className: "match-name", text: match.name }),
        subtitle && el("span", { className: "match-sub", text: subtitle }),
        meta.childNodes.length > 0 && meta,
      ),
    );
  }

  private renderDetails(): void {
    clear(this.details);
    const match = this.selected;
    if (!match) return;
    this.details.append(opportunitiesSection(match.opportunities), casesSection(match.cases));
  }
}

function section(id: string, title: string, count: number, body: Node): HTMLElement {
  const headingId = `${id}-heading`;
  return el(
    "section",
    { id, className: "related", attrs: { "aria-labelledby": headingId } },
    el(
      "h3",
      { id: headingId },
      title,
      count > 0 && el("span", { className: "count", text: String(count) }),
    ),
    body,
  );
}

function table(caption: string, headers: string[], rows: HTMLTableRowElement[]): HTMLTableElement {
  return el(
    "table",
    { className: "related-table" },
    el("caption", { className: "visually-hidden", text: caption }),
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { text: h, attrs: { scope: "col" } })))),
    el("tbody", {}, ...rows),
  );
}

function emptyState(): HTMLElement {
  return el("p", { className: "empty-state small", text: "None open" });
}

export function opportunitiesSection(opportunities: OpportunitySummary[]): HTMLElement {
  const body =
    opportunities.length === 0
      ? emptyState()
      : table(
          "Open opportunities",
          ["Name", "Stage", "Amount", "Close"],
          opportunities.map((o) => {
            const stage = el("td", { className: "opp-stage", text: o.stage });
            if (o.probability !== null) stage.title = `${o.probability}% probability`;
            return el(
              "tr",
              { data: { id: o.id } },
              el("td", { className: "opp-name", text: o.name }),
              stage,
              el("td", { className: "opp-amount num", text: formatCurrency(o.amount) }),
              el("td", { className: "opp-close nowrap", text: formatDate(o.closeDate) }),
            );
          }),
        );
  return section("opportunities", "Open opportunities", opportunities.length, body);
}

export function casesSection(cases: CaseSummary[]): HTMLElement {
  const body =
    cases.length === 0
      ? emptyState()
      : table(
          "Open cases",
          ["Case", "Subject", "Status", "Priority"],
          cases.map((c) =>
            el(
              "tr",
              { data: { id: c.id } },
              el("td", { className: "case-number nowrap", text: c.caseNumber }),
              el("td", { className: "case-subject", text: c.subject ?? "—" }),
              el("td", { className: "case-status", text: c.status ?? "—" }),
              el("td", {
                className: `case-priority priority-${slug(c.priority ?? "")}`,
                text: c.priority ?? "—",
              }),
            ),
          ),
        );
  return section("cases", "Open cases", cases.length, body);
}
