// Filter the plan page by agency, role and words. The page reads whole without it: the form
// stays hidden and every item shows. An item matches when it cites the agency (in the role);
// items above a match stay visible, dimmed, as its context. The count is of matching items.
(function () {
  "use strict";
  var form = document.getElementById("filter");
  if (!form) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll(".item"));
  var count = document.getElementById("filter-count");

  function own(item) {
    var part = item.querySelector(".own");
    return part ? part.textContent : "";
  }

  function matches(item, agency, role, words) {
    if (!item.hasAttribute("data-counted")) { return false; }
    var tokens = (item.getAttribute("data-assign") || "").split(" ");
    var cited = tokens.some(function (token) {
      var parts = token.split(":");
      return (!agency || parts[0] === agency) && (!role || parts[1] === role);
    });
    if ((agency || role) && !cited) { return false; }
    return !words || own(item).indexOf(words) >= 0;
  }

  function apply() {
    var agency = form.elements.agency.value;
    var role = form.elements.role.value;
    var words = form.elements.q.value.trim();
    var all = !agency && !role && !words;
    var kept = new Set();
    var shown = 0;
    for (var i = items.length - 1; i >= 0; i--) {
      var item = items[i];
      var hit = all ? item.hasAttribute("data-counted") : matches(item, agency, role, words);
      var visible = all || hit || kept.has(item);
      item.hidden = !visible;
      item.classList.toggle("context", visible && !hit && !all);
      item.toggleAttribute("data-match", hit);
      if (hit) { shown += 1; }
      if (visible && item.parentElement) {
        var parent = item.parentElement.closest(".item");
        if (parent) { kept.add(parent); }
      }
    }
    count.value = "显示 " + shown + " 项";
    count.setAttribute("data-count", String(shown));
  }

  var params = new URLSearchParams(window.location.search);
  ["agency", "role", "q"].forEach(function (name) {
    if (params.has(name)) { form.elements[name].value = params.get(name); }
  });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
}());
