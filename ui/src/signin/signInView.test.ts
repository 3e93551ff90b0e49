import { afterEach, describe, expect, it } from "vitest";
import { flush, orgOptions, signedIn, signedOut } from "../test/fixtures";
import type { AppHarness } from "../test/appHarness";
import { $, startApp } from "../test/appHarness";
import { kindOf } from "./signInView";

const saved = [
  {
    alias: "acme",
    loginUrl: "https://acme.my.salesforce.com",
    active: false,
    signedIn: true,
    username: "zoe@acme.example",
    instanceUrl: "https://acme.my.salesforce.com",
  },
  {
    alias: "sandbox",
    loginUrl: "https://test.salesforce.com",
    active: true,
    signedIn: false,
    username: null,
    instanceUrl: null,
  },
];

describe("kindOf", () => {
  it("knows production, sandbox and the demo org by their addresses; anything else is a custom domain", () => {
    const options = orgOptions();
    expect(kindOf("https://login.salesforce.com/", options)).toBe("production");
    expect(kindOf("https://test.salesforce.com", options)).toBe("sandbox");
    expect(kindOf("http://127.0.0.1:7718", options)).toBe("demo");
    expect(kindOf("https://acme.my.salesforce.com", options)).toBe("custom");
  });
});

describe("the sign-in view", () => {
  let h: AppHarness;

  afterEach(() => h.app.dispose());

  const signedOutApp = (options = orgOptions()) =>
    startApp((backend) => {
      backend.sessionStatus.mockResolvedValue(signedOut);
      backend.orgOptions.mockResolvedValue(options);
    });

  it("shows while signed out with the current org chosen and the saved orgs, and hides once signed in", async () => {
    h = await signedOutApp(orgOptions({ currentLoginUrl: "https://acme.my.salesforce.com", currentAlias: "acme", saved }));
    await flush();
    expect($("#signin-view").hidden).toBe(false);
    expect($<HTMLInputElement>("#org-kind-custom").checked).toBe(true);
    expect($<HTMLInputElement>("#org-url").value).toBe("https://acme.my.salesforce.com");
    expect($("#org-url").closest<HTMLElement>(".field")!.hidden).toBe(false);
    expect($<HTMLInputElement>("#org-alias").value).toBe("acme");
    const rows = Array.from(document.querySelectorAll("#saved-orgs .saved-org"));
    expect(rows.map((r) => r.querySelector(".saved-org-alias")?.textContent)).toEqual(["acme", "sandbox"]);
    expect(rows[0]!.querySelector(".saved-org-state")?.textContent).toBe("Signed in");
    expect(rows[1]!.querySelector(".saved-org-state")).toBeNull();

    $("#signin-button").click();
    await flush();
    expect(h.backend.signInTo).toHaveBeenCalledWith({ kind: "custom", url: "https://acme.my.salesforce.com", alias: "acme" });
    expect(h.backend.signIn).not.toHaveBeenCalled();
    expect($("#signin-view").hidden).toBe(true);
    expect($("#session-status").textContent).toBe("Signed in as Zoë O'Brien · acme.my.salesforce.com");
  });

  it("signs in to production, a sandbox or the demo org without an address", async () => {
    h = await signedOutApp();
    await flush();
    expect($<HTMLInputElement>("#org-kind-production").checked).toBe(true);
    expect($("#org-url").closest<HTMLElement>(".field")!.hidden).toBe(true);
    const sandbox = $<HTMLInputElement>("#org-kind-sandbox");
    sandbox.checked = true;
    sandbox.dispatchEvent(new Event("change"));
    $<HTMLInputElement>("#org-alias").value = "  acme-uat ";
    $("#signin-button").click();
    await flush();
    expect(h.backend.signInTo).toHaveBeenLastCalledWith({ kind: "sandbox", url: null, alias: "acme-uat" });
  });

  it("shows the shell's message for an address it refuses and stays on the view", async () => {
    h = await signedOutApp();
    h.backend.signInTo.mockRejectedValue({
      code: "InvalidInput",
      message: "Salesforce is signed in to over https: use https://acme.my.salesforce.com.",
    });
    h.backend.sessionStatus.mockResolvedValue(signedOut);
    await flush();
    const custom = $<HTMLInputElement>("#org-kind-custom");
    custom.checked = true;
    custom.dispatchEvent(new Event("change"));
    expect($("#org-url").closest<HTMLElement>(".field")!.hidden).toBe(false);
    $<HTMLInputElement>("#org-url").value = "http://acme.my.salesforce.com";
    $("#signin-button").click();
    await flush();
    expect(h.backend.signInTo).toHaveBeenCalledWith({ kind: "custom", url: "http://acme.my.salesforce.com", alias: null });
    expect($("#error-banner").hidden).toBe(false);
    expect($("#error-message").textContent).toMatch(/over https/);
    expect($("#signin-view").hidden).toBe(false);
  });

  it("a late answer about the orgs leaves the rep's choice alone", async () => {
    let answer!: (options: ReturnType<typeof orgOptions>) => void;
    h = await startApp((backend) => {
      backend.sessionStatus.mockResolvedValue(signedOut);
      backend.orgOptions.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    });
    const custom = $<HTMLInputElement>("#org-kind-custom");
    custom.checked = true;
    custom.dispatchEvent(new Event("change"));
    answer(orgOptions({ currentLoginUrl: "https://test.salesforce.com", saved }));
    await flush();
    expect($<HTMLInputElement>("#org-kind-custom").checked).toBe(true);
    expect($("#signin-view").dataset.loaded).toBe("true");
    expect(document.querySelectorAll("#saved-orgs .saved-org")).toHaveLength(2);
  });

  it("offers only the org the administrator locks, and signs in there", async () => {
    h = await signedOutApp(
      orgOptions({
        currentLoginUrl: "https://acme.my.salesforce.com",
        lockedLoginUrl: "https://acme.my.salesforce.com",
        saved: [saved[0]!],
      }),
    );
    await flush();
    expect($("#org-locked").hidden).toBe(false);
    expect($("#org-locked").textContent).toBe("Your administrator set the org: acme.my.salesforce.com");
    expect($("#org-kinds").hidden).toBe(true);
    expect($("#org-url").closest<HTMLElement>(".field")!.hidden).toBe(true);
    $<HTMLInputElement>("#org-alias").value = "work";
    $("#signin-button").click();
    await flush();
    expect(h.backend.signInTo).toHaveBeenCalledWith({ kind: "custom", url: "https://acme.my.salesforce.com", alias: "work" });
  });

  it("without a locked org, the choice is offered and the note is not", async () => {
    h = await signedOutApp();
    await flush();
    expect($("#org-locked").hidden).toBe(true);
    expect($("#org-kinds").hidden).toBe(false);
  });

  it("switches to a saved org", async () => {
    h = await signedOutApp(orgOptions({ saved }));
    await flush();
    h.backend.useOrg.mockResolvedValue(signedIn);
    $('#saved-orgs .use-org[data-alias="acme"]').click();
    await flush();
    expect(h.backend.useOrg).toHaveBeenCalledWith("acme");
    expect($("#signin-view").hidden).toBe(true);
  });

  it("comes back after signing out", async () => {
    h = await startApp();
    await flush();
    expect($("#signin-view").hidden).toBe(true);
    $("#signout-button").click();
    await flush();
    expect($("#signin-view").hidden).toBe(false);
    expect(h.backend.orgOptions).toHaveBeenCalled();
  });
});
