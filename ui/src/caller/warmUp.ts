/**
 * The first caller card of a day would wait on fonts: WebKitGTK looks each font up (in
 * fontconfig) the first time the page lays out text in that family, size and weight,
 * and a card uses several the start screen does not. Laying a sample card out once,
 * out of sight, right after the start loads them while no call is waiting.
 */
import type { LookupResult } from "../ipc/bindings/LookupResult";
import { CallerPanel } from "./callerPanel";

/** A card with every part a real one can have: matches of each type, chips, tables. */
const SAMPLE: LookupResult = {
  number: "+15555550100",
  source: "salesforce",
  fetchedAt: "2026-01-01T00:00:00Z",
  relatedLoaded: true,
  matches: [
    {
      type: "Contact",
      id: "003000000000000AAA",
      name: "Sample Caller",
      nameWithheld: false,
      title: "Title",
      company: "Company",
      accountId: "001000000000000AAA",
      phone: "(555) 555-0100",
      status: null,
      rating: null,
      leadSource: null,
      owner: "Owner",
      email: "caller@example.com",
      opportunities: [
        { id: "006000000000000AAA", name: "Opportunity", stage: "Stage", amount: 1000, closeDate: "2026-01-31", probability: 10 },
      ],
      cases: [{ id: "500000000000000AAA", caseNumber: "00000001", subject: "Subject", status: "New", priority: "High" }],
      activities: [{ id: "00T000000000000AAA", subject: "Call", date: "2026-01-01", status: "Completed", callType: "Inbound" }],
    },
    {
      type: "Lead",
      id: "00Q000000000000AAA",
      name: "Sample Lead",
      nameWithheld: false,
      title: null,
      company: "Company",
      accountId: null,
      phone: "(555) 555-0100",
      status: "Open - Not Contacted",
      rating: "Hot",
      leadSource: "Web",
      owner: "Owner",
      opportunities: [],
      cases: [],
      activities: [],
    },
  ],
};

/** Lays the sample card out in `host`'s document and takes it away again, at once. */
export function warmUpCallerCard(host: HTMLElement = document.body): void {
  const doc = host.ownerDocument;
  const stage = doc.createElement("div");
  stage.setAttribute("aria-hidden", "true");
  stage.style.cssText = "position:absolute;left:-10000px;top:0;width:400px;visibility:hidden";
  const root = doc.createElement("section");
  root.className = "card caller";
  stage.append(root);
  host.append(stage);
  const panel = new CallerPanel(root, () => {}, { every: () => () => {} });
  try {
    panel.show(SAMPLE);
    // Layout measures the text, and so loads its fonts; nothing is painted out here.
    root.getBoundingClientRect();
  } finally {
    panel.dispose();
    stage.remove();
  }
}
