/** Header session state: status line and the sign-in / sign-out buttons. */
import type { Backend } from "../ipc/backend";
import { toIpcError } from "../ipc/backend";
import type { IpcError } from "../ipc/bindings/IpcError";
import type { SessionStatus } from "../ipc/bindings/SessionStatus";
import { urlHost } from "../ui/format";
import { t } from "../i18n";

export const SIGN_IN_LABEL = (): string => t("session.signIn");
export const SIGNING_IN_LABEL = (): string => t("session.signingIn");

export function sessionLabel(status: SessionStatus | null): string {
  if (!status?.signedIn) return t("session.notSignedIn");
  const who = status.userName || status.username || t("session.someUser");
  return status.instanceUrl
    ? t("session.signedInAt", { who, host: urlHost(status.instanceUrl) })
    : t("session.signedIn", { who });
}

export interface SessionElements {
  status: HTMLElement;
  signIn: HTMLButtonElement;
  signOut: HTMLButtonElement;
}

type Busy = "checking" | "signing-in" | "signing-out";

export class SessionController {
  private current: SessionStatus | null = null;
  private busy: Busy | null = null;

  constructor(
    private readonly els: SessionElements,
    private readonly backend: Backend,
    private readonly onError: (error: IpcError) => void,
    /** Called after each check, sign-in or sign-out, with the status then known. */
    private readonly onChange: (status: SessionStatus | null) => void = () => {},
    /** How the sign-in button signs in (the sign-in view's chosen org); default: the current org. */
    private readonly signInAction: () => Promise<SessionStatus> = () => backend.signIn(),
  ) {
    els.signIn.addEventListener("click", () => void this.signIn());
    els.signOut.addEventListener("click", () => void this.signOut());
    this.render();
  }

  get status(): SessionStatus | null {
    return this.current;
  }

  get signedIn(): boolean {
    return this.current?.signedIn === true;
  }

  /** Re-reads the session from the core. */
  async refresh(): Promise<void> {
    if (this.busy) return;
    await this.run("checking", () => this.backend.sessionStatus());
  }

  async signIn(): Promise<void> {
    if (this.busy) return;
    await this.run("signing-in", this.signInAction);
  }

  /** Switches to a saved org connection. */
  async useOrg(alias: string): Promise<void> {
    if (this.busy) return;
    await this.run("signing-in", () => this.backend.useOrg(alias));
  }

  async signOut(): Promise<void> {
    if (this.busy) return;
    await this.run("signing-out", () => this.backend.signOut());
  }

  private async run(state: Busy, action: () => Promise<SessionStatus>): Promise<void> {
    this.busy = state;
    this.render();
    try {
      this.current = await action();
    } catch (error) {
      this.onError(toIpcError(error));
    } finally {
      this.busy = null;
      this.render();
    }
    this.onChange(this.current);
  }

  private render(): void {
    const { status, signIn, signOut } = this.els;
    const checking = this.busy === "checking" && this.current === null;
    status.textContent = checking ? t("session.checking") : sessionLabel(this.current);
    status.classList.toggle("signed-in", this.signedIn);
    const s = this.current;
    status.title = s?.signedIn ? [s.username, s.orgId && t("session.org", { id: s.orgId })].filter(Boolean).join(" · ") : "";

    signIn.hidden = checking || this.signedIn;
    signIn.disabled = this.busy !== null;
    signIn.textContent = this.busy === "signing-in" ? SIGNING_IN_LABEL() : SIGN_IN_LABEL();
    signIn.classList.toggle("busy", this.busy === "signing-in");
    signIn.setAttribute("aria-busy", String(this.busy === "signing-in"));

    signOut.hidden = checking || !this.signedIn;
    signOut.disabled = this.busy !== null;
  }
}
