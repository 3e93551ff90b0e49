/** Renders a LookupResult: who is calling, their open opportunities and cases. */
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import type { CallerUpdate } from "../ipc/bindings/CallerUpdate";
import type { ActivitySummary } from "../ipc/bindings/ActivitySummary";
import type { CaseSummary } from "../ipc/bindings/CaseSummary";
import type { LookupResult } from "../ipc/bindings/LookupResult";
import type { OpportunitySummary } from "../ipc/bindings/OpportunitySummary";
import { clear, el } from "../ui/dom";
import { formatAge, formatCurrency, formatDate, formatDateTime } from "../ui/format";
import type { Every } from "../ui/schedule";
import { every } from "../ui/schedule";
import { industryPanels } from "../insights/industryPanels";
import { accountFactsSection } from "./accountFacts";
import { t } from "../i18n";
import { errorMessage } from "../i18n/errors";

export const NO_MATCH_TEXT = (): string => t("caller.noMatch");
export const RELATED_LOADING_TEXT = (): string => t("caller.loadingRelated");
export const AGE_REFRESH_MS = 30_000;

/** Safe class-name fragment: "Very High" -> "very-high". */
function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "none";
}

/**
 * The source badge: "Live from Salesforce", "From cache · updated 3 min ago",
 * or, once a refresh failed for want of a connection, "Offline · data from 3 min ago".
 */
/**
 * The name to show for a match: its own, or a note when the device does not keep names
 * (the administrator marks them sensitive) and this card came from the cache.
 */
export function callerName(match: CallerMatch): string {
  return match.nameWithheld ? t("caller.nameWithheld") : match.name;
}

export function sourceLabel(result: LookupResult, nowMs: number = Date.now(), offline = false): string {
  const age = formatAge(result.fetchedAt, nowMs);
  if (offline) return age ? t("caller.offlineFrom", { age }) : t("caller.offline");
  if (result.source === "salesforce") return t("caller.live");
  return age ? t("caller.cacheUpdated", { age }) : t("caller.cache");
}

/**
 * True when a first paint still waits for its best match's related records
 * (opportunities, cases, activities); the core sends them in a `caller-updated` event.
 */
export function awaitsRelated(result: LookupResult): boolean {
  return result.matches.length > 0 && !result.relatedLoaded;
}

export function relatedErrorText(message: string): string {
  return t("caller.relatedFailed", { message });
}

type Related = { state: "ready" } | { state: "loading" } | { state: "failed"; message: string };

export interface CallerPanelOptions {
  /** Current time in ms (for the cache age). */
  now?: () => number;
  /** Repeats the cache-age refresh. */
  every?: Every;
  /**
   * The rep picked a match among several (not when a result or update selects
   * one by itself). Called for a pick other than the best match, and for the
   * best match again after another was picked. `number` is in E.164.
   */
  onPick?: (number: string, match: CallerMatch) => void;
}

export class CallerPanel {
  private result: LookupResult | null = null;
  private selectedId: string | null = null;
  private related: Related = { state: "ready" };
  private offline = false;
  private refreshError: string | null = null;
  /** The last pick reported through onPick for the shown number. */
  private pickedId: string | null = null;
  private badge: HTMLElement | null = null;
  private stopAgeTicker: (() => void) | null = null;
  private readonly details = el("div", { className: "caller-details" });
  private readonly now: () => number;
  private readonly every: Every;
  private readonly onPick: (number: string, match: CallerMatch) => void;

  /**
   * @param root the #caller-panel element (emptied and filled by this class)
   * @param onSelect called whenever the selected match changes (null = none)
   *   or is replaced by fresher data
   */
  constructor(
    private readonly root: HTMLElement,
    private readonly onSelect: (match: CallerMatch | null) => void = () => {},
    options: CallerPanelOptions = {},
  ) {
    this.now = options.now ?? (() => Date.now());
    this.every = options.every ?? every;
    this.onPick = options.onPick ?? (() => {});
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

  /** The shown number (E.164), if any. */
  get number(): string | null {
    return this.result?.number ?? null;
  }

  /** True while a first paint waits for its related records. */
  get loadingRelated(): boolean {
    return this.related.state === "loading";
  }

  /** True once a refresh failed because Salesforce could not be reached. */
  get isOffline(): boolean {
    return this.offline;
  }

  /** Shows a lookup result and selects its first match. */
  show(result: LookupResult): void {
    this.result = result;
    this.selectedId = result.matches[0]?.id ?? null;
    this.related = awaitsRelated(result) ? { state: "loading" } : { state: "ready" };
    this.offline = false;
    this.refreshError = null;
    this.pickedId = null;
    this.render();
    this.startAgeTicker();
    this.onSelect(this.selected);
  }

  /**
   * Applies a `caller-updated` event if it is for the shown number: fresher
   * data replaces the shown result (the selection stays on the same record
   * while it is there), an error keeps the data and marks it. Returns whether
   * the update applied.
   */
  update(update: CallerUpdate): boolean {
    if (!this.result || update.number !== this.result.number) return false;
    if (update.result) {
      const keep = update.result.matches.some((m) => m.id === this.selectedId);
      this.result = update.result;
      if (!keep) this.selectedId = update.result.matches[0]?.id ?? null;
      this.related = { state: "ready" };
      this.offline = false;
      this.refreshError = null;
      this.render();
      this.onSelect(this.selected);
      return true;
    }
    if (update.error) {
      if (this.related.state === "loading") this.related = { state: "failed", message: errorMessage(update.error) };
      if (update.error.code === "Offline") this.offline = true;
      else this.refreshError = errorMessage(update.error);
      this.renderBadge();
      this.renderDetails();
      return true;
    }
    return false;
  }

  /** Hides the panel (e.g. while a new number is looked up). */
  clear(): void {
    const had = this.result !== null;
    this.result = null;
    this.selectedId = null;
    this.related = { state: "ready" };
    this.offline = false;
    this.refreshError = null;
    this.pickedId = null;
    this.badge = null;
    this.stopAge();
    clear(this.root);
    this.root.hidden = true;
    if (had) this.onSelect(null);
  }

  /** Stops the cache-age refresh. */
  dispose(): void {
    this.stopAge();
  }

  /**
   * Changes a shown match's data in place (an optimistic update after an
   * action), re-renders and reports the selection again.
   */
  patchMatch(id: string, patch: Partial<Pick<CallerMatch, "rating" | "status">>): void {
    const result = this.result;
    if (!result || !result.matches.some((m) => m.id === id)) return;
    this.result = { ...result, matches: result.matches.map((m) => (m.id === id ? { ...m, ...patch } : m)) };
    this.render();
    this.onSelect(this.selected);
  }

  /** Sets an opportunity's stage wherever the shown matches list it. */
  patchOpportunityStage(opportunityId: string, stage: string): void {
    const result = this.result;
    if (!result) return;
    let found = false;
    const matches = result.matches.map((m) => {
      if (!m.opportunities.some((o) => o.id === opportunityId)) return m;
      found = true;
      return { ...m, opportunities: m.opportunities.map((o) => (o.id === opportunityId ? { ...o, stage } : o)) };
    });
    if (!found) return;
    this.result = { ...result, matches };
    this.render();
    this.onSelect(this.selected);
  }

  /** Selects a match as the rep does by clicking it. */
  select(id: string): void {
    if (!this.result || id === this.selectedId) return;
    const match = this.result.matches.find((m) => m.id === id);
    if (!match) return;
    this.selectedId = id;
    for (const button of this.root.querySelectorAll<HTMLElement>(".match")) {
      const on = button.dataset.id === id;
      button.classList.toggle("selected", on);
      button.setAttribute("aria-pressed", String(on));
    }
    this.renderDetails();
    this.onSelect(this.selected);
    this.reportPick(match);
  }

  private reportPick(match: CallerMatch): void {
    const result = this.result;
    if (!result || result.matches.length < 2) return;
    const best = result.matches[0]?.id;
    const differs = match.id !== best;
    const revertsToBest = this.pickedId !== null && this.pickedId !== match.id;
    if (!differs && !revertsToBest) return;
    this.pickedId = match.id;
    this.onPick(result.number, match);
  }

  private startAgeTicker(): void {
    this.stopAge();
    this.stopAgeTicker = this.every(() => this.renderBadge(), AGE_REFRESH_MS);
  }

  private stopAge(): void {
    if (this.stopAgeTicker) this.stopAgeTicker();
    this.stopAgeTicker = null;
  }

  private renderBadge(): void {
    const badge = this.badge;
    const result = this.result;
    if (!badge || !result) return;
    badge.textContent = sourceLabel(result, this.now(), this.offline);
    badge.className = `badge source-${result.source}`;
    badge.classList.toggle("offline", this.offline);
    badge.classList.toggle("stale", this.refreshError !== null);
    const fetched = t("caller.fetched", { when: formatDateTime(result.fetchedAt) });
    badge.title = this.refreshError ? t("caller.refreshFailed", { fetched, message: this.refreshError }) : fetched;
  }

  /** The match button that has the focus, so a re-render can give it back. */
  private focusedMatchId(): string | null {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.root.contains(active)) return null;
    return active.closest<HTMLElement>(".match")?.dataset.id ?? null;
  }

  private render(): void {
    const result = this.result;
    const focusedId = this.focusedMatchId();
    clear(this.root);
    this.badge = null;
    if (!result) {
      this.root.hidden = true;
      return;
    }
    this.badge = el("span", { id: "lookup-source" });
    this.renderBadge();
    const header = el(
      "div",
      { className: "panel-header" },
      el("h2", { id: "caller-number", className: "caller-number", text: result.number }),
      this.badge,
    );
    this.root.appendChild(header);

    if (result.matches.length === 0) {
      // A search by email, name or domain shows its term where a number would be.
      const byNumber = /^\+\d+$/.test(result.number);
      this.root.appendChild(
        el("p", { id: "no-match", className: "empty-state", text: byNumber ? NO_MATCH_TEXT() : t("search.noMatch") }),
      );
    } else {
      const list = el("ul", {
        id: "matches",
        className: "matches",
        attrs: { "aria-label": t("caller.matches") },
      });
      for (const match of result.matches)
        list.appendChild(
          el("li", { className: "match-item" }, this.renderMatch(match), openInSalesforceButton(match.id, callerName(match))),
        );
      this.root.appendChild(list);
      this.root.appendChild(this.details);
      this.renderDetails();
    }
    this.root.hidden = false;
    if (focusedId !== null) {
      for (const button of this.root.querySelectorAll<HTMLElement>(".match")) {
        if (button.dataset.id === focusedId) button.focus({ preventScroll: true });
      }
    }
  }

  private renderMatch(match: CallerMatch): HTMLButtonElement {
    const selected = match.id === this.selectedId;
    const subtitle = [match.title, match.company].filter((s): s is string => !!s).join(" · ");
    const meta = el("span", { className: "match-meta" });
    if (match.phone) meta.appendChild(el("span", { className: "match-phone", text: match.phone }));
    if (match.owner) meta.appendChild(el("span", { className: "match-owner", text: t("caller.owner", { name: match.owner }) }));
    if (match.type === "Lead") {
      if (match.status) meta.appendChild(el("span", { className: "chip", text: match.status }));
      if (match.rating)
        meta.appendChild(
          el("span", { className: `chip rating rating-${slug(match.rating)}`, text: match.rating }),
        );
      if (match.leadSource)
        meta.appendChild(
          el("span", {
            className: "chip lead-source",
            text: t("caller.leadSource", { source: match.leadSource }),
            attrs: { title: t("caller.leadSourceTitle") },
          }),
        );
    }
    return el(
      "button",
      {
        className: selected ? "match selected" : "match",
        data: { id: match.id, type: match.type },
        attrs: { type: "button", "aria-pressed": String(selected) },
      },
      el("span", { className: `type-badge type-${match.type.toLowerCase()}`, text: t(`type.${match.type}`) }),
      el(
        "span",
        { className: "match-body" },
        el("span", { className: match.nameWithheld ? "match-name withheld" : "match-name", text: callerName(match) }),
        subtitle && el("span", { className: "match-sub", text: subtitle }),
        meta.childNodes.length > 0 && meta,
      ),
    );
  }

  private renderDetails(): void {
    clear(this.details);
    const match = this.selected;
    if (!match) return;
    // The company's facts come with the match itself (custom fields with the related records).
    const facts = accountFactsSection(match);
    if (facts) this.details.append(facts);
    // Only the best match carries related records, so only it waits for them.
    const best = match.id === this.result?.matches[0]?.id;
    if (best && this.related.state === "loading") {
      this.details.append(
        el("p", {
          id: "related-loading",
          className: "related-loading",
          text: RELATED_LOADING_TEXT(),
          attrs: { role: "status" },
        }),
      );
      return;
    }
    if (best && this.related.state === "failed") {
      this.details.append(
        el("p", {
          id: "related-error",
          className: "related-error",
          text: relatedErrorText(this.related.message),
          attrs: { role: "status" },
        }),
      );
      return;
    }
    this.details.append(
      ...industryPanels(match),
      opportunitiesSection(match.opportunities),
      casesSection(match.cases),
      activitiesSection(match.activities),
    );
  }
}

/**
 * The small "open in Salesforce" link-button beside a record (a sibling of the
 * match card, not inside it: a button may not hold another). The app handles
 * the click through `data-id`.
 */
export function openInSalesforceButton(id: string, name: string): HTMLButtonElement {
  return el("button", {
    className: "link-btn open-in-salesforce",
    text: "↗",
    data: { id },
    attrs: { type: "button", title: t("caller.openInSalesforce"), "aria-label": t("caller.openNamed", { name }) },
  });
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
  return el("p", { className: "empty-state small", text: t("caller.noneOpen") });
}

export function opportunitiesSection(opportunities: OpportunitySummary[]): HTMLElement {
  const body =
    opportunities.length === 0
      ? emptyState()
      : table(
          t("caller.openOpportunities"),
          [t("caller.col.name"), t("caller.col.stage"), t("caller.col.amount"), t("caller.col.close"), ""],
          opportunities.map((o) => {
            const stage = el("td", { className: "opp-stage", text: o.stage });
            if (o.probability !== null) stage.title = t("caller.probability", { percent: o.probability });
            return el(
              "tr",
              { data: { id: o.id } },
              el("td", { className: "opp-name", text: o.name }),
              stage,
              el("td", { className: "opp-amount num", text: formatCurrency(o.amount) }),
              el("td", { className: "opp-close nowrap", text: formatDate(o.closeDate) }),
              el(
                "td",
                { className: "opp-actions" },
                el("button", {
                  className: "btn btn-sm advance-stage",
                  text: t("caller.advance"),
                  data: { id: o.id },
                  attrs: {
                    type: "button",
                    title: t("caller.advanceTitle"),
                    "aria-label": t("caller.advanceNamed", { name: o.name }),
                  },
                }),
                openInSalesforceButton(o.id, o.name),
              ),
            );
          }),
        );
  return section("opportunities", t("caller.openOpportunities"), opportunities.length, body);
}

export function casesSection(cases: CaseSummary[]): HTMLElement {
  const body =
    cases.length === 0
      ? emptyState()
      : table(
          t("caller.openCases"),
          [t("caller.col.case"), t("caller.col.subject"), t("caller.col.status"), t("caller.col.priority"), ""],
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
              el("td", { className: "case-actions" }, openInSalesforceButton(c.id, t("caller.caseNamed", { number: c.caseNumber }))),
            ),
          ),
        );
  return section("cases", t("caller.openCases"), cases.length, body);
}

export function activitiesSection(activities: ActivitySummary[]): HTMLElement {
  const body =
    activities.length === 0
      ? el("p", { className: "empty-state small", text: t("caller.noActivity") })
      : el(
          "ul",
          { className: "activity-list" },
          ...activities.map((a) =>
            el(
              "li",
              { className: "activity", data: { id: a.id } },
              el("span", { className: "activity-date nowrap", text: formatDate(a.date) }),
              el("span", { className: "activity-subject", text: a.subject ?? "—" }),
              (a.callType || a.status) &&
                el("span", {
                  className: "activity-meta",
                  text: [a.callType && t("caller.callOfType", { type: a.callType }), a.status].filter(Boolean).join(" · "),
                }),
            ),
          ),
        );
  return section("activities", t("caller.recentActivity"), activities.length, body);
}
