import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IpcError } from "../ipc/bindings/IpcError";
import { deferred, flush, signedIn, signedOut } from "../test/fixtures";
import { mockBackend } from "../test/mockBackend";
import type { SessionElements } from "./session";
import { SessionController, sessionLabel, SIGN_IN_LABEL, SIGNING_IN_LABEL } from "./session";

describe("sessionLabel", () => {
  it("shows the user and instance host", () => {
    expect(sessionLabel(signedIn)).toBe("Signed in as Zoë O'Brien · acme.my.salesforce.com");
  });

  it("falls back to the username, and works without an instance URL", () => {
    expect(sessionLabel({ ...signedIn, userName: null, instanceUrl: null })).toBe("Signed in as zoe@acme.example");
  });

  it("says when signed out", () => {
    expect(sessionLabel(signedOut)).toBe("Not signed in");
    expect(sessionLabel(null)).toBe("Not signed in");
  });
});

describe("SessionController", () => {
  let els: SessionElements;
  let errors: IpcError[];

  beforeEach(() => {
    els = {
      status: document.createElement("p"),
      signIn: document.createElement("button"),
      signOut: document.createElement("button"),
    };
    errors = [];
  });

  it("renders signed-out state with the sign-in button", async () => {
    const backend = mockBackend();
    backend.sessionStatus.mockResolvedValue(signedOut);
    const session = new SessionController(els, backend, (e) => errors.push(e));
    await session.refresh();
    expect(els.status.textContent).toBe("Not signed in");
    expect(els.signIn.hidden).toBe(false);
    expect(els.signIn.textContent).toBe(SIGN_IN_LABEL());
    expect(els.signOut.hidden).toBe(true);
  });

  it("disables sign-in while the browser flow runs, then shows the user", async () => {
    const backend = mockBackend();
    backend.sessionStatus.mockResolvedValue(signedOut);
    const pending = deferred<typeof signedIn>();
    backend.signIn.mockReturnValue(pending.promise);
    const session = new SessionController(els, backend, (e) => errors.push(e));
    await session.refresh();

    els.signIn.click();
    expect(els.signIn.disabled).toBe(true);
    expect(els.signIn.textContent).toBe(SIGNING_IN_LABEL());
    els.signIn.click();
    expect(backend.signIn).toHaveBeenCalledTimes(1);

    pending.resolve(signedIn);
    await flush();
    expect(els.status.textContent).toBe("Signed in as Zoë O'Brien · acme.my.salesforce.com");
    expect(els.signIn.hidden).toBe(true);
    expect(els.signOut.hidden).toBe(false);
    expect(els.signOut.disabled).toBe(false);
  });

  it("reports a failed sign-in and re-enables the button", async () => {
    const backend = mockBackend();
    backend.sessionStatus.mockResolvedValue(signedOut);
    backend.signIn.mockRejectedValue({ code: "Salesforce", message: "OAuth denied" });
    const session = new SessionController(els, backend, (e) => errors.push(e));
    await session.refresh();
    await session.signIn();
    expect(errors).toEqual([{ code: "Salesforce", message: "OAuth denied" }]);
    expect(els.signIn.disabled).toBe(false);
    expect(els.signIn.textContent).toBe(SIGN_IN_LABEL());
    expect(els.status.textContent).toBe("Not signed in");
  });

  it("signs out", async () => {
    const backend = mockBackend();
    const session = new SessionController(els, backend, (e) => errors.push(e));
    await session.refresh();
    expect(session.signedIn).toBe(true);
    els.signOut.click();
    await flush();
    expect(backend.signOut).toHaveBeenCalledTimes(1);
    expect(els.status.textContent).toBe("Not signed in");
    expect(els.signIn.hidden).toBe(false);
    expect(els.signOut.hidden).toBe(true);
  });

  it("reports a failing status check as not signed in", async () => {
    const backend = mockBackend();
    backend.sessionStatus.mockRejectedValue(new Error("keychain locked"));
    const onError = vi.fn();
    const session = new SessionController(els, backend, onError);
    await session.refresh();
    expect(onError).toHaveBeenCalledWith({ code: "Internal", message: "keychain locked" });
    expect(els.status.textContent).toBe("Not signed in");
    expect(els.signIn.hidden).toBe(false);
  });

  it("reports each settled status to onChange", async () => {
    const backend = mockBackend();
    backend.sessionStatus.mockResolvedValue(signedOut);
    const onChange = vi.fn();
    const session = new SessionController(els, backend, (e) => errors.push(e), onChange);
    expect(onChange).not.toHaveBeenCalled();
    await session.refresh();
    expect(onChange).toHaveBeenLastCalledWith(signedOut);
    await session.signIn();
    expect(onChange).toHaveBeenLastCalledWith(signedIn);
    expect(onChange).toHaveBeenCalledTimes(2);
  });
});
