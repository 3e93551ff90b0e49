import { describe, expect, it, vi } from "vitest";
import { warmUpCallerCard } from "./warmUp";

describe("warmUpCallerCard", () => {
  it("lays a full sample card out and leaves the page as it was", () => {
    document.body.textContent = "";
    const app = document.createElement("main");
    app.id = "app";
    document.body.append(app);
    const measured = vi.spyOn(HTMLElement.prototype, "getBoundingClientRect");
    const appended = vi.spyOn(document.body, "append");
    warmUpCallerCard();
    expect(measured).toHaveBeenCalledTimes(1);
    // What was laid out had the card's parts: both matches, opportunities and cases.
    const stage = appended.mock.calls[0]![0] as HTMLElement;
    expect(stage.querySelectorAll(".match")).toHaveLength(2);
    expect(stage.querySelector(".rating")?.textContent).toBe("Hot");
    expect(stage.textContent).toContain("Opportunity");
    expect(stage.getAttribute("aria-hidden")).toBe("true");
    expect(Array.from(document.body.childNodes)).toEqual([app]);
    expect(app.childNodes).toHaveLength(0);
    measured.mockRestore();
    appended.mockRestore();
  });
});
