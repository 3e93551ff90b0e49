import { createApp } from "./app";
import { tauriBackend } from "./ipc/backend";

const root = document.getElementById("app");
if (root) {
  const app = createApp(root, tauriBackend);
  app.layout.numberInput.focus();
  void app.start();
}
