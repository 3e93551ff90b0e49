/**
 * The administrator's industry panels under the caller card: records of a custom object
 * related to the caller (an investment profile, a patient record, a property listing),
 * each field with its label, or the panel's problem (an object or field the org lacks or
 * the user may not read) in words.
 */
import { t } from "../i18n";
import type { CallerMatch } from "../ipc/bindings/CallerMatch";
import type { Panel } from "../ipc/bindings/Panel";
import { el } from "../ui/dom";

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

export function industryPanel(panel: Panel): HTMLElement {
  const id = `panel-${slug(panel.object)}`;
  const heading = el("h3", { id: `${id}-heading`, text: panel.title });
  const section = el(
    "section",
    { id, className: "related industry-panel", data: { object: panel.object }, attrs: { "aria-labelledby": `${id}-heading` } },
    heading,
  );
  if (panel.problem !== null) {
    section.append(el("p", { className: "industry-panel-problem", text: t("panels.problem", { problem: panel.problem }) }));
    return section;
  }
  if (panel.records.length === 0) {
    section.append(el("p", { className: "empty-state small", text: t("panels.none") }));
    return section;
  }
  for (const record of panel.records) {
    section.append(
      el(
        "dl",
        { className: "industry-panel-record", data: { id: record.id } },
        ...record.fields.map((field) =>
          el(
            "div",
            { className: "industry-panel-field", data: { field: field.field } },
            el("dt", { text: field.label }),
            el("dd", { text: field.value ?? "—" }),
          ),
        ),
      ),
    );
  }
  return section;
}

/** Every panel of a match (none when the administrator declared none). */
export function industryPanels(match: CallerMatch): HTMLElement[] {
  return (match.panels ?? []).map(industryPanel);
}
