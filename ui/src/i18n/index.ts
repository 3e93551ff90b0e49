/**
 * The UI's words in English and German. `t(key, params)` looks a key up in the current
 * language and fills `{name}` placeholders; the language comes from the `language`
 * setting (through the shell) or else the system's (`navigator.language`). Every visible
 * string and accessible name goes through here.
 */
import { de } from "./de";
import { en } from "./en";

export type Key = keyof typeof en;
export type Language = "en" | "de";
export type Params = Record<string, string | number>;

export const LANGUAGES: readonly Language[] = ["en", "de"];
export const DICTIONARIES: Record<Language, Record<Key, string>> = { en, de };

let current: Language = "en";

/** `"de"`, `"de-AT"`, `"DE_de"` → German; English for everything else. */
export function parseLanguage(text: string | null | undefined): Language | null {
  const code = (text ?? "").trim().toLowerCase().split(/[-_.@]/)[0];
  return code === "de" || code === "en" ? code : null;
}

/** The setting if it names a language, else the system's, else English. */
export function chooseLanguage(setting: string | null | undefined, system: string | null | undefined): Language {
  return parseLanguage(setting) ?? parseLanguage(system) ?? "en";
}

export function setLanguage(language: Language): void {
  current = language;
  if (typeof document !== "undefined") document.documentElement.lang = language;
}

export function language(): Language {
  return current;
}

/** The BCP 47 locale for dates and numbers. */
export function locale(): string {
  return current === "de" ? "de-DE" : "en-US";
}

/** The text for `key`, its `{placeholders}` filled from `params`. */
export function t(key: Key, params: Params = {}): string {
  const text = DICTIONARIES[current][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}
