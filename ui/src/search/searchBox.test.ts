import { describe, expect, it, vi } from "vitest";
import type { Backend } from "../ipc/backend";
import { contact, lookupResult } from "../test/fixtures";
import { searchResultOf } from "../test/searchFixtures";
import { t } from "../i18n";
import { looksLikePhone, SearchBox, toPanelResult, understoodText } from "./searchBox";
import { el } from "../ui/dom";

describe("looksLikePhone", () => {
  it("takes numbers as a softphone or a rep writes them", () => {
    for (const phone of [
      "(720) 555-0111",
      "+49 89 1234567",
      "720.555.0111",
      "tel:+1-720-555-0111",
      "720 555 0111 ext. 12",
      "720-555-0111 x12",
      "tel:+1-720-555-0111;ext=12",
      "12",
    ]) {
      expect(looksLikePhone(phone), phone).toBe(true);
    }
  });

  it("leaves names, addresses and domains to the search", () => {
    for (const term of ["Dana Whitfield", "dana@summit.example", "summit.example", "3M", "1&1", "Whit*", "+++", ""]) {
      expect(looksLikePhone(term), term).toBe(false);
    }
  });
});

describe("the search box", () => {
  function setUp(): { box: SearchBox; backend: Pick<Backend, "lookupCaller" | "searchCaller">; input: HTMLInputElement } {
    const input = el("input", { id: "number-input", attrs: { type: "tel" } });
    el("div", { className: "field" }, el("label", { text: "Phone number", attrs: { for: "number-input" } }), input);
    const backend = {
      lookupCaller: vi.fn<Backend["lookupCaller"]>().mockResolvedValue(lookupResult([contact()])),
      searchCaller: vi
        .fn<Backend["searchCaller"]>()
        .mockImplementation((term) => Promise.resolve(searchResultOf(term, [contact()]))),
    };
    return { box: new SearchBox(backend, input), backend, input };
  }

  it("invites any term and is labelled so", () => {
    const { input, box } = setUp();
    expect(input.type).toBe("text");
    expect(input.parentElement?.querySelector("label")?.textContent).toBe(t("search.label"));
    expect(input.getAttribute("aria-describedby")).toBe("search-kind");
    expect(box.note.hidden).toBe(true);
  });

  it("pops a phone number on the screen pop's path and says so", async () => {
    const { box, backend } = setUp();
    const result = await box.find("(415) 555-0100", "inbound");
    expect(backend.lookupCaller).toHaveBeenCalledWith("(415) 555-0100", "inbound");
    expect(backend.searchCaller).not.toHaveBeenCalled();
    expect(result.number).toBe("+14155550100");
    expect(box.note.textContent).toBe("Searched as a phone number: +14155550100");
  });

  it("searches anything else and tells what it was taken for", async () => {
    const { box, backend } = setUp();
    const result = await box.find("Dana.Whitfield@Summit.example", "outbound");
    expect(backend.searchCaller).toHaveBeenCalledWith("Dana.Whitfield@Summit.example", "outbound");
    expect(result.number).toBe("dana.whitfield@summit.example");
    expect(box.note.textContent).toBe("Searched as an email address: dana.whitfield@summit.example");
    expect(box.note.dataset.kind).toBe("email");
    expect(box.note.hidden).toBe(false);
    await box.find("O'Connor", "inbound");
    expect(box.note.textContent).toBe("Searched as a name or company: O'Connor");
    box.clear();
    expect(box.note.hidden).toBe(true);
  });

  it("keeps the note empty when the search fails", async () => {
    const { box, backend } = setUp();
    await box.find("Dana", "inbound");
    vi.mocked(backend.searchCaller).mockRejectedValueOnce({ code: "InvalidInput", message: "no letters" });
    await expect(box.find("{}", "inbound")).rejects.toEqual({ code: "InvalidInput", message: "no letters" });
    expect(box.note.hidden).toBe(true);
  });
});

describe("search results in the panel", () => {
  it("show the term where a number would be", () => {
    const text = searchResultOf("summit.example", [contact()], { relatedLoaded: false });
    expect(toPanelResult(text)).toEqual({
      number: "summit.example",
      source: "salesforce",
      fetchedAt: text.fetchedAt,
      matches: text.matches,
      relatedLoaded: false,
    });
    expect(toPanelResult(searchResultOf("+14155550100", [])).number).toBe("+14155550100");
  });

  it("say when a name is searched by its start", () => {
    expect(understoodText("name", "Whit*")).toBe("Searched as a name or company: Whit* (words starting with “Whit”)");
    expect(understoodText("domain", "summit.example")).toBe("Searched as a website or email domain: summit.example");
  });
});
