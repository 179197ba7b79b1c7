// Trims the Camunda properties panel to what PetitionFlow reads from a diagram: the form key,
// the candidate group and due-date rule of a user task, timers, conditions, scripts and the
// element properties (status, document). Everything else the engine ignores, so it is hidden.
import { ZH_CN } from "./translations-zh.js";

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
  constructor(propertiesPanel, translate) {
    // Lower priority than the Camunda provider (500), so this runs after it has added its groups.
    propertiesPanel.registerProvider(100, this);
    this._translate = translate;
  }

  getGroups() {
    // The panel's own group components (section toggles, the list's "Create" button, item counts)
    // translate only with a `translate` in the group's props, which the providers leave out.
    const translate = this._translate;
    return (groups) =>
      groups
        .filter((group) => KEEP_GROUPS.has(group.id))
        .map((group) => {
          const label = KEEP_GROUPS.get(group.id);
          if (group.id === "CamundaPlatform__UserAssignment") {
            const entries = group.entries.filter((entry) => KEEP_ASSIGNMENT.has(entry.id));
            return { ...group, label, translate, entries };
          }
          return { ...group, label, translate };
        });
  }
}
PetitionFlowPanelFilter.$inject = ["propertiesPanel", "translate"];

export const PetitionFlowPanelModule = {
  __init__: ["petitionFlowPanelFilter"],
  petitionFlowPanelFilter: ["type", PetitionFlowPanelFilter],
};

// The labels PetitionFlow words its own way (what the engine reads there), over the general
// Chinese of translations-zh.js; bpmn-js and the panel ask the `translate` service for every string.
const LABELS = {
  Name: "名称",
  ID: "编号",
  "Candidate groups": "候选组（角色@部门，可用 ${…}）",
  "Due date": "到期时间（${deadline('规则', 起算时间)}）",
  "The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).":
    "由日历规则计算，例如 ${deadline('D5', accepted_at)}；服务器在部署时校验表达式。",
  Type: "类型",
  "Form key": "表单键（forms/<key>.json）",
  "Element documentation": "元素说明",
  "Process documentation": "流程说明",
  Timer: "定时",
  "Type ": "类型",
  Value: "值",
  "Condition expression": "条件表达式",
  "Create task": "创建任务",
  "Version tag": "版本标签",
  Executable: "可执行",
};

const TRANSLATIONS = { ...ZH_CN, ...LABELS };

// The standard bpmn-js override of the `translate` service: Chinese where known, else the English
// template; `{name}` placeholders are filled from `replacements` either way.
export function translate(template, replacements) {
  const text = Object.prototype.hasOwnProperty.call(TRANSLATIONS, template) ? TRANSLATIONS[template] : template;
  return text.replace(/{([^}]+)}/g, (match, key) => (replacements && key in replacements ? replacements[key] : match));
}

export const PetitionFlowTranslateModule = { translate: ["value", translate] };
