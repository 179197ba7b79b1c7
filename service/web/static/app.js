// Small progressive enhancements for the workbench and the portal. Every page works without it.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.getAttribute("data-value") || cell.textContent.trim();
  }

  // Click a column header of a .sortable table to sort by it; click again to reverse.
  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th[data-sort]");
    headers.forEach(function (th, index) {
      th.tabIndex = 0;
      th.classList.add("sort-header");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var order = x.localeCompare(y, "zh-CN");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  // Filter forms submit as soon as a select changes.
  function autoSubmit(form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  }

  // Portal: choosing "anonymous" hides (and clears) the name and phone fields.
  function anonymousToggle(box) {
    var fields = document.getElementById("identity-fields");
    if (!fields) return;
    function apply() {
      fields.hidden = box.checked;
      if (box.checked) {
        fields.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      }
    }
    box.addEventListener("change", apply);
    apply();
  }

  // Task forms: a field marked x-show-if shows only while its controlling field has a listed value.
  function conditionalFields(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (field) {
      var name = field.getAttribute("data-show-if");
      var wanted = field.getAttribute("data-show-values").split(" ");
      var controls = form.querySelectorAll("[name='" + name + "']");
      function current() {
        var value = "";
        controls.forEach(function (control) {
          if (control.type === "radio" || control.type === "checkbox") {
            if (control.checked) value = control.value;
          } else {
            value = control.value;
          }
        });
        return value;
      }
      function apply() { field.hidden = wanted.indexOf(current()) < 0 && !field.classList.contains("has-error"); }
      controls.forEach(function (control) { control.addEventListener("change", apply); });
      apply();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.schema-form").forEach(conditionalFields);
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll("form.filters").forEach(autoSubmit);
    var anonymous = document.getElementById("anonymous");
    if (anonymous) anonymousToggle(anonymous);
  });
})();
