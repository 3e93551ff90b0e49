/**
 * The sign-in view, shown while signed out: which org to sign in to (production,
 * sandbox, a custom My Domain, or the demo org), an optional name to save it under,
 * and the saved org connections to switch to. The shell checks the address and runs
 * the browser sign-in; the header then shows the signed-in user and org.
 */
import type { Backend } from "../ipc/backend";
import type { OrgChoice } from "../ipc/bindings/OrgChoice";
import type { OrgConnection } from "../ipc/bindings/OrgConnection";
import type { OrgKind } from "../ipc/bindings/OrgKind";
import type { OrgOptions } from "../ipc/bindings/OrgOptions";
import type { SessionStatus } from "../ipc/bindings/SessionStatus";
import { clear, el } from "../ui/dom";
import { urlHost } from "../ui/format";
import type { Key } from "../i18n";
import { t } from "../i18n";

export const ORG_KINDS: readonly OrgKind[] = ["production", "sandbox", "custom", "demo"];

const KIND_LABELS: Record<OrgKind, Key> = {
  production: "signIn.production",
  sandbox: "signIn.sandbox",
  custom: "signIn.custom",
  demo: "signIn.demo",
};

/** The kind of org a login URL is, as the view preselects it. */
export function kindOf(loginUrl: string, options: OrgOptions): OrgKind {
  const url = loginUrl.replace(/\/+$/, "");
  if (url === options.productionUrl) return "production";
  if (url === options.sandboxUrl) return "sandbox";
  if (url === options.demoUrl) return "demo";
  return "custom";
}

export class SignInView {
  readonly root: HTMLElement;
  readonly form: HTMLFormElement;
  readonly urlInput: HTMLInputElement;
  readonly aliasInput: HTMLInputElement;
  private readonly urlField: HTMLElement;
  private readonly kindsField: HTMLFieldSetElement;
  /** Says which org the administrator's policy locks, in place of the choice. */
  readonly lockedNote: HTMLElement;
  private readonly radios = new Map<OrgKind, HTMLInputElement>();
  private readonly hints = new Map<OrgKind, HTMLElement>();
  private readonly savedSection: HTMLElement;
  private readonly savedList: HTMLElement;
  private options: OrgOptions | null = null;
  private loadSeq = 0;
  /** The rep changed the form since it was last loaded: a late load leaves it alone. */
  private touched = false;

  constructor(
    /** The submit button (the session's sign-in button). */
    signInButton: HTMLButtonElement,
    private readonly backend: Backend,
    /** Switches to a saved connection (through the session). */
    private readonly useOrg: (alias: string) => void,
  ) {
    this.urlInput = el("input", {
      id: "org-url",
      className: "input",
      attrs: {
        type: "url",
        name: "org-url",
        inputmode: "url",
        autocomplete: "url",
        spellcheck: "false",
        placeholder: t("signIn.urlPlaceholder"),
      },
    });
    this.aliasInput = el("input", {
      id: "org-alias",
      className: "input",
      attrs: { type: "text", name: "org-alias", maxlength: "64", autocomplete: "off", spellcheck: "false" },
    });
    const kinds = el("fieldset", { id: "org-kinds", className: "org-kinds" }, el("legend", { text: t("signIn.org") }));
    for (const kind of ORG_KINDS) {
      const radio = el("input", {
        id: `org-kind-${kind}`,
        attrs: { type: "radio", name: "org-kind", value: kind },
      });
      radio.addEventListener("change", () => {
        this.touched = true;
        this.render();
      });
      const hint = el("span", { className: "org-kind-hint" });
      this.radios.set(kind, radio);
      this.hints.set(kind, hint);
      kinds.append(
        el(
          "label",
          { className: "org-kind", attrs: { for: radio.id } },
          radio,
          el("span", { className: "org-kind-name", text: t(KIND_LABELS[kind]) }),
          hint,
        ),
      );
    }
    this.kindsField = kinds;
    this.lockedNote = el("p", { id: "org-locked", className: "org-locked", attrs: { hidden: "" } });
    this.urlField = el(
      "div",
      { className: "field" },
      el("label", { text: t("signIn.urlLabel"), attrs: { for: "org-url" } }),
      this.urlInput,
    );
    signInButton.type = "submit";
    this.form = el(
      "form",
      { id: "signin-form", className: "signin-form", attrs: { "aria-labelledby": "signin-heading", novalidate: "" } },
      kinds,
      this.lockedNote,
      this.urlField,
      el(
        "div",
        { className: "field" },
        el(
          "label",
          { attrs: { for: "org-alias" } },
          `${t("signIn.saveAs")} `,
          el("span", { className: "optional", text: t("layout.optional") }),
        ),
        this.aliasInput,
      ),
      el("div", { className: "form-footer" }, signInButton),
    );
    this.form.addEventListener("input", () => {
      this.touched = true;
    });
    // Enter in a field clicks the submit button, whose click signs in.
    this.form.addEventListener("submit", (event) => event.preventDefault());
    this.savedList = el("ul", { id: "saved-orgs", className: "saved-orgs" });
    this.savedSection = el(
      "div",
      { className: "saved-orgs-block" },
      el("h3", { className: "section-title", text: t("signIn.saved") }),
      this.savedList,
    );
    this.savedList.addEventListener("click", (event) => {
      const target = event.target instanceof Element ? event.target.closest<HTMLElement>(".use-org") : null;
      if (target?.dataset.alias) this.useOrg(target.dataset.alias);
    });
    this.root = el(
      "section",
      { id: "signin-view", className: "card signin" },
      el("h2", { id: "signin-heading", className: "section-title", text: t("session.signIn") }),
      this.form,
      this.savedSection,
    );
    this.select("production");
  }

  /** Reads the saved connections and preselects the current org. */
  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    let options: OrgOptions;
    try {
      options = await this.backend.orgOptions();
    } catch {
      // Without them the view still signs in; the choice stays as it is.
      return;
    }
    if (seq !== this.loadSeq) return;
    this.options = options;
    const locked = options.lockedLoginUrl;
    this.kindsField.hidden = locked !== null;
    this.lockedNote.hidden = locked === null;
    this.lockedNote.textContent = locked === null ? "" : t("signIn.locked", { host: urlHost(locked) });
    if (locked !== null) {
      // The only org: the form keeps its name field and the sign-in button.
      const kind = kindOf(locked, options);
      this.select(kind);
      this.urlInput.value = kind === "custom" ? locked : "";
    } else if (!this.touched) {
      const kind = kindOf(options.currentLoginUrl, options);
      this.select(kind);
      if (kind === "custom") this.urlInput.value = options.currentLoginUrl;
      this.aliasInput.value = options.currentAlias ?? "";
    }
    this.render();
    this.renderSaved(options.saved);
    this.root.dataset.loaded = "true";
  }

  /** Back to the org in use at the next load (after signing in or out). */
  reset(): void {
    this.touched = false;
    delete this.root.dataset.loaded;
  }

  get kind(): OrgKind {
    for (const [kind, radio] of this.radios) if (radio.checked) return kind;
    return "production";
  }

  select(kind: OrgKind): void {
    for (const [k, radio] of this.radios) radio.checked = k === kind;
    this.render();
  }

  /** The org chosen in the form. */
  choice(): OrgChoice {
    const kind = this.kind;
    const alias = this.aliasInput.value.trim();
    return {
      kind,
      url: kind === "custom" ? this.urlInput.value.trim() : null,
      alias: alias === "" ? null : alias,
    };
  }

  /** Signs in to the chosen org (the session's sign-in action). */
  signIn(): Promise<SessionStatus> {
    return this.backend.signInTo(this.choice());
  }

  private render(): void {
    const kind = this.kind;
    this.urlField.hidden = kind !== "custom" || !!this.options?.lockedLoginUrl;
    this.urlInput.required = kind === "custom";
    const o = this.options;
    this.hints.get("production")!.textContent = urlHost(o?.productionUrl ?? "https://login.salesforce.com");
    this.hints.get("sandbox")!.textContent = urlHost(o?.sandboxUrl ?? "https://test.salesforce.com");
    this.hints.get("custom")!.textContent = t("signIn.myDomain");
    this.hints.get("demo")!.textContent = urlHost(o?.demoUrl ?? "http://127.0.0.1:7718");
    this.aliasInput.placeholder = kind === "custom" ? "acme" : kind;
  }

  private renderSaved(saved: OrgConnection[]): void {
    clear(this.savedList);
    this.savedSection.hidden = saved.length === 0;
    for (const org of saved) {
      this.savedList.append(
        el(
          "li",
          { className: "saved-org", data: { alias: org.alias } },
          el(
            "span",
            { className: "saved-org-body" },
            el("span", { className: "saved-org-alias", text: org.alias }),
            el("span", { className: "saved-org-host", text: urlHost(org.instanceUrl ?? org.loginUrl) }),
            org.signedIn && el("span", { className: "chip saved-org-state", text: t("signIn.signedIn") }),
          ),
          el("button", {
            className: "btn btn-sm use-org",
            text: t("signIn.use"),
            data: { alias: org.alias },
            attrs: { type: "button", "aria-label": t("signIn.useNamed", { alias: org.alias }) },
          }),
        ),
      );
    }
  }
}
