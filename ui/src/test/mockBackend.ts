/** A scriptable mock Backend for tests (no Tauri involved). */
import { vi } from "vitest";
import type { Backend } from "../ipc/backend";
import { contact, lookupResult, sentOutcome, signedIn, signedOut } from "./fixtures";

export type MockBackend = { [K in keyof Backend]: ReturnType<typeof vi.fn<Backend[K]>> };

/** Every method is a vi.fn with a sensible default; override per test. */
export function mockBackend(): MockBackend & Backend {
  return {
    sessionStatus: vi.fn<Backend["sessionStatus"]>().mockResolvedValue(signedIn),
    signIn: vi.fn<Backend["signIn"]>().mockResolvedValue(signedIn),
    signOut: vi.fn<Backend["signOut"]>().mockResolvedValue(signedOut),
    lookupCaller: vi.fn<Backend["lookupCaller"]>().mockResolvedValue(lookupResult([contact()])),
    logCall: vi.fn<Backend["logCall"]>().mockResolvedValue(sentOutcome),
  };
}
