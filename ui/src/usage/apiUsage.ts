/** The footer's API usage indicator: "API 120 / 15,000 today". */
import type { ApiUsage } from "../ipc/bindings/ApiUsage";
import { locale, t } from "../i18n";
import { numberFormat } from "../ui/format";

/** At or above this share of the daily limit the indicator warns. */
export const WARN_SHARE = 0.8;
/** How often the indicator refreshes while signed in. */
export const API_USAGE_REFRESH_MS = 30_000;


export function formatApiUsage(usage: ApiUsage): string {
  const numbers = numberFormat(locale());
  return t("usage.label", { used: numbers.format(usage.used), limit: numbers.format(usage.limit) });
}

/** "limit" at 100 %, "warn" above 80 %, "" otherwise. */
export function usageLevel(usage: ApiUsage): "" | "warn" | "limit" {
  if (usage.limit <= 0) return "";
  if (usage.used >= usage.limit) return "limit";
  if (usage.used > usage.limit * WARN_SHARE) return "warn";
  return "";
}

/** Renders the figure into #api-usage (hidden while there is none). */
export class ApiUsageView {
  private seq = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly load: () => Promise<ApiUsage | null>,
  ) {
    this.root.hidden = true;
  }

  show(usage: ApiUsage | null): void {
    this.root.classList.remove("warn", "limit");
    if (!usage) {
      this.root.textContent = "";
      this.root.removeAttribute("title");
      this.root.hidden = true;
      return;
    }
    this.root.textContent = formatApiUsage(usage);
    const level = usageLevel(usage);
    if (level) this.root.classList.add(level);
    const percent = usage.limit > 0 ? Math.round((usage.used / usage.limit) * 100) : 0;
    this.root.title = t("usage.title", { percent });
    this.root.hidden = false;
  }

  /** Reads the figure again; a failure keeps what is shown. */
  async refresh(): Promise<void> {
    const seq = ++this.seq;
    try {
      const usage = await this.load();
      if (seq === this.seq) this.show(usage);
    } catch (error) {
      console.error("Callside: the API usage could not be read", error);
    }
  }

  /** Forgets the figure (on sign-out); answers still on their way are dropped. */
  reset(): void {
    this.seq++;
    this.show(null);
  }
}
