// Trims the Camunda properties panel to what PetitionFlow reads from a diagram: the form key,
// the candidate group and due-date rule of a user task, timers, conditions, scripts and the
// element properties (status, document). Everything else the engine ignores, so it is hidden.

const KEEP_GROUPS = new Map([
  ["general", "基本信息"],
  ["CamundaPlatform__Form", "表单（camunda:formKey）"],
  ["CamundaPlatform__UserAssignment", "办理组与时限"],
  ["timer", "定时规则"],
  ["CamundaPlatform__Condition", "条件"],
  ["conditionGroup", "条件"],
  ["CamundaPlatform__Script", "脚本"],
  ["multiInstance", "多实例"],
  ["CamundaPlatform__ExtensionProperties", "扩展属性（status / document）"],
  ["documentation", "说明"],
]);
const KEEP_ASSIGNMENT = new Set(["candidateGroups", "dueDate"]);

class PetitionFlowPanelFilter {
  constructor(propertiesPanel) {
    // Lower priority than the Camunda provider (500), so this runs after it has added its groups.
    propertiesPanel.registerProvider(100, this);
  }

  getGroups() {
    return (groups) =>
      groups
        .filter((group) => KEEP_GROUPS.has(group.id))
        .map((group) => {
          const label = KEEP_GROUPS.get(group.id);
          if (group.id === "CamundaPlatform__UserAssignment") {
            return { ...group, label, entries: group.entries.filter((entry) => KEEP_ASSIGNMENT.has(entry.id)) };
          }
          return { ...group, label };
        });
  }
}
PetitionFlowPanelFilter.$inject = ["propertiesPanel"];

export const PetitionFlowPanelModule = {
  __init__: ["petitionFlowPanelFilter"],
  petitionFlowPanelFilter: ["type", PetitionFlowPanelFilter],
};
