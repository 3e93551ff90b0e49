/** Formatting helpers shared by the panels. All locale-aware via Intl. */

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** mm:ss below an hour, h:mm:ss from an hour on. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(totalSeconds) ? totalSeconds : 0));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(seconds)}` : `${pad2(minutes)}:${pad2(seconds)}`;
}

const currencyFormats = new Map<string, Intl.NumberFormat>();

/** Opportunity amounts, e.g. "$12,500" or "$1,234.50". */
export function formatCurrency(amount: number | null, currency = "USD", locale?: string): string {
  if (amount === null || !Number.isFinite(amount)) return "—";
  const whole = Number.isInteger(amount);
  const key = `${locale ?? ""}|${currency}|${String(whole)}`;
  let format = currencyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: 2,
    });
    currencyFormats.set(key, format);
  }
  return format.format(amount);
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
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** Local date and time for an ISO-8601 timestamp (cache age). */
export function formatDateTime(value: string, locale?: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, {
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
