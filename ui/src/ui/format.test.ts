import { describe, expect, it } from "vitest";
import { formatAge, formatCallLength, formatCallTime, formatCurrency, formatDate, formatDuration, urlHost } from "./format";

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

describe("formatAge", () => {
  const now = Date.parse("2025-01-15T10:30:00Z");
  it.each([
    ["2025-01-15T10:30:00Z", "just now"],
    ["2025-01-15T10:29:01Z", "just now"],
    ["2025-01-15T10:31:00Z", "just now"], // clock skew
    ["2025-01-15T10:29:00Z", "1 min ago"],
    ["2025-01-15T10:27:00Z", "3 min ago"],
    ["2025-01-15T09:30:00Z", "1 h ago"],
    ["2025-01-14T10:30:00Z", "1 day ago"],
    ["2025-01-10T10:30:00Z", "5 days ago"],
  ])("%s -> %s", (value, expected) => {
    expect(formatAge(value, now)).toBe(expected);
  });

  it("gives null for what it cannot parse", () => {
    expect(formatAge("yesterday", now)).toBeNull();
  });
});

describe("formatCallLength", () => {
  it.each([
    [0, "0:00"],
    [42, "0:42"],
    [125, "2:05"],
    [3725, "1:02:05"],
    [-1, "0:00"],
  ])("%s s -> %s", (seconds, expected) => {
    expect(formatCallLength(seconds)).toBe(expected);
  });
});

describe("formatCallTime", () => {
  // Local times, so the test holds in any time zone.
  const now = new Date(2025, 0, 15, 16, 30).getTime(); // Wednesday
  const at = (month: number, day: number, h: number, m: number, year = 2025) =>
    new Date(year, month, day, h, m).toISOString();

  it("shows the time for today", () => {
    expect(formatCallTime(at(0, 15, 10, 42), now, "en-US")).toBe("10:42");
    expect(formatCallTime(at(0, 15, 0, 5), now, "en-US")).toBe("00:05");
  });

  it("shows weekday and time within the past week", () => {
    expect(formatCallTime(at(0, 13, 14, 5), now, "en-US")).toBe("Mon 14:05");
    expect(formatCallTime(at(0, 14, 23, 59), now, "en-US")).toBe("Tue 23:59");
    expect(formatCallTime(at(0, 9, 9, 0), now, "en-US")).toBe("Thu 09:00");
  });

  it("shows the date for older calls, with the year when it differs", () => {
    expect(formatCallTime(at(0, 8, 9, 0), now, "en-US")).toBe("Jan 8");
    expect(formatCallTime(at(11, 31, 9, 0, 2024), now, "en-US")).toBe("Dec 31, 2024");
  });

  it("passes through what it cannot parse", () => {
    expect(formatCallTime("later", now)).toBe("later");
  });
});
