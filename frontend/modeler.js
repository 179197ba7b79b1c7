// The process modeler: bpmn-js with a properties panel trimmed to what PetitionFlow reads,
// and "save" deploying a new version through the workbench (the server validates everything).
import BpmnModeler from "bpmn-js/lib/Modeler";
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from "bpmn-js-properties-panel";
import CamundaBehaviorsModule from "camunda-bpmn-js-behaviors/lib/camunda-platform";
import camundaModdle from "camunda-bpmn-moddle/resources/camunda.json";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";
import { PetitionFlowPanelModule, PetitionFlowTranslateModule } from "./panel.js";

const container = document.getElementById("modeler");
const saveButton = document.getElementById("save");
const result = document.getElementById("save-result");

const modeler = new BpmnModeler({
  container: "#canvas",
  propertiesPanel: { parent: "#properties" },
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    CamundaPlatformPropertiesProviderModule,
    CamundaBehaviorsModule,
    PetitionFlowPanelModule,
    PetitionFlowTranslateModule,
  ],
  moddleExtensions: { camunda: camundaModdle },
});
window.petitionflowModeler = modeler; // lets the browser tests drive the canvas

function report(kind, title, items) {
  result.hidden = false;
  result.className = `save-result ${kind}`;
  result.replaceChildren();
  const heading = document.createElement("strong");
  heading.textContent = title;
  result.appendChild(heading);
  if (items && items.length) {
    const list = document.createElement("ul");
    items.forEach((text) => {
      const item = document.createElement("li");
      item.textContent = text; // server text is data, never markup
      list.appendChild(item);
    });
    result.appendChild(list);
  }
}

// Fit the whole diagram into the part of the canvas the palette does not cover (fit-viewport
// alone puts the pool's left edge and the start event under the palette).
function fitRightOfPalette(canvas) {
  const palette = container.querySelector(".djs-palette");
  const left = (palette ? palette.getBoundingClientRect().width : 60) + 24;
  const margin = 16;
  const { inner, outer } = canvas.viewbox();
  const scale = Math.min(
    (outer.width - left - margin) / inner.width,
    (outer.height - 2 * margin) / inner.height,
    1,
  );
  canvas.viewbox({
    x: inner.x - left / scale,
    y: inner.y - margin / scale,
    width: outer.width / scale,
    height: outer.height / scale,
  });
}

async function load() {
  const response = await fetch(container.dataset.xmlUrl, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  await modeler.importXML(await response.text());
  fitRightOfPalette(modeler.get("canvas"));
  saveButton.disabled = false;
  container.dataset.ready = "true";
}

async function save() {
  saveButton.disabled = true;
  report("", "正在校验并部署……");
  try {
    const { xml } = await modeler.saveXML({ format: true });
    const response = await fetch(container.dataset.deployUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": container.dataset.csrf },
      body: JSON.stringify({ xml, filename: container.dataset.filename }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 201 || response.status === 200) {
      const what = body.created ? `已部署为新版本 v${body.version}` : `内容未变化，仍为 v${body.version}`;
      report("ok", what, []);
      const link = document.createElement("a");
      link.href = body.url;
      link.textContent = "查看该版本";
      link.id = "deployed-link";
      result.appendChild(link);
    } else {
      const problems = (body.problems || []).map((p) => (p.element_id ? `${p.element_id}：${p.message}` : p.message));
      report("bad", `未能部署（HTTP ${response.status}），服务器给出的原因：`, problems.length ? problems : [body.detail || "未知错误"]);
    }
  } catch (error) {
    report("bad", `保存失败：${error.message}`, []);
  } finally {
    saveButton.disabled = false;
  }
}

saveButton.addEventListener("click", save);
load().catch((error) => report("bad", `流程图加载失败：${error.message}`, []));
