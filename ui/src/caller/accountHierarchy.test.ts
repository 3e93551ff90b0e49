import { describe, expect, it, vi } from "vitest";
import type { AccountHierarchy } from "../ipc/bindings/AccountHierarchy";
import { contact, deferred } from "../test/fixtures";
import { accountFacts, hierarchy } from "../test/searchFixtures";
import { t } from "../i18n";
import { accountFactsSection } from "./accountFacts";
import { AccountHierarchyToggle, hierarchyView } from "./accountHierarchy";

function names(root: ParentNode, selector: string): string[] {
  return Array.from(root.querySelectorAll(selector)).map((n) => n.querySelector(".node-name")?.textContent ?? "");
}

describe("the hierarchy view", () => {
  it("puts the account under its parent beside its siblings, its children under it", () => {
    const view = hierarchyView(hierarchy());
    expect(names(view, ".node-parent")).toEqual(["Müller Holding AG"]);
    expect(names(view, ".node-parent > ul > li")).toEqual(["Müller & Söhne GmbH", "Söhne Logistik <b>KG</b>"]);
    expect(names(view, ".node-current > ul > li")).toEqual(["Müller Service"]);
    expect(view.querySelector(".node-current .chip")?.textContent).toBe("this account");
    expect(view.querySelector(".node-parent .node-meta")?.textContent).toBe("Other · Berlin");
    expect(view.querySelector("b")).toBeNull();
    expect(view.querySelectorAll(".node .open-in-salesforce")).toHaveLength(4);
  });

  it("lists the open opportunities with their contacts", () => {
    const view = hierarchyView(hierarchy());
    const rows = Array.from(view.querySelectorAll(".hierarchy-opportunities tbody tr")).map((row) =>
      Array.from(row.querySelectorAll("td"))
        .slice(0, 4)
        .map((cell) => cell.textContent),
    );
    expect(rows).toEqual([
      ["RetrofitJürgen Müller", "Qualification", "$85,000", "Jun 30, 2025"],
      ["Spare parts", "Prospecting", "—", "—"],
    ]);
    expect(view.querySelector(".opp-contact")?.textContent).toBe("Jürgen Müller");
    expect(view.querySelector(".hierarchy-heading .count")?.textContent).toBe("2");
  });

  it("shows an account without a parent at the top, and says how a lead's was found", () => {
    const view = hierarchyView(hierarchy({ parent: null, siblings: [], children: [], opportunities: [], matchedByCompany: true }));
    expect(view.querySelector(".hierarchy-tree > li")?.classList.contains("node-current")).toBe(true);
    expect(view.textContent).toContain(t("hierarchy.byCompany"));
    expect(view.textContent).toContain("No open opportunities");
    expect(hierarchyView(null).textContent).toBe(t("hierarchy.none"));
  });
});

describe("the hierarchy button", () => {
  function section(): { button: HTMLElement; container: HTMLElement } {
    const root = accountFactsSection(contact({ account: accountFacts() }));
    if (!root) throw new Error("no facts section");
    document.body.replaceChildren(root);
    const button = root.querySelector<HTMLElement>(".show-hierarchy");
    const container = root.querySelector<HTMLElement>(".account-hierarchy");
    if (!button || !container) throw new Error("no button");
    return { button, container };
  }

  it("loads the hierarchy on the first click and hides it on the second", async () => {
    const { button, container } = section();
    const loaded = deferred<AccountHierarchy | null>();
    const load = vi.fn(() => loaded.promise);
    const toggle = new AccountHierarchyToggle(load);
    const opening = toggle.toggle(button);
    expect(load).toHaveBeenCalledWith("003000000000001");
    expect(container.hidden).toBe(false);
    expect(container.textContent).toBe(t("hierarchy.loading"));
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(button.textContent).toBe(t("account.hierarchyHide"));
    loaded.resolve(hierarchy());
    await opening;
    expect(container.querySelector(".hierarchy-tree")).not.toBeNull();
    await toggle.toggle(button);
    expect(container.hidden).toBe(true);
    expect(container.childElementCount).toBe(0);
    expect(button.textContent).toBe(t("account.hierarchy"));
    expect(button.getAttribute("aria-expanded")).toBe("false");
  });

  it("says why when the hierarchy cannot be loaded, and reports the error", async () => {
    const { button, container } = section();
    const onError = vi.fn();
    const load = vi
      .fn<(recordId: string) => Promise<AccountHierarchy | null>>()
      .mockRejectedValue({ code: "Offline", message: "Salesforce is unreachable" });
    const toggle = new AccountHierarchyToggle(load, onError);
    await toggle.toggle(button);
    expect(container.textContent).toBe("Couldn't load the account hierarchy: Salesforce is unreachable");
    expect(onError).toHaveBeenCalledWith({ code: "Offline", message: "Salesforce is unreachable" });
  });

  it("drops an answer that comes after the view was closed", async () => {
    const { button, container } = section();
    const loaded = deferred<AccountHierarchy | null>();
    const toggle = new AccountHierarchyToggle(() => loaded.promise);
    const opening = toggle.toggle(button);
    await toggle.toggle(button);
    loaded.resolve(hierarchy());
    await opening;
    expect(container.hidden).toBe(true);
    expect(container.childElementCount).toBe(0);
  });
});
