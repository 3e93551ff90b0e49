import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../app";
import { flush, lookupResult, lead, signedOut } from "../test/fixtures";
import { mockBackend } from "../test/mockBackend";
import { de } from "./de";
import { en } from "./en";
import type { Language } from "./index";
import { chooseLanguage, language, parseLanguage, setLanguage, t } from "./index";
import { actionDescription, actionMessage, errorMessage } from "./errors";
import { textsDe } from "./texts.de";
import { TEXT_TEMPLATES } from "../ipc/bindings/textTemplates";
import type { Text } from "../ipc/bindings/Text";

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

afterEach(() => setLanguage("en"));

describe("the dictionaries", () => {
  it("have exactly the same keys", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it("have the same placeholders in every entry, and no empty one", () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(de[key]), key).toEqual(placeholders(en[key]));
      expect(en[key].trim(), key).not.toBe("");
      expect(de[key].trim(), key).not.toBe("");
    }
  });
});

describe("t", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(t("log.logsTo", { name: "Dana" })).toBe("Logs to Dana");
    expect(t("log.logsTo")).toBe("Logs to {name}");
    setLanguage("de");
    expect(t("log.logsTo", { name: "Dana" })).toBe("Wird bei Dana protokolliert");
    expect(t("usage.label", { used: 5, limit: 10 })).toBe("API 5 / 10 heute");
    expect(document.documentElement.lang).toBe("de");
  });

  it("takes the setting, else the system's language, else English", () => {
    expect(parseLanguage("de-AT")).toBe("de");
    expect(parseLanguage("de_DE.UTF-8")).toBe("de");
    expect(parseLanguage("fr-FR")).toBeNull();
    expect(chooseLanguage(null, "de-DE")).toBe("de");
    expect(chooseLanguage("en", "de-DE")).toBe("en");
    expect(chooseLanguage("xx", "de-DE")).toBe("de");
    expect(chooseLanguage(null, "fr-FR")).toBe("en");
    setLanguage("de");
    expect(language()).toBe("de");
  });
});

/** Every string a person sees or hears: text, labels, titles, placeholders. */
function visibleStrings(root: HTMLElement): Set<string> {
  const found = new Set<string>();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.trim();
    if (text) found.add(text);
  }
  for (const element of Array.from(root.querySelectorAll<HTMLElement>("*"))) {
    for (const attribute of ["aria-label", "title", "placeholder"]) {
      const value = element.getAttribute(attribute)?.trim();
      if (value) found.add(value);
    }
  }
  return found;
}

/** Strings that are the same in both languages by nature: names, numbers, keys, marks. */
const SAME_IN_BOTH = [
  /^Callside$/,
  /^[\d\s:/.,+%–—·×↗↙!i()-]*$/,
  /^(Alt|Ctrl|Strg)\+/,
  /^(Org|Offline|Status|Name|Lead|Account|Sandbox|Normal|My Domain|\(optional\))$/,
  /^(Hot|Warm|Cold)$/, // Salesforce's rating values, as the org stores them
  /^https?:\/\//,
  /salesforce\.com$/,
  /^127\.0\.0\.1/,
  /^(production|sandbox|demo|acme)$/, // default names for a saved org
  /^API /,
  /@/, // email addresses and user names
  /^(3MVG9demo|US)$/, // setting values from the fixtures
  /^(Cache|Updates|Website|Account)$/, // the same word in German
];

async function render(lang: Language, prepare: (backend: ReturnType<typeof mockBackend>) => void): Promise<Set<string>> {
  setLanguage(lang);
  document.body.textContent = "";
  const root = document.createElement("div");
  document.body.appendChild(root);
  const backend = mockBackend();
  prepare(backend);
  const app = createApp(root, backend, { storage: null, every: () => () => {}, after: () => () => {} });
  await app.start();
  await flush();
  const strings = visibleStrings(document.body);
  app.dispose();
  return strings;
}

describe("the UI in German", () => {
  const scenes: Array<[string, (backend: ReturnType<typeof mockBackend>) => void]> = [
    ["signed out (the sign-in view)", (b) => b.sessionStatus.mockResolvedValue(signedOut)],
    ["signed in", () => {}],
  ];

  for (const [scene, prepare] of scenes) {
    it(`says nothing in English that it says in German: ${scene}`, async () => {
      const english = await render("en", prepare);
      const german = await render("de", prepare);
      const untranslated = [...german].filter((s) => english.has(s) && !SAME_IN_BOTH.some((allowed) => allowed.test(s)));
      expect(untranslated).toEqual([]);
    });
  }

  it("shows a popped lead and the wrap-up in German", async () => {
    setLanguage("de");
    document.body.textContent = "";
    const root = document.createElement("div");
    document.body.appendChild(root);
    const backend = mockBackend();
    backend.lookupCaller.mockResolvedValue(lookupResult([lead()]));
    const app = createApp(root, backend, { storage: null, every: () => () => {}, after: () => () => {} });
    await app.start();
    backend.emitCallEvent({ kind: "ringing", number: "+49 30 1234567", direction: "inbound" });
    await flush();
    backend.emitCallEvent({ kind: "ended", number: "", direction: "inbound" });
    await flush();
    expect(document.querySelector("label[for=number-input]")?.textContent).toBe(t("search.label"));
    expect(document.querySelector(".type-badge")?.textContent).toBe("Lead");
    expect(document.querySelector(".lead-source")?.textContent).toBe("Quelle: Web");
    expect(document.querySelector("#wrap-up-heading")?.textContent).toBe("Nachbereitung des Anrufs mit Seán O'Connor");
    expect(document.querySelector("#log-call-button")?.textContent).toBe("Anruf protokollieren");
    expect(document.querySelector("#timer-toggle")?.textContent).toBe("Anruf starten");
    app.dispose();
  });
});

describe("the core's messages", () => {
  it("are all in German, naming exactly the values the English names", () => {
    for (const [key, { english, params }] of Object.entries(TEXT_TEMPLATES) as Array<[Text["key"], { english: string; params: readonly string[] }]>) {
      const german = textsDe[key];
      expect(placeholders(english), key).toEqual([...params].sort());
      expect(placeholders(german), key).toEqual([...params].sort());
      expect(german, key).not.toBe(english);
    }
    expect(Object.keys(textsDe).sort()).toEqual(Object.keys(TEXT_TEMPLATES).sort());
  });

  it("show in the rep's language, Salesforce's own words as Salesforce wrote them", () => {
    const refusal = {
      code: "InvalidInput" as const,
      message: '"Lukewarm" is not a rating; use Hot, Warm or Cold.',
      text: { key: "NotARating" as const, params: { input: '"Lukewarm"' } },
    };
    expect(errorMessage(refusal)).toBe(refusal.message);
    setLanguage("de");
    expect(errorMessage(refusal)).toBe('"Lukewarm" ist keine Bewertung; möglich sind Hot, Warm oder Cold.');
    expect(errorMessage({ message: "Salesforce did not answer in time.", text: { key: "TimedOut" } })).toBe(
      "Salesforce hat nicht rechtzeitig geantwortet.",
    );
    const validation = {
      message: "Salesforce did not accept the change: Schlusstermin fehlt",
      text: { key: "ChangeNotAccepted" as const, params: { message: "Schlusstermin fehlt" } },
    };
    expect(errorMessage(validation)).toBe("Salesforce hat die Änderung nicht angenommen: Schlusstermin fehlt");
    // A message without a text (an administrator's settings problem) is shown as sent.
    expect(errorMessage({ message: "policy.toml:3:1: unknown field" })).toBe("policy.toml:3:1: unknown field");
  });

  it("reach the banner in German", async () => {
    setLanguage("de");
    document.body.textContent = "";
    const root = document.createElement("div");
    document.body.appendChild(root);
    const backend = mockBackend();
    backend.lookupCaller.mockRejectedValue({
      code: "InvalidInput",
      message: '"12" is not a phone number.',
      text: { key: "NotAPhoneNumber", params: { input: '"12"' } },
    });
    const app = createApp(root, backend, { storage: null, every: () => () => {}, after: () => () => {} });
    await app.start();
    backend.emitCallEvent({ kind: "ringing", number: "12", direction: "inbound" });
    await flush();
    expect(document.querySelector("#error-message")?.textContent).toBe('"12" ist keine Telefonnummer.');
    app.dispose();
  });
});

describe("the outbox's words", () => {
  it("say what an action does and why it waits in the rep's language", () => {
    const waiting = {
      description: "Rate lead 00Q1 Hot",
      descriptionText: { key: "RateLeadAs" as const, params: { lead: "00Q1", rating: "Hot" } },
      message: "Saved; it will be sent when Salesforce is reachable. (Salesforce did not answer in time.)",
      messageText: { key: "WaitingToSend" as const, params: { reason: "Salesforce did not answer in time." } },
    };
    expect(actionDescription(waiting)).toBe("Rate lead 00Q1 Hot");
    expect(actionMessage(waiting)).toBe(waiting.message);
    setLanguage("de");
    expect(actionDescription(waiting)).toBe("Lead 00Q1 als Hot bewerten");
    expect(actionMessage(waiting)).toBe(
      "Gespeichert; wird gesendet, sobald Salesforce erreichbar ist. (Salesforce did not answer in time.)",
    );
    // Stored before texts existed: the English stands.
    expect(actionDescription({ description: "Rate lead 00Q1 Hot" })).toBe("Rate lead 00Q1 Hot");
    expect(actionMessage({ message: null })).toBeNull();
  });
});
