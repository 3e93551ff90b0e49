import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../app";
import { createApp } from "../app";
import type { Backend } from "../ipc/backend";
import { t } from "../i18n";
import { contact, flush, lead } from "../test/fixtures";
import type { MockBackend } from "../test/mockBackend";
import { mockBackend } from "../test/mockBackend";
import { accountFacts, hierarchy, searchResultOf } from "../test/searchFixtures";

let backend: MockBackend & Backend;
let app: App;

function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`${selector} not found`);
  return found;
}

async function search(term: string): Promise<void> {
  $<HTMLInputElement>("#number-input").value = term;
  $("#lookup-form").dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  await flush();
}

beforeEach(async () => {
  document.body.textContent = "";
  const root = document.createElement("div");
  document.body.appendChild(root);
  backend = mockBackend();
  app = createApp(root, backend, { every: () => () => {}, ticker: () => () => {} });
  await app.start();
});

afterEach(() => app.dispose());

describe("the search box in the app", () => {
  it("searches an email address and shows the match with its account's facts", async () => {
    const dana = contact({ name: "Dana Whitfield", account: accountFacts({ name: "Summit Outdoor Supply" }) });
    backend.searchCaller.mockResolvedValueOnce(searchResultOf("dana@summit.example", [dana]));
    await search(" dana@summit.example ");
    expect(backend.searchCaller).toHaveBeenCalledWith("dana@summit.example", "inbound");
    expect(backend.lookupCaller).not.toHaveBeenCalled();
    expect($("#search-kind").textContent).toBe("Searched as an email address: dana@summit.example");
    expect($("#caller-number").textContent).toBe("dana@summit.example");
    expect($("#account-facts-heading").textContent).toBe("Account Summit Outdoor Supply");
    expect($("#account-facts").textContent).toContain("Machinery");
  });

  it("keeps phone numbers on the screen pop's path", async () => {
    await search("(415) 555-0100");
    expect(backend.lookupCaller).toHaveBeenCalledWith("(415) 555-0100", "inbound");
    expect(backend.searchCaller).not.toHaveBeenCalled();
    expect($("#search-kind").textContent).toBe("Searched as a phone number: +14155550100");
  });

  it("says so when nothing matches a name", async () => {
    backend.searchCaller.mockResolvedValueOnce(searchResultOf("Nobody Here", []));
    await search("Nobody Here");
    expect($("#no-match").textContent).toBe(t("search.noMatch"));
  });

  it("applies the fuller data that follows a first paint", async () => {
    const first = lead({ name: "Lena Vogt", account: accountFacts({ id: null, name: "Summit Trail Rentals" }) });
    backend.searchCaller.mockResolvedValueOnce(searchResultOf("Lena Vogt", [first], { relatedLoaded: false }));
    await search("Lena Vogt");
    expect($("#related-loading")).not.toBeNull();
    backend.emitCallerUpdate({
      number: "Lena Vogt",
      result: { number: "Lena Vogt", source: "salesforce", fetchedAt: new Date(0).toISOString(), matches: [first], relatedLoaded: true },
      error: null,
    });
    expect(document.querySelector("#related-loading")).toBeNull();
  });

  it("shows a refusal in the banner", async () => {
    backend.searchCaller.mockRejectedValueOnce({ code: "InvalidInput", message: '"{}" has no letters or digits to search for.' });
    await search("{}");
    expect($("#error-banner").hidden).toBe(false);
    expect($("#error-banner").textContent).toContain("no letters or digits");
    expect($("#search-kind").hidden).toBe(true);
  });

  it("opens the account hierarchy with one click", async () => {
    backend.searchCaller.mockResolvedValueOnce(searchResultOf("Dana", [contact({ account: accountFacts() })]));
    backend.accountHierarchy.mockResolvedValueOnce(hierarchy());
    await search("Dana");
    $("#account-facts .show-hierarchy").click();
    await flush();
    expect(backend.accountHierarchy).toHaveBeenCalledWith("003000000000001");
    expect($("#account-hierarchy").hidden).toBe(false);
    expect($("#account-hierarchy").textContent).toContain("Müller Holding AG");
    expect($("#account-hierarchy").textContent).toContain("Retrofit");

    // Fresher data re-renders the panel: the hierarchy stays open, not asked for again.
    const fresher = contact({ title: "CEO", account: accountFacts() });
    backend.emitCallerUpdate({
      number: "Dana",
      result: { number: "Dana", source: "salesforce", fetchedAt: new Date(0).toISOString(), matches: [fresher], relatedLoaded: true },
      error: null,
    });
    expect(document.body.textContent).toContain("CEO");
    expect($("#account-hierarchy").hidden).toBe(false);
    expect($("#account-hierarchy").textContent).toContain("Müller Holding AG");
    expect($("#account-facts .show-hierarchy").getAttribute("aria-expanded")).toBe("true");
    expect(backend.accountHierarchy).toHaveBeenCalledTimes(1);

    // Closed, it stays closed through the next update.
    $("#account-facts .show-hierarchy").click();
    await flush();
    backend.emitCallerUpdate({
      number: "Dana",
      result: { number: "Dana", source: "salesforce", fetchedAt: new Date(0).toISOString(), matches: [fresher], relatedLoaded: true },
      error: null,
    });
    expect($("#account-hierarchy").hidden).toBe(true);
  });

  it("remembers a pick among several matches under the term", async () => {
    const first = contact({ id: "003000000000001", name: "Elena Rossi" });
    const second = lead({ id: "00Q000000000002", name: "Marco Rossi" });
    backend.searchCaller.mockResolvedValueOnce(searchResultOf("Rossi", [first, second]));
    await search("Rossi");
    $('.match[data-id="00Q000000000002"]').click();
    await flush();
    expect(backend.rememberPick).toHaveBeenCalledWith("Rossi", "00Q000000000002");
  });
});
