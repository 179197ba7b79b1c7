// The process modeler: bpmn-js with a properties panel trimmed to what PetitionFlow reads (in
// Chinese), and "save" deploying a new version through the workbench (the server validates
// everything). Saving with nothing changed since the diagram was loaded or last deployed deploys
// nothing: the command stack says whether anything changed.
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
const modelLink = document.getElementById("model-link");
const versionLabel = document.getElementById("model-version");

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

// Every edit (canvas or panel) is a command; undo and redo move along the stack. The diagram
// differs from the deployed version exactly when the stack position differs from the one it had
// when the version was loaded or deployed: the index and the command there (after an undo, new
// edits replace the commands above the index, so the index alone could come back to the same
// number). bpmn-js has no public dirty flag; Camunda Modeler reads the same index.
const commandStack = modeler.get("commandStack");
function stackPosition() {
  const index = commandStack._stackIdx;
  return { index, command: commandStack._stack[index] };
}
function unchangedSince(position) {
  const now = stackPosition();
  return position !== null && now.index === position.index && now.command === position.command;
}
let deployedPosition = null; // null until the diagram is loaded
let currentVersion = Number(container.dataset.version);

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
  deployedPosition = stackPosition();
  saveButton.disabled = false;
  container.dataset.ready = "true";
}

// The page now edits `version` (a new one, or the existing one the server found identical): the
// header, the address (so a reload opens it) and the source to reload follow.
function showVersion(body) {
  currentVersion = body.version;
  versionLabel.textContent = `v${body.version}`;
  modelLink.href = body.url;
  container.dataset.version = String(body.version);
  container.dataset.xmlUrl = body.source_url;
  window.history.replaceState(null, "", body.edit_url);
}

async function save() {
  if (unchangedSince(deployedPosition)) {
    report("", `未作修改：与 v${currentVersion} 相同，无需部署。`, []);
    return;
  }
  saveButton.disabled = true;
  report("", "正在校验并部署……");
  try {
    const position = stackPosition(); // edits made while the request runs stay unsaved
    const { xml } = await modeler.saveXML({ format: true });
    const response = await fetch(container.dataset.deployUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": container.dataset.csrf },
      body: JSON.stringify({ xml, filename: container.dataset.filename }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 201 || response.status === 200) {
      deployedPosition = position;
      showVersion(body);
      const what = body.created
        ? `已部署为新版本 v${body.version}`
        : `内容与已部署的 v${body.version} 相同，未部署新版本`;
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
