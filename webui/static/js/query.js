// The query console and builder; both work without this script.
//
// - Submitting shows "Running…" at once (the page waits for the server's answer).
// - Builder: choosing a subject or target type disables the relations the ontology does not allow
//   between them, and the qualifier list keeps only the chosen relation's qualifiers.
(function () {
  "use strict";

  function setUpRunning(form) {
    var status = form.querySelector(".query-status");
    var button = form.querySelector('button[type="submit"]');
    form.addEventListener("submit", function () {
      if (status) {
        status.textContent = form.getAttribute("data-running") || "…";
      }
      if (button) {
        // after this event the browser submits; disabling now only stops a second click
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
      form.classList.add("running");
      var results = document.getElementById("query-results");
      if (results) {
        results.setAttribute("aria-busy", "true");
        results.classList.add("stale");
      }
    });
    // back/forward cache: the page comes back as it was left, "running" included
    window.addEventListener("pageshow", function () {
      if (status) {
        status.textContent = "";
      }
      if (button) {
        button.disabled = false;
      }
      form.classList.remove("running");
      var results = document.getElementById("query-results");
      if (results) {
        results.removeAttribute("aria-busy");
        results.classList.remove("stale");
      }
    });
  }

  function words(option, name) {
    return (option.getAttribute(name) || "").split(" ").filter(Boolean);
  }

  function setUpBuilder(form) {
    var subject = form.elements.namedItem("subject");
    var relation = form.elements.namedItem("relation");
    var target = form.elements.namedItem("target");
    var qualifier = form.elements.namedItem("qualifier");
    if (!subject || !relation || !target) {
      return;
    }
    function update() {
      Array.prototype.forEach.call(relation.options, function (option) {
        if (!option.value) {
          return;
        }
        var allowed = (!subject.value || words(option, "data-subjects").indexOf(subject.value) >= 0) &&
          (!target.value || words(option, "data-targets").indexOf(target.value) >= 0);
        option.disabled = !allowed;
        if (!allowed && option.selected) {
          relation.value = "";
        }
      });
      if (qualifier) {
        var chosen = relation.options[relation.selectedIndex];
        var names = chosen && chosen.value ? words(chosen, "data-qualifiers") : null;
        Array.prototype.forEach.call(qualifier.options, function (option) {
          var allowed = !option.value || names === null || names.indexOf(option.value) >= 0;
          option.disabled = !allowed;
          if (!allowed && option.selected) {
            qualifier.value = "";
          }
        });
      }
    }
    subject.addEventListener("change", update);
    target.addEventListener("change", update);
    relation.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("form.query-form").forEach(setUpRunning);
  document.querySelectorAll("form.builder-form").forEach(setUpBuilder);
})();
