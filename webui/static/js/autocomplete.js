// accessible autocomplete for [data-autocomplete] inputs (header search, target pickers)
//
// Any <input data-autocomplete="URL"> becomes an ARIA 1.2 combobox with a listbox of suggestions
// from URL?q=…&limit=10 (plus &type=… for each name in data-types="A,B", read at every fetch, so
// other scripts may change it). Arrow keys move, Enter picks, Escape closes, the mouse works
// too. Picking writes the id into the hidden input named by data-target and the label into the
// visible input; without data-target it opens the entity's page, and Enter without a choice
// submits the form as usual. Texts come from data-msg-* attributes
// (translated by the server) or the built-in German/English defaults.
(function () {
  "use strict";

  var DELAY = 200;
  var LIMIT = 10;
  var LANG = (document.documentElement.lang || "de").slice(0, 2) === "en" ? "en" : "de";
  var OTHER = LANG === "de" ? "en" : "de";
  var DEFAULTS = {
    de: { searching: "Suche läuft …", none: "Keine Treffer", count: "Vorschläge: {n} – mit den Pfeiltasten wählen" },
    en: { searching: "Searching…", none: "No matches", count: "Suggestions: {n} – choose with the arrow keys" }
  };
  var typeLabels = null; // entity type -> label in the page language, fetched once

  function message(input, key, n) {
    var text = input.getAttribute("data-msg-" + key) || DEFAULTS[LANG][key];
    return text.replace("{n}", String(n));
  }

  function loadTypeLabels(searchUrl) {
    if (typeLabels !== null) {
      return;
    }
    typeLabels = {};
    fetch(searchUrl.replace(/\/search$/, "/types"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { entity_types: [] }; })
      .then(function (data) {
        (data.entity_types || []).forEach(function (t) {
          typeLabels[t.name] = (t.labels && (t.labels[LANG] || t.labels[OTHER])) || t.name;
        });
      })
      .catch(function () { /* type names stay as they are */ });
  }

  function labelOf(item) {
    var labels = item.labels || {};
    if (labels[LANG]) {
      return { text: labels[LANG], lang: LANG };
    }
    if (labels[OTHER]) {
      return { text: labels[OTHER], lang: OTHER };
    }
    return { text: item.id, lang: "" };
  }

  function entityUrl(id) {
    return "/entity/" + encodeURIComponent(id);
  }

  var counter = 0;

  function Combobox(input) {
    counter += 1;
    this.input = input;
    this.url = input.getAttribute("data-autocomplete");
    this.targetName = input.getAttribute("data-target");
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.sequence = 0;
    this.pickedLabel = null;

    var id = input.id || "ac-input-" + counter;
    input.id = id;
    this.list = document.createElement("ul");
    this.list.id = id + "-listbox";
    this.list.className = "ac-list";
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      if (!label.id) {
        label.id = id + "-label";
      }
      this.list.setAttribute("aria-labelledby", label.id);
    }
    this.status = document.createElement("p");
    this.status.className = "ac-status";
    this.status.id = id + "-status";
    this.status.setAttribute("role", "status");

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.setAttribute("autocomplete", "off");

    var anchor = this.target() || input;
    anchor.parentNode.insertBefore(this.status, anchor.nextSibling);
    anchor.parentNode.insertBefore(this.list, anchor.nextSibling);
    input.parentNode.classList.add("ac-host");
    if (this.target() && this.target().value) {
      this.pickedLabel = input.value;
    }

    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeydown.bind(this));
    input.addEventListener("blur", this.onBlur.bind(this));
    input.addEventListener("focus", this.onFocus.bind(this));
    this.list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the input
    });
    this.list.addEventListener("click", this.onClick.bind(this));
    this.list.addEventListener("mousemove", this.onHover.bind(this));
  }

  Combobox.prototype.target = function () {
    if (!this.targetName) {
      return null;
    }
    var form = this.input.form;
    return (form && form.elements.namedItem(this.targetName)) || document.getElementById(this.targetName);
  };

  Combobox.prototype.types = function () {
    return (this.input.getAttribute("data-types") || "").split(",").filter(function (t) { return t; });
  };

  Combobox.prototype.onInput = function () {
    var target = this.target();
    if (target && this.input.value !== this.pickedLabel) {
      target.value = ""; // the text changed after a choice: the server looks at the text again
      this.pickedLabel = null;
    }
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(this.search.bind(this), DELAY);
  };

  Combobox.prototype.onFocus = function () {
    loadTypeLabels(this.url);
  };

  Combobox.prototype.search = function () {
    var query = this.input.value.trim();
    if (this.request) {
      this.request.abort();
      this.request = null;
    }
    if (!query) {
      this.close();
      this.setStatus("");
      return;
    }
    var params = new URLSearchParams({ q: query.slice(0, 200), limit: String(LIMIT) });
    this.types().forEach(function (t) { params.append("type", t); });
    var sequence = ++this.sequence;
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    this.request = controller;
    this.setStatus(message(this.input, "searching"));
    this.list.setAttribute("aria-busy", "true");
    this.input.classList.add("ac-busy");
    var self = this;
    fetch(this.url + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("search failed: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (sequence === self.sequence) {
          self.show(data.items || []);
        }
      })
      .catch(function (error) {
        if (sequence === self.sequence && error.name !== "AbortError") {
          self.show([]);
        }
      })
      .then(function () {
        if (sequence === self.sequence) {
          self.list.removeAttribute("aria-busy");
          self.input.classList.remove("ac-busy");
        }
      });
  };

  Combobox.prototype.setStatus = function (text) {
    this.status.textContent = text;
  };

  Combobox.prototype.show = function (items) {
    // Results that arrive after the user moved to an option keep that option highlighted, so an
    // Enter pressed a moment later picks it instead of sending the form.
    var kept = this.active >= 0 && this.items[this.active] ? this.items[this.active].id : null;
    this.items = items;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    while (this.list.firstChild) {
      this.list.removeChild(this.list.firstChild);
    }
    var self = this;
    items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = self.list.id + "-" + index;
      option.className = "ac-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(index));
      var label = labelOf(item);
      var name = document.createElement("span");
      name.className = "ac-label";
      name.textContent = label.text;
      if (label.lang && label.lang !== LANG) {
        name.setAttribute("lang", label.lang);
      }
      var type = document.createElement("span");
      type.className = "ac-type chip type-" + item.type;
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.setAttribute("aria-hidden", "true");
      type.appendChild(swatch);
      type.appendChild(document.createTextNode((typeLabels && typeLabels[item.type]) || item.type));
      var id = document.createElement("code");
      id.className = "ac-id";
      id.textContent = item.id;
      option.appendChild(name);
      option.appendChild(document.createTextNode(" "));
      option.appendChild(type);
      option.appendChild(document.createTextNode(" "));
      option.appendChild(id);
      self.list.appendChild(option);
    });
    if (items.length) {
      this.open();
      this.setStatus(message(this.input, "count", items.length));
      var again = items.findIndex(function (item) { return item.id === kept; });
      if (again >= 0) {
        this.highlight(again);
      }
    } else {
      this.close();
      this.setStatus(message(this.input, "none"));
    }
  };

  Combobox.prototype.open = function () {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Combobox.prototype.isOpen = function () {
    return !this.list.hidden;
  };

  Combobox.prototype.highlight = function (index) {
    var options = this.list.children;
    if (this.active >= 0 && options[this.active]) {
      options[this.active].setAttribute("aria-selected", "false");
      options[this.active].classList.remove("ac-active");
    }
    this.active = index;
    if (index >= 0 && options[index]) {
      options[index].setAttribute("aria-selected", "true");
      options[index].classList.add("ac-active");
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Combobox.prototype.move = function (step) {
    if (!this.items.length) {
      window.clearTimeout(this.timer);
      this.search();
      return;
    }
    if (!this.isOpen()) {
      this.open();
    }
    var n = this.items.length;
    var next = this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n;
    this.highlight(next);
  };

  Combobox.prototype.pick = function (index) {
    var item = this.items[index];
    if (!item) {
      return;
    }
    var label = labelOf(item).text;
    var target = this.target();
    this.close();
    if (!target) {
      window.location.assign(entityUrl(item.id));
      return;
    }
    this.input.value = label;
    this.pickedLabel = label;
    target.value = item.id;
    target.dispatchEvent(new Event("change", { bubbles: true }));
    this.setStatus("");
  };

  Combobox.prototype.onKeydown = function (event) {
    if (event.altKey && event.key === "ArrowDown") {
      if (this.items.length) {
        this.open();
      }
      event.preventDefault();
      return;
    }
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        this.move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        this.move(-1);
        break;
      case "Enter":
        if (this.isOpen() && this.active >= 0) {
          event.preventDefault();
          this.pick(this.active);
        } else {
          this.close();
        }
        break;
      case "Escape":
        // a search still on its way must not open the list again
        window.clearTimeout(this.timer);
        this.sequence += 1;
        this.setStatus("");
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  Combobox.prototype.onBlur = function () {
    var self = this;
    window.setTimeout(function () {
      if (document.activeElement !== self.input) {
        self.close();
      }
    }, 150);
  };

  Combobox.prototype.optionIndex = function (event) {
    var option = event.target.closest ? event.target.closest(".ac-option") : null;
    return option ? Number(option.getAttribute("data-index")) : -1;
  };

  Combobox.prototype.onClick = function (event) {
    var index = this.optionIndex(event);
    if (index >= 0) {
      this.pick(index);
    }
  };

  Combobox.prototype.onHover = function (event) {
    var index = this.optionIndex(event);
    if (index >= 0 && index !== this.active) {
      this.highlight(index);
    }
  };

  function init(root) {
    var inputs = (root || document).querySelectorAll("input[data-autocomplete]");
    Array.prototype.forEach.call(inputs, function (input) {
      if (!input.graphkbCombobox) {
        input.graphkbCombobox = new Combobox(input);
      }
    });
  }

  window.graphkbAutocomplete = init;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(); });
  } else {
    init();
  }
})();
