/** Test data for searches and account facts (plain objects; no Vitest or Tauri imports). */
import type { AccountFacts } from "../ipc/bindings/AccountFacts";
import type { AccountHierarchy } from "../ipc/bindings/AccountHierarchy";
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import type { SearchResult } from "../ipc/bindings/SearchResult";
import type { TermKind } from "../ipc/bindings/TermKind";

/** The kind the core would take `term` for, roughly (enough for the mock backend). */
function kindOf(term: string): TermKind {
  const t = term.trim();
  if (/^[\d\s+().\-/]+$/.test(t)) return "phone";
  if (t.includes("@") && !t.startsWith("@")) return "email";
  if (!/\s/.test(t) && /\.[a-z]{2,}$/i.test(t)) return "domain";
  return "name";
}

export function searchResultOf(term: string, matches: CallerMatch[], overrides: Partial<SearchResult> = {}): SearchResult {
  const kind = kindOf(term);
  const text = kind === "email" || kind === "domain" ? term.trim().toLowerCase() : term.trim();
  return {
    kind,
    term: text,
    number: kind === "phone" ? text : null,
    source: "salesforce",
    fetchedAt: new Date(0).toISOString(),
    matches,
    relatedLoaded: true,
    ...overrides,
  };
}

export function accountFacts(overrides: Partial<AccountFacts> = {}): AccountFacts {
  return {
    id: "001000000000001",
    name: "Müller & Söhne GmbH",
    industry: "Machinery",
    annualRevenue: 4200000,
    employees: 85,
    address: { street: "Landsberger Str. 110", city: "München", state: null, postalCode: "80339", country: "Germany" },
    website: "https://www.mueller-soehne.example",
    phone: "+49 89 1234567",
    type: "Customer - Direct",
    parentId: "001000000000009",
    parentName: "Müller Holding AG",
    owner: "Zoë O'Brien",
    custom: [
      { field: "Health_Score__c", label: "Health Score", fieldType: "double", value: "86" },
      { field: "Last_Activity__c", label: "Last Activity", fieldType: "date", value: "2025-03-31" },
    ],
    ...overrides,
  };
}

export function hierarchy(overrides: Partial<AccountHierarchy> = {}): AccountHierarchy {
  return {
    account: { id: "001000000000001", name: "Müller & Söhne GmbH", industry: "Machinery", type: "Customer - Direct", city: "München" },
    parent: { id: "001000000000009", name: "Müller Holding AG", industry: null, type: "Other", city: "Berlin" },
    siblings: [{ id: "001000000000002", name: "Söhne Logistik <b>KG</b>", industry: "Transportation", type: null, city: null }],
    children: [{ id: "001000000000003", name: "Müller Service", industry: null, type: null, city: "Köln" }],
    opportunities: [
      {
        id: "006000000000001",
        name: "Retrofit",
        stage: "Qualification",
        amount: 85000,
        closeDate: "2025-06-30",
        probability: 10,
        contact: "Jürgen Müller",
      },
      { id: "006000000000002", name: "Spare parts", stage: "Prospecting", amount: null, closeDate: null, probability: null, contact: null },
    ],
    matchedByCompany: false,
    ...overrides,
  };
}
