import { createApp } from "./app";
import { chooseLanguage, setLanguage } from "./i18n";
import { tauriBackend } from "./ipc/backend";

async function main(root: HTMLElement): Promise<void> {
  // The language setting (through the shell), else the system's, before anything is drawn.
  let setting: string | null = null;
  try {
    setting = (await tauriBackend.desktopInfo()).language;
  } catch (error) {
    console.error("Callside: the language setting is unavailable", error);
  }
  setLanguage(chooseLanguage(setting, navigator.language));
  const app = createApp(root, tauriBackend);
  app.layout.numberInput.focus();
  await app.start();
  // The page marks itself ready once it has started (the desktop benchmark waits for it).
  document.documentElement.dataset.ready = "true";
}

const root = document.getElementById("app");
if (root) void main(root);
