import { describe, expect, it, vi } from "vitest";
import { ALWAYS_ON_TOP_KEY, AlwaysOnTopToggle } from "./alwaysOnTop";

function memoryStorage(initial: Record<string, string> = {}): Pick<Storage, "getItem" | "setItem"> {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("AlwaysOnTopToggle", () => {
  it("toggles, applies and remembers the choice", async () => {
    const button = document.createElement("button");
    const apply = vi.fn().mockResolvedValue(undefined);
    const storage = memoryStorage();
    const toggle = new AlwaysOnTopToggle(button, { apply, onError: vi.fn(), storage });
    expect(button.getAttribute("aria-pressed")).toBe("false");
    await toggle.restore();
    expect(apply).not.toHaveBeenCalled();

    button.click();
    await flush();
    expect(apply).toHaveBeenLastCalledWith(true);
    expect(button.getAttribute("aria-pressed")).toBe("true");
    expect(storage.getItem(ALWAYS_ON_TOP_KEY)).toBe("true");

    button.click();
    await flush();
    expect(apply).toHaveBeenLastCalledWith(false);
    expect(toggle.enabled).toBe(false);
    expect(storage.getItem(ALWAYS_ON_TOP_KEY)).toBe("false");
  });

  it("re-applies a remembered 'on' at start", async () => {
    const button = document.createElement("button");
    const apply = vi.fn().mockResolvedValue(undefined);
    const toggle = new AlwaysOnTopToggle(button, {
      apply,
      onError: vi.fn(),
      storage: memoryStorage({ [ALWAYS_ON_TOP_KEY]: "true" }),
    });
    expect(button.getAttribute("aria-pressed")).toBe("true");
    await toggle.restore();
    expect(apply).toHaveBeenCalledWith(true);
  });

  it("rolls back and reports when the window refuses", async () => {
    const button = document.createElement("button");
    const error = { code: "Internal", message: "no window" };
    const onError = vi.fn();
    const storage = memoryStorage();
    const toggle = new AlwaysOnTopToggle(button, { apply: vi.fn().mockRejectedValue(error), onError, storage });
    await toggle.set(true);
    expect(toggle.enabled).toBe(false);
    expect(button.getAttribute("aria-pressed")).toBe("false");
    expect(onError).toHaveBeenCalledWith(error);
    expect(storage.getItem(ALWAYS_ON_TOP_KEY)).toBeNull();
  });
});
