import { describe, expect, it, vi } from "vitest";
import { flush } from "../test/fixtures";
import { ApiUsageView, formatApiUsage, usageLevel } from "./apiUsage";

describe("formatApiUsage", () => {
  it("groups thousands", () => {
    expect(formatApiUsage({ used: 120, limit: 15000 })).toBe("API 120 / 15,000 today");
    expect(formatApiUsage({ used: 1234567, limit: 5000000 })).toBe("API 1,234,567 / 5,000,000 today");
  });
});

describe("usageLevel", () => {
  it("warns above 80 % and marks the limit at 100 %", () => {
    expect(usageLevel({ used: 120, limit: 15000 })).toBe("");
    expect(usageLevel({ used: 12000, limit: 15000 })).toBe("");
    expect(usageLevel({ used: 12001, limit: 15000 })).toBe("warn");
    expect(usageLevel({ used: 14999, limit: 15000 })).toBe("warn");
    expect(usageLevel({ used: 15000, limit: 15000 })).toBe("limit");
    expect(usageLevel({ used: 15200, limit: 15000 })).toBe("limit");
    expect(usageLevel({ used: 5, limit: 0 })).toBe("");
  });
});

describe("ApiUsageView", () => {
  it("is hidden until there is a figure, then shows it with its level", async () => {
    const root = document.createElement("span");
    const load = vi.fn().mockResolvedValue({ used: 13000, limit: 15000 });
    const view = new ApiUsageView(root, load);
    expect(root.hidden).toBe(true);
    await view.refresh();
    expect(root.hidden).toBe(false);
    expect(root.textContent).toBe("API 13,000 / 15,000 today");
    expect(root.classList.contains("warn")).toBe(true);
    expect(root.title).toMatch(/87%/);

    load.mockResolvedValueOnce({ used: 15000, limit: 15000 });
    await view.refresh();
    expect(root.classList.contains("warn")).toBe(false);
    expect(root.classList.contains("limit")).toBe(true);

    load.mockResolvedValueOnce(null);
    await view.refresh();
    expect(root.hidden).toBe(true);
    expect(root.className).toBe("");
  });

  it("keeps the figure when reading fails, and drops late answers after a reset", async () => {
    const root = document.createElement("span");
    const load = vi.fn().mockResolvedValue({ used: 1, limit: 100 });
    const view = new ApiUsageView(root, load);
    await view.refresh();
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    load.mockRejectedValueOnce({ code: "Internal", message: "no" });
    await view.refresh();
    expect(root.textContent).toBe("API 1 / 100 today");
    error.mockRestore();

    let resolve: (value: { used: number; limit: number }) => void = () => {};
    load.mockReturnValueOnce(new Promise((r) => (resolve = r)));
    const pending = view.refresh();
    view.reset();
    resolve({ used: 2, limit: 100 });
    await pending;
    await flush();
    expect(root.hidden).toBe(true);
    expect(root.textContent).toBe("");
  });
});
