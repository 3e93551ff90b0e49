import { describe, expect, it } from "vitest";
import { contact, lead } from "../test/fixtures";
import { accountFacts } from "../test/searchFixtures";
import { t } from "../i18n";
import { accountFactsSection, addressLines, formatCustomFact } from "./accountFacts";

function facts(section: HTMLElement): Array<[string, string]> {
  return Array.from(section.querySelectorAll(".fact")).map((f) => [
    f.querySelector("dt")?.textContent ?? "",
    f.querySelector("dd")?.textContent ?? "",
  ]);
}

describe("the account's facts", () => {
  it("list what the brief's account query reads, and the mapped custom fields", () => {
    const section = accountFactsSection(contact({ account: accountFacts() }));
    expect(section).not.toBeNull();
    if (!section) return;
    expect(section.id).toBe("account-facts");
    expect(section.querySelector("h3")?.textContent).toBe("Account Müller & Söhne GmbH");
    expect(facts(section)).toEqual([
      ["Industry", "Machinery"],
      ["Annual revenue", "$4,200,000"],
      ["Employees", "85"],
      ["Billing address", "Landsberger Str. 110München, 80339Germany"],
      ["Website", "https://www.mueller-soehne.example"],
      ["Phone", "+49 89 1234567"],
      ["Type", "Customer - Direct"],
      ["Parent account", "Müller Holding AG"],
      ["Owner", "Zoë O'Brien"],
      ["Health Score", "86"],
      ["Last Activity", "Mar 31, 2025"],
    ]);
    expect(section.querySelectorAll(".fact-address br")).toHaveLength(2);
    const button = section.querySelector<HTMLButtonElement>(".show-hierarchy");
    expect(button?.textContent).toBe(t("account.hierarchy"));
    expect(button?.dataset.id).toBe("003000000000001");
    expect(button?.getAttribute("aria-expanded")).toBe("false");
    expect(section.querySelector<HTMLElement>(".account-hierarchy")?.hidden).toBe(true);
  });

  it("leave out what the record does not have", () => {
    const section = accountFactsSection(
      contact({
        account: accountFacts({
          industry: null,
          annualRevenue: null,
          employees: null,
          address: null,
          website: null,
          phone: null,
          type: null,
          parentId: null,
          parentName: null,
          owner: null,
          custom: [],
        }),
      }),
    );
    expect(section && facts(section)).toEqual([]);
    expect(section?.querySelector(".show-hierarchy")).not.toBeNull();
  });

  it("show a lead's company as the lead records it", () => {
    const section = accountFactsSection(
      lead({ account: accountFacts({ id: null, name: "Harbour & Sons", type: null, parentName: null, custom: [] }) }),
    );
    expect(section?.querySelector("h3")?.textContent).toBe("Company Harbour & Sons");
    expect(section?.textContent).toContain(t("account.leadNote"));
    expect(section && facts(section).map(([label]) => label)).toContain("Address");
  });

  it("are absent when the match has no company", () => {
    expect(accountFactsSection(contact())).toBeNull();
    expect(accountFactsSection(contact({ account: null }))).toBeNull();
  });

  it("render caller data as text, never as markup", () => {
    const section = accountFactsSection(contact({ account: accountFacts({ name: "<img src=x onerror=alert(1)>" }) }));
    expect(section?.querySelector("img")).toBeNull();
    expect(section?.querySelector(".account-name")?.textContent).toBe("<img src=x onerror=alert(1)>");
  });
});

describe("fact values", () => {
  it("format by the field's type", () => {
    const fact = (fieldType: string, value: string) => formatCustomFact({ field: "X__c", label: "X", fieldType, value });
    expect(fact("date", "2025-03-31")).toBe("Mar 31, 2025");
    expect(fact("currency", "1234.5")).toBe("$1,234.50");
    expect(fact("double", "1234")).toBe("1,234");
    expect(fact("percent", "12.5")).toBe("12.5%");
    expect(fact("boolean", "true")).toBe("Yes");
    expect(fact("boolean", "false")).toBe("No");
    expect(fact("string", "Gold")).toBe("Gold");
    expect(fact("", "unknown type")).toBe("unknown type");
    expect(fact("double", "n/a")).toBe("n/a");
  });

  it("put an address on its lines", () => {
    expect(
      addressLines({ street: "1550 Wynkoop St\nSuite 400", city: "Denver", state: "CO", postalCode: "80202", country: "United States" }),
    ).toEqual(["1550 Wynkoop St", "Suite 400", "Denver, CO 80202", "United States"]);
    expect(addressLines({ street: null, city: null, state: null, postalCode: null, country: "Germany" })).toEqual(["Germany"]);
  });
});
