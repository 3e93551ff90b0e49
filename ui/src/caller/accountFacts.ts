/**
 * The company behind the selected match: an Account's key facts (industry, annual
 * revenue, employees, billing address, website, phone, type, parent account, owner and
 * the custom fields the admin maps), or, for a lead, its company as the lead records
 * it. The button below opens the account hierarchy (see accountHierarchy.ts).
 */
import type { AccountFacts } from "../ipc/bindings/AccountFacts";
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import type { CustomFact } from "../ipc/bindings/CustomFact";
import type { PostalAddress } from "../ipc/bindings/PostalAddress";
import type { Key } from "../i18n";
import { locale, t } from "../i18n";
import { el } from "../ui/dom";
import { formatCurrency, formatDate, numberFormat } from "../ui/format";

/** The address as lines: street (may hold line breaks), "city, state postal code", country. */
export function addressLines(address: PostalAddress): string[] {
  const street = (address.street ?? "").split(/\r?\n/).map((line) => line.trim());
  const region = [address.state, address.postalCode].filter((part): part is string => !!part).join(" ");
  const place = [address.city, region].filter((part): part is string => !!part).join(", ");
  return [...street, place, address.country ?? ""].filter((line) => line !== "");
}

function formatNumber(value: number): string {
  return numberFormat(locale()).format(value);
}

/** A custom field's value as the rep reads it: dates and amounts formatted, yes or no. */
export function formatCustomFact(fact: CustomFact): string {
  switch (fact.fieldType) {
    case "date":
      return formatDate(fact.value);
    case "currency": {
      const amount = Number(fact.value);
      return Number.isFinite(amount) ? formatCurrency(amount) : fact.value;
    }
    case "double":
    case "int": {
      const value = Number(fact.value);
      return Number.isFinite(value) ? formatNumber(value) : fact.value;
    }
    case "percent": {
      const value = Number(fact.value);
      return Number.isFinite(value) ? `${formatNumber(value)}%` : fact.value;
    }
    case "boolean":
      return fact.value === "true" ? t("account.yes") : t("account.no");
    default:
      return fact.value;
  }
}

function fact(key: string, label: string, value: Node | string): HTMLElement {
  return el(
    "div",
    { className: "fact", data: { fact: key } },
    el("dt", { text: label }),
    typeof value === "string" ? el("dd", { text: value }) : el("dd", {}, value),
  );
}

/** The facts a record carries, in the brief's order; empty ones left out. */
export function factList(facts: AccountFacts): HTMLElement {
  const list = el("dl", { className: "fact-list" });
  const add = (key: string, label: Key, value: string | null | undefined): void => {
    if (value !== null && value !== undefined && value !== "") list.append(fact(key, t(label), value));
  };
  add("industry", "account.industry", facts.industry);
  if (facts.annualRevenue !== null) add("annual-revenue", "account.annualRevenue", formatCurrency(facts.annualRevenue));
  if (facts.employees !== null) add("employees", "account.employees", formatNumber(facts.employees));
  if (facts.address) {
    const lines = addressLines(facts.address);
    if (lines.length > 0) {
      const address = el("address", { className: "fact-address" });
      lines.forEach((line, index) => {
        if (index > 0) address.append(el("br"));
        address.append(line);
      });
      list.append(fact("address", t(facts.id === null ? "account.address" : "account.billingAddress"), address));
    }
  }
  add("website", "account.website", facts.website);
  add("phone", "account.phone", facts.phone);
  add("type", "account.type", facts.type);
  add("parent", "account.parent", facts.parentName);
  add("owner", "account.owner", facts.owner);
  for (const custom of facts.custom) list.append(fact(`custom-${custom.field}`, custom.label, formatCustomFact(custom)));
  return list;
}

/**
 * The facts section of a match's details, with the hierarchy button for a contact, an
 * account or a lead; null when the match has no company to show.
 */
export function accountFactsSection(match: CallerMatch): HTMLElement | null {
  const facts = match.account ?? null;
  if (!facts) return null;
  const isLeadCompany = facts.id === null;
  const body = el(
    "div",
    { className: "account-facts-body" },
    isLeadCompany && el("p", { className: "facts-note", text: t("account.leadNote") }),
    factList(facts),
    el("button", {
      className: "btn btn-sm show-hierarchy",
      text: t("account.hierarchy"),
      data: { id: match.id },
      attrs: {
        type: "button",
        "aria-expanded": "false",
        "aria-controls": "account-hierarchy",
        title: t(isLeadCompany ? "account.hierarchyTitleLead" : "account.hierarchyTitle"),
      },
    }),
    el("div", { id: "account-hierarchy", className: "account-hierarchy", attrs: { hidden: "" } }),
  );
  return el(
    "section",
    { id: "account-facts", className: "related account-facts", attrs: { "aria-labelledby": "account-facts-heading" } },
    el(
      "h3",
      { id: "account-facts-heading" },
      `${t(isLeadCompany ? "account.companyHeading" : "account.heading")} `,
      el("span", { className: "account-name", text: facts.name }),
    ),
    body,
  );
}
