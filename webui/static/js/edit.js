// Enhancements of the edit forms; every one of them also works without this script.
//
// - Preview: the "Preview" button fetches the sanitised HTML from data-preview-url (POST, CSRF
//   token from <meta name="csrf-token"> as X-CSRFToken) and shows it without a reload.
// - Create: entities with a similar label are suggested while the label is typed.
// - Statements: the relation chosen limits the target picker's types and shows only its qualifiers.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, ms);
    };
  }

  // -- Markdown preview -------------------------------------------------------------------------

  function setUpPreview(form) {
    var button = form.querySelector('[name="preview"]');
    var body = form.elements.namedItem("body");
    var panel = document.getElementById("preview-panel");
    var target = panel ? panel.querySelector(".preview-body") : null;
    if (!button || !body || !target) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var data = new FormData();
      data.append("body", body.value);
      panel.hidden = false;
      panel.setAttribute("aria-busy", "true");
      fetch(form.getAttribute("data-preview-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" }
      })
        .then(function (response) {
          return response.json().then(function (json) { return { ok: response.ok, json: json }; });
        })
        .then(function (result) {
          if (result.ok) {
            target.innerHTML = result.json.html; // sanitised by the server (nh3), as on the entity page
          } else {
            target.textContent = result.json.message || "";
          }
          panel.removeAttribute("aria-busy");
        })
        .catch(function () {
          // no answer: the preview without script, by sending the form
          panel.removeAttribute("aria-busy");
          if (form.requestSubmit) {
            form.requestSubmit(button);
          }
        });
    });
  }

  // -- similar labels while creating ----------------------------------------------------------------

  function setUpSimilar(form) {
    var url = form.getAttribute("data-similar-url");
    var box = document.getElementById("live-similar");
    if (!url || !box) {
      return;
    }
    var lang = (document.documentElement.lang || "de").slice(0, 2);
    var other = lang === "de" ? "en" : "de";
    var inputs = ["label_de", "label_en"].map(function (n) { return form.elements.namedItem(n); });
    var sequence = 0;

    function render(items) {
      while (box.firstChild) {
        box.removeChild(box.firstChild);
      }
      if (!items.length) {
        return;
      }
      var heading = document.createElement("p");
      heading.textContent = box.getAttribute("data-heading");
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = "/entity/" + encodeURIComponent(item.id);
        a.textContent = (item.labels && (item.labels[lang] || item.labels[other])) || item.id;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" (" + item.type + ")"));
        list.appendChild(li);
      });
      box.appendChild(heading);
      box.appendChild(list);
    }

    var lookUp = debounce(function () {
      var seen = {};
      var found = [];
      var queries = inputs.filter(function (i) { return i && i.value.trim(); }).map(function (i) { return i.value.trim(); });
      var mine = ++sequence;
      if (!queries.length) {
        render([]);
        return;
      }
      Promise.all(queries.map(function (q) {
        var params = new URLSearchParams({ q: q.slice(0, 200), limit: "5" });
        return fetch(url + "?" + params.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .catch(function () { return { items: [] }; });
      })).then(function (answers) {
        if (mine !== sequence) {
          return;
        }
        answers.forEach(function (answer) {
          (answer.items || []).forEach(function (item) {
            if (!seen[item.id]) {
              seen[item.id] = true;
              found.push(item);
            }
          });
        });
        render(found.slice(0, 8));
      });
    }, 350);

    inputs.forEach(function (input) {
      if (input) {
        input.addEventListener("input", lookUp);
      }
    });
  }

  // -- statements: relation → target types and qualifiers ------------------------------------------------

  function setUpRelation(form) {
    var select = form.elements.namedItem("relation");
    var target = form.elements.namedItem("target");
    if (!select || !target) {
      return;
    }
    var allTypes = target.getAttribute("data-types") || "";
    var qualifiers = form.querySelectorAll(".qualifier-fields [data-relations]");

    function apply() {
      var option = select.options[select.selectedIndex];
      var relation = select.value;
      target.setAttribute("data-types", (option && option.getAttribute("data-targets")) || allTypes);
      Array.prototype.forEach.call(qualifiers, function (control) {
        var applies = !relation || control.getAttribute("data-relations").split(" ").indexOf(relation) >= 0;
        var field = control.closest(".field");
        if (field) {
          field.hidden = !applies;
          // what does not apply is not sent (its hidden id input neither)
          Array.prototype.forEach.call(field.querySelectorAll("input, select, textarea"), function (el) {
            el.disabled = !applies;
          });
        }
      });
    }

    select.addEventListener("change", apply);
    apply();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form.entity-form"), function (form) {
      setUpPreview(form);
      setUpSimilar(form);
    });
    Array.prototype.forEach.call(document.querySelectorAll("form.statement-form"), setUpRelation);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
