import { describe, expect, it } from "vitest";
import { setLanguage } from "../i18n";
import { industryPanel, industryPanels } from "./industryPanels";

describe("industry panels", () => {
  it("show each record's fields with their labels, an empty value as a dash", () => {
    setLanguage("en");
    const section = industryPanel({
      object: "Investment_Profile__c",
      title: "Investment Profile",
      records: [
        {
          id: "a01000000000001AAA",
          fields: [
            { field: "Risk_Tolerance__c", label: "Risk", value: "Balanced" },
            { field: "Last_Review__c", label: "Last Review", value: null },
          ],
        },
      ],
      problem: null,
    });
    expect(section.id).toBe("panel-investment-profile-c");
    expect(section.querySelector("h3")!.textContent).toBe("Investment Profile");
    const fields = [...section.querySelectorAll(".industry-panel-field")].map((f) => [
      f.querySelector("dt")!.textContent,
      f.querySelector("dd")!.textContent,
    ]);
    expect(fields).toEqual([
      ["Risk", "Balanced"],
      ["Last Review", "—"],
    ]);
  });

  it("say why a panel cannot be shown, and when there is nothing", () => {
    setLanguage("en");
    const broken = industryPanel({
      object: "Patient_Record__c",
      title: "Patient_Record__c",
      records: [],
      problem: "The org has no object Patient_Record__c you may read.",
    });
    expect(broken.querySelector(".industry-panel-problem")!.textContent).toBe(
      "This panel cannot be shown: The org has no object Patient_Record__c you may read.",
    );
    const empty = industryPanel({ object: "X__c", title: "X", records: [], problem: null });
    expect(empty.textContent).toContain("Nothing on record.");
  });

  it("are none for a match without panels", () => {
    expect(industryPanels({ panels: undefined } as never)).toEqual([]);
  });
});
