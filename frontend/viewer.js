// The read-only diagram: loads a version's BPMN and paints the path taken and the current step.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "./diagram.css";

function readList(container, name) {
  try {
    const value = JSON.parse(container.getAttribute(name) || "[]");
    return Array.isArray(value) ? value : [];
  } catch (error) {
    return [];
  }
}

function paint(viewer, ids, marker) {
  const registry = viewer.get("elementRegistry");
  const canvas = viewer.get("canvas");
  ids.forEach((id) => {
    if (registry.get(id)) canvas.addMarker(id, marker);
  });
}

// Sequence flows whose source and target were both passed count as taken.
function takenFlows(viewer, done) {
  const passed = new Set(done);
  return viewer
    .get("elementRegistry")
    .filter((element) => element.type === "bpmn:SequenceFlow")
    .filter((flow) => flow.source && flow.target && passed.has(flow.source.id) && passed.has(flow.target.id))
    .map((flow) => flow.id);
}

async function show(container) {
  const viewer = new NavigatedViewer({ container });
  try {
    const response = await fetch(container.dataset.xmlUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await viewer.importXML(await response.text());
    const done = readList(container, "data-completed");
    const active = readList(container, "data-active");
    paint(viewer, done.filter((id) => !active.includes(id)), "pf-done");
    paint(viewer, takenFlows(viewer, done.concat(active)), "pf-done");
    paint(viewer, active, "pf-active");
    paint(viewer, readList(container, "data-added"), "pf-added");
    paint(viewer, readList(container, "data-changed"), "pf-changed");
    viewer.get("canvas").zoom("fit-viewport", "auto");
    container.dataset.ready = "true";
  } catch (error) {
    container.textContent = `流程图加载失败：${error.message}`;
    container.classList.add("diagram-error");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".diagram[data-xml-url]").forEach(show);
});
