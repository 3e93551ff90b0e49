/**
 * The search box: the rep types whatever they have (a phone number, an email address,
 * a person's or a company's name, or a website domain) and the line under the box says
 * what it was taken for. Phone numbers keep the screen pop's path (`lookupCaller`);
 * anything else goes to `searchCaller`. The caller panel shows both the same way.
 */
import type { Backend } from "../ipc/backend";
import type { CallDirection } from "../ipc/bindings/CallDirection";
import type { LookupResult } from "../ipc/bindings/LookupResult";
import type { SearchResult } from "../ipc/bindings/SearchResult";
import type { TermKind } from "../ipc/bindings/TermKind";
import { t } from "../i18n";
import { el } from "../ui/dom";

/** What the rep is asked to type when the box is empty. */
export function emptyTermMessage(): string {
  return t("search.empty");
}

/** "a phone number", "an email address"... */
export function kindText(kind: TermKind): string {
  return t(`search.kind.${kind}`);
}

/**
 * Digits with the punctuation people write numbers with, an optional `tel:` scheme and
 * an optional extension: the same test the core makes before it pops a number.
 */
export function looksLikePhone(term: string): boolean {
  let rest = term.trim().toLowerCase();
  if (rest.startsWith("tel:")) rest = rest.slice(4);
  const extension = /^(.*?)(?:;ext=|ext|x|#)[.\s:=]*\d+$/.exec(rest);
  const number = extension?.[1] ?? rest;
  return /\d/.test(number) && /^[\d\s+\-().\\/]+$/.test(number);
}

/** What the panel shows: a search result as a lookup result (the term as its number). */
export function toPanelResult(result: SearchResult): LookupResult {
  return {
    number: result.number ?? result.term,
    source: result.source,
    fetchedAt: result.fetchedAt,
    matches: result.matches,
    relatedLoaded: result.relatedLoaded,
  };
}

/** "Searched as an email address: dana@summit.example" */
export function understoodText(kind: TermKind, term: string): string {
  const understood = t("search.understood", { kind: kindText(kind), term });
  return kind === "name" && term.endsWith("*") ? t("search.prefix", { understood, start: term.slice(0, -1) }) : understood;
}

export class SearchBox {
  /** The line that says what the last term was taken for. */
  readonly note: HTMLElement = el("p", { id: "search-kind", className: "search-kind", attrs: { role: "status" } });

  constructor(
    private readonly backend: Pick<Backend, "lookupCaller" | "searchCaller">,
    input: HTMLInputElement,
  ) {
    input.type = "text";
    input.setAttribute("inputmode", "text");
    input.placeholder = t("search.placeholder");
    input.setAttribute("aria-describedby", "search-kind");
    input.title = t("search.title");
    const field = input.closest(".field") ?? input.parentElement;
    const label = field?.querySelector("label");
    if (label) label.textContent = t("search.label");
    field?.append(this.note);
    this.note.hidden = true;
  }

  /** Finds `term` and says what it was taken for; the result as the panel shows it. */
  async find(term: string, direction: CallDirection): Promise<LookupResult> {
    if (looksLikePhone(term)) return this.findNumber(term, direction);
    this.clear();
    const result = await this.backend.searchCaller(term, direction);
    this.show(result.kind, result.term);
    return toPanelResult(result);
  }

  /** Pops a phone number (a call reported from outside): never a search by name. */
  async findNumber(number: string, direction: CallDirection): Promise<LookupResult> {
    this.clear();
    const result = await this.backend.lookupCaller(number, direction);
    this.show("phone", result.number);
    return result;
  }

  clear(): void {
    this.note.textContent = "";
    this.note.hidden = true;
  }

  private show(kind: TermKind, term: string): void {
    this.note.textContent = understoodText(kind, term);
    this.note.dataset.kind = kind;
    this.note.hidden = false;
  }
}
