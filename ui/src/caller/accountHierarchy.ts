/**
 * The account hierarchy, one click from a contact, an account or a lead: the parent,
 * the parent's other companies, the account's own children, and its open opportunities
 * whichever of its contacts they are with.
 */
import type { AccountHierarchy } from "../ipc/bindings/AccountHierarchy";
import type { AccountNode } from "../ipc/bindings/AccountNode";
import type { IpcError } from "../ipc/bindings/IpcError";
import { t } from "../i18n";
import { toIpcError } from "../ipc/backend";
import { clear, el } from "../ui/dom";
import { formatCurrency, formatDate } from "../ui/format";
import { openInSalesforceButton } from "./callerPanel";
import { errorMessage } from "../i18n/errors";

function nodeItem(node: AccountNode, role: "parent" | "current" | "sibling" | "child", ...children: Node[]): HTMLLIElement {
  const meta = [node.type, node.industry, node.city].filter((part): part is string => !!part).join(" · ");
  return el(
    "li",
    { className: `node node-${role}`, data: { id: node.id } },
    el(
      "span",
      { className: "node-line" },
      el("span", { className: "node-name", text: node.name }),
      role === "current" && el("span", { className: "chip node-current", text: t("hierarchy.current") }),
      meta && el("span", { className: "node-meta", text: meta }),
      openInSalesforceButton(node.id, node.name),
    ),
    ...children,
  );
}

function childList(items: HTMLLIElement[]): HTMLUListElement | null {
  return items.length > 0 ? el("ul", { className: "hierarchy-children" }, ...items) : null;
}

/** The tree: the parent over the account and its siblings, the account over its children. */
export function hierarchyTree(h: AccountHierarchy): HTMLElement {
  const own = childList(h.children.map((child) => nodeItem(child, "child")));
  const current = own ? nodeItem(h.account, "current", own) : nodeItem(h.account, "current");
  const root = h.parent
    ? nodeItem(
        h.parent,
        "parent",
        el("ul", { className: "hierarchy-children" }, current, ...h.siblings.map((s) => nodeItem(s, "sibling"))),
      )
    : current;
  return el("ul", { className: "hierarchy-tree", attrs: { "aria-label": t("hierarchy.tree") } }, root);
}

function opportunitiesTable(h: AccountHierarchy): HTMLElement {
  if (h.opportunities.length === 0)
    return el("p", { className: "empty-state small", text: t("hierarchy.noOpportunities") });
  const headers = [
    t("caller.col.name"),
    t("caller.col.stage"),
    t("caller.col.amount"),
    t("caller.col.close"),
    "",
  ];
  return el(
    "table",
    { className: "related-table hierarchy-opportunities" },
    el("caption", { className: "visually-hidden", text: t("hierarchy.caption") }),
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { text: h, attrs: { scope: "col" } })))),
    el(
      "tbody",
      {},
      ...h.opportunities.map((o) =>
        el(
          "tr",
          { data: { id: o.id } },
          el(
            "td",
            { className: "opp-name" },
            o.name,
            o.contact &&
              el("span", {
                className: "opp-contact",
                text: o.contact,
                attrs: { title: t("hierarchy.col.contact") },
              }),
          ),
          el("td", { className: "opp-stage", text: o.stage }),
          el("td", { className: "opp-amount num", text: formatCurrency(o.amount) }),
          el("td", { className: "opp-close nowrap", text: formatDate(o.closeDate) }),
          el("td", {}, openInSalesforceButton(o.id, o.name)),
        ),
      ),
    ),
  );
}

/** The whole view: the tree and the open opportunities; a note when there is no account. */
export function hierarchyView(h: AccountHierarchy | null): HTMLElement {
  if (!h) return el("p", { className: "empty-state small hierarchy-none", text: t("hierarchy.none") });
  return el(
    "div",
    { className: "hierarchy" },
    h.matchedByCompany && el("p", { className: "facts-note", text: t("hierarchy.byCompany") }),
    hierarchyTree(h),
    el(
      "h4",
      { className: "hierarchy-heading" },
      t("hierarchy.opportunities"),
      h.opportunities.length > 0 && el("span", { className: "count", text: String(h.opportunities.length) }),
    ),
    opportunitiesTable(h),
  );
}

/** Opens and closes the hierarchy under a facts section's button, loading it on open. */
export class AccountHierarchyToggle {
  private seq = 0;
  /** The hierarchy shown, kept so that a re-rendered panel shows it again. */
  private shown: { recordId: string; hierarchy: AccountHierarchy | null } | null = null;

  constructor(
    private readonly load: (recordId: string) => Promise<AccountHierarchy | null>,
    private readonly onError: (error: IpcError) => void = () => {},
  ) {}

  /** The button's click: shows the hierarchy (loading it) or hides it again. */
  async toggle(button: HTMLElement): Promise<void> {
    const recordId = button.dataset.id;
    const container = button.parentElement?.querySelector<HTMLElement>(".account-hierarchy");
    if (recordId === undefined || !container) return;
    if (button.getAttribute("aria-expanded") === "true") {
      this.seq++;
      this.shown = null;
      container.hidden = true;
      clear(container);
      button.setAttribute("aria-expanded", "false");
      button.textContent = t("account.hierarchy");
      return;
    }
    const seq = ++this.seq;
    this.shown = null;
    expand(button, container, el("p", { className: "related-loading", text: t("hierarchy.loading"), attrs: { role: "status" } }));
    try {
      const hierarchy = await this.load(recordId);
      if (seq !== this.seq || !container.isConnected) return;
      this.shown = { recordId, hierarchy };
      clear(container);
      container.append(hierarchyView(hierarchy));
    } catch (error) {
      if (seq !== this.seq) return;
      const ipcError = toIpcError(error);
      clear(container);
      container.append(
        el("p", {
          className: "related-error",
          text: t("hierarchy.failed", { message: errorMessage(ipcError) }),
          attrs: { role: "status" },
        }),
      );
      this.onError(ipcError);
    }
  }

  /**
   * After the panel re-rendered (fresher data came): shows the hierarchy again under the
   * same record's button, without asking Salesforce again. Another record selected
   * forgets it.
   */
  restore(root: ParentNode): void {
    const shown = this.shown;
    if (!shown) return;
    const button = root.querySelector<HTMLElement>(".show-hierarchy");
    if (!button || button.dataset.id !== shown.recordId) {
      if (button) this.shown = null;
      return;
    }
    const container = button.parentElement?.querySelector<HTMLElement>(".account-hierarchy");
    if (!container || button.getAttribute("aria-expanded") === "true") return;
    expand(button, container, hierarchyView(shown.hierarchy));
  }
}

function expand(button: HTMLElement, container: HTMLElement, content: Node): void {
  button.setAttribute("aria-expanded", "true");
  button.textContent = t("account.hierarchyHide");
  clear(container);
  container.append(content);
  container.hidden = false;
}
