/** Formatting helpers shared by the panels. All locale-aware via Intl. */
import { locale as uiLocale, t } from "../i18n";

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** mm:ss below an hour, h:mm:ss from an hour on. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(totalSeconds) ? totalSeconds : 0));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(seconds)}` : `${pad2(minutes)}:${pad2(seconds)}`;
}

/**
 * Intl formatters, made once per locale and options: making one costs far more than
 * formatting with it, and a pop formats a few dozen dates and numbers.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

export function dateTimeFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(key, format);
  }
  return format;
}

export function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

/** Opportunity amounts, e.g. "$12,500" or "$1,234.50". */
export function formatCurrency(amount: number | null, currency = "USD", locale?: string): string {
  if (amount === null || !Number.isFinite(amount)) return "—";
  const whole = Number.isInteger(amount);
  return numberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(amount);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Salesforce date fields ("2025-03-31") are calendar dates without a zone:
 * format them in UTC so they never shift by a day.
 */
export function formatDate(value: string | null, locale?: string): string {
  if (!value) return "—";
  const m = DATE_ONLY.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  // dateStyle needs Safari 14.1; spell the fields out for older WebKit.
  const options: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric" };
  if (m) options.timeZone = "UTC";
  return dateTimeFormat(locale ?? uiLocale(), options).format(date);
}

/** Local date and time for an ISO-8601 timestamp (cache age). */
export function formatDateTime(value: string, locale?: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return dateTimeFormat(locale ?? uiLocale(), {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  }).format(date);
}

/** "https://acme.my.salesforce.com/" -> "acme.my.salesforce.com". */
export function urlHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long ago an ISO-8601 timestamp was: "just now" under a minute, then
 * "3 min ago", "2 h ago", "1 day ago", "4 days ago". Null when unparsable.
 * A timestamp in the future (clock skew) counts as "just now".
 */
export function formatAge(value: string, nowMs: number): string | null {
  const then = new Date(value).getTime();
  if (Number.isNaN(then)) return null;
  const ago = nowMs - then;
  if (ago < MINUTE_MS) return t("age.justNow");
  if (ago < HOUR_MS) return t("age.minutes", { n: Math.floor(ago / MINUTE_MS) });
  if (ago < DAY_MS) return t("age.hours", { n: Math.floor(ago / HOUR_MS) });
  const days = Math.floor(ago / DAY_MS);
  return days === 1 ? t("age.day") : t("age.days", { n: days });
}

/** A call's length: "0:42", "2:05", "1:02:05". */
export function formatCallLength(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(totalSeconds) ? totalSeconds : 0));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(seconds)}` : `${minutes}:${pad2(seconds)}`;
}

/** Local midnight of the day `date` falls on, in ms. */
function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/**
 * When a call started, relative to now, in local time: "10:42" today,
 * "Mon 14:05" within the past week, else a date ("Jan 15", or "Jan 15, 2024"
 * in another year).
 */
export function formatCallTime(value: string, nowMs: number, locale?: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const now = new Date(nowMs);
  const time = `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
  // Whole calendar days between the two (DST days are 23 or 25 h long).
  const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY_MS);
  if (days === 0) return time;
  if (days > 0 && days < 7) {
    const weekday = dateTimeFormat(locale ?? uiLocale(), { weekday: "short" }).format(date);
    return `${weekday} ${time}`;
  }
  const options: Intl.DateTimeFormatOptions = { month: "short", day: "numeric" };
  if (date.getFullYear() !== now.getFullYear()) options.year = "numeric";
  return dateTimeFormat(locale ?? uiLocale(), options).format(date);
}
