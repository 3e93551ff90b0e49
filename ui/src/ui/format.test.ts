import { describe, expect, it } from "vitest";
import { formatCurrency, formatDate, formatDuration, urlHost } from "./format";

describe("formatDuration", () => {
  it.each([
    [0, "00:00"],
    [5, "00:05"],
    [65, "01:05"],
    [599.9, "09:59"],
    [3599, "59:59"],
    [3600, "1:00:00"],
    [3661, "1:01:01"],
    [36000 + 62, "10:01:02"],
    [-3, "00:00"],
    [Number.NaN, "00:00"],
  ])("%s s -> %s", (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe("formatCurrency", () => {
  it("formats whole and fractional amounts", () => {
    expect(formatCurrency(125000, "USD", "en-US")).toBe("$125,000");
    expect(formatCurrency(1234.5, "USD", "en-US")).toBe("$1,234.50");
    expect(formatCurrency(99, "EUR", "de-DE")).toMatch(/99\s€/);
  });

  it("shows a dash for a missing amount", () => {
    expect(formatCurrency(null)).toBe("—");
  });
});

describe("formatDate", () => {
  it("keeps Salesforce calendar dates on the same day in any zone", () => {
    expect(formatDate("2025-03-31", "en-US")).toBe("Mar 31, 2025");
    expect(formatDate("2025-01-01", "en-US")).toBe("Jan 1, 2025");
  });

  it("passes through what it cannot parse, dashes nulls", () => {
    expect(formatDate("soon", "en-US")).toBe("soon");
    expect(formatDate(null)).toBe("—");
  });
});

describe("urlHost", () => {
  it("extracts the host", () => {
    expect(urlHost("https://acme.my.salesforce.com/")).toBe("acme.my.salesforce.com");
    expect(urlHost("https://test.sandbox.my.salesforce.com:8443/x")).toBe("test.sandbox.my.salesforce.com:8443");
  });

  it("falls back to the raw string", () => {
    expect(urlHost("not a url")).toBe("not a url");
  });
});
