/** The recent-calls list: who called (or was called) lately; a click pops them again. */
import type { CallDirection } from "../ipc/bindings/CallDirection";
import type { RecentCall } from "../ipc/bindings/RecentCall";
import { clear, el } from "../ui/dom";
import { formatCallLength, formatCallTime, formatDateTime } from "../ui/format";
import { t } from "../i18n";

export const RECENT_LIMIT = 10;
export const NO_CALLS_TEXT = (): string => t("recent.none");
export const UNKNOWN_CALLER = (): string => t("recent.unknownCaller");

const DIRECTIONS: Record<CallDirection, { icon: string; label: () => string }> = {
  inbound: { icon: "↙", label: () => t("recent.inbound") },
  outbound: { icon: "↗", label: () => t("recent.outbound") },
};

export function recentErrorText(message: string): string {
  return t("recent.loadFailed", { message });
}

export class RecentCallsList {
  private loaded = false;

  /**
   * @param list the #recent-calls-list element (emptied and filled by this class)
   * @param empty the element that shows the empty state (or a load error)
   * @param onPick called with the number (E.164) of the call the rep clicked
   */
  constructor(
    private readonly list: HTMLElement,
    private readonly empty: HTMLElement,
    onPick: (number: string) => void,
  ) {
    list.addEventListener("click", (event) => {
      const target = event.target instanceof Element ? event.target.closest(".recent-call") : null;
      if (target instanceof HTMLElement && target.dataset.number) onPick(target.dataset.number);
    });
    this.clear();
  }

  /** Shows the newest calls (at most RECENT_LIMIT), times relative to `nowMs`. */
  render(calls: readonly RecentCall[], nowMs: number): void {
    // A keyboard user who just popped a call keeps the focus in the list.
    const items = Array.from(this.list.querySelectorAll<HTMLElement>(".recent-call"));
    const focused = items.findIndex((item) => item === document.activeElement);
    clear(this.list);
    const shown = calls.slice(0, RECENT_LIMIT);
    for (const call of shown) this.list.appendChild(el("li", {}, renderCall(call, nowMs)));
    this.loaded = true;
    this.list.hidden = shown.length === 0;
    this.empty.textContent = NO_CALLS_TEXT();
    this.empty.classList.remove("result-failure");
    this.empty.hidden = shown.length > 0;
    if (focused >= 0) {
      const again = this.list.querySelectorAll<HTMLElement>(".recent-call");
      again[Math.min(focused, again.length - 1)]?.focus({ preventScroll: true });
    }
  }

  /** A failed load: keeps a list already shown, else says why there is none. */
  showError(message: string): void {
    if (this.loaded) return;
    this.list.hidden = true;
    this.empty.textContent = recentErrorText(message);
    this.empty.classList.add("result-failure");
    this.empty.hidden = false;
  }

  /** Back to the empty state (e.g. after signing out). */
  clear(): void {
    clear(this.list);
    this.loaded = false;
    this.list.hidden = true;
    this.empty.textContent = NO_CALLS_TEXT();
    this.empty.classList.remove("result-failure");
    this.empty.hidden = false;
  }
}

function renderCall(call: RecentCall, nowMs: number): HTMLButtonElement {
  const direction = DIRECTIONS[call.direction] ?? DIRECTIONS.inbound;
  // A known caller whose name the device does not keep (names are sensitive).
  const withheld = !call.name && !!call.nameWithheld;
  const name =
    call.name ||
    (withheld ? t("recent.nameWithheld", { type: t(`type.${call.recordType ?? "Contact"}`) }) : UNKNOWN_CALLER());
  const meta = el(
    "span",
    { className: "recent-meta" },
    el(
      "span",
      { className: `recent-direction direction-${call.direction}` },
      el("span", { className: "direction-icon", text: direction.icon, attrs: { "aria-hidden": "true" } }),
      direction.label(),
    ),
    el("time", {
      className: "recent-time",
      text: formatCallTime(call.startedAt, nowMs),
      attrs: { datetime: call.startedAt, title: formatDateTime(call.startedAt) },
    }),
    call.durationSeconds !== null &&
      el("span", {
        className: "recent-duration",
        text: formatCallLength(call.durationSeconds),
        attrs: { title: t("recent.callLength") },
      }),
  );
  return el(
    "button",
    {
      className: "recent-call",
      data: { number: call.number },
      attrs: { type: "button", title: t("recent.lookUp", { number: call.number }) },
    },
    el(
      "span",
      { className: "recent-main" },
      el("span", { className: call.name ? "recent-name" : withheld ? "recent-name withheld" : "recent-name unknown", text: name }),
      el("span", { className: "recent-number", text: call.number }),
    ),
    meta,
  );
}
