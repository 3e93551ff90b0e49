import { createApp } from "./app";
import { warmUpCallerCard } from "./caller/warmUp";
import { chooseLanguage, setLanguage } from "./i18n";
import { primed, tauriBackend } from "./ipc/backend";

/** What the app asks for as it starts: asked all at once, before anything is drawn. */
const START_CALLS = ["desktopInfo", "sessionStatus", "managedSettings", "recentCalls", "outbox", "apiUsage", "orgOptions"] as const;

async function main(root: HTMLElement): Promise<void> {
  // The answers come within milliseconds while nothing is drawn yet; with them in, the
  // first paint is the panel as it starts (signed in, its recent calls), not a state
  // on the way there that would have to be drawn again.
  const start = primed(tauriBackend, START_CALLS);
  await start.ready;
  // The language setting (through the shell), else the system's, before anything is drawn.
  let setting: string | null = null;
  try {
    setting = (await start.backend.desktopInfo()).language;
  } catch (error) {
    console.error("Callside: the language setting is unavailable", error);
  }
  setLanguage(chooseLanguage(setting, navigator.language));
  const app = createApp(root, start.backend);
  app.layout.numberInput.focus();
  await app.start();
  start.release();
  // Once the first frame is up, the fonts of a caller card load while no call waits.
  requestAnimationFrame(() => window.setTimeout(() => warmUpCallerCard(), 100));
  // The page marks itself ready once it has started (the desktop benchmark waits for it).
  document.documentElement.dataset.ready = "true";
}

const root = document.getElementById("app");
if (root) void main(root);
