// Portal: a 复制 (copy) button beside the tracking code shown once after a submission. Progressive:
// without this script (or without a clipboard) the page still shows the code and the note to
// write it down; the button only appears when it can work.
const LABELS = {
  zh: { copy: "复制查询码", copied: "已复制，请粘贴到备忘录等处保存", failed: "复制失败，请手动抄写查询码" },
  en: { copy: "Copy the code", copied: "Copied: paste it somewhere safe", failed: "Could not copy: please write the code down" },
};

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function addCopyButton(code) {
  if (!navigator.clipboard || !window.isSecureContext) return;
  const text = (document.documentElement.lang || "").startsWith("en") ? LABELS.en : LABELS.zh;
  const wrapper = document.createElement("p");
  wrapper.className = "copy-code";
  const button = document.createElement("button");
  button.type = "button";
  button.id = "copy-code";
  button.textContent = text.copy;
  const status = document.createElement("span");
  status.id = "copy-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  wrapper.append(button, " ", status);
  code.insertAdjacentElement("afterend", wrapper);
  button.addEventListener("click", async () => {
    selectText(code); // the code stays selected, so a failed copy can still be copied by hand
    try {
      await navigator.clipboard.writeText(code.textContent.trim());
      status.textContent = text.copied;
    } catch (error) {
      status.textContent = text.failed;
    }
  });
}

const code = document.getElementById("tracking-code");
if (code) addCopyButton(code);
