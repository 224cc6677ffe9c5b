// graph views: every [data-graph-src] element gets a vis-network drawing of the JSON at that URL
//
// The server sends nodes with positions (physics stays off, so the drawing is stable at once),
// edges, vis-network options and a legend. vis-network (vendored under /static/vendor/) is loaded
// only when a graph scrolls into view, so pages with a graph further down stay cheap.
// Hovering a node dims everything but its neighbourhood; a click expands a node's hidden
// neighbours through /explore/expand/<id> (a "+N more" node loads the next page), a second click
// collapses them; a double click opens the entity's page. With data-graph-state="url" the view's
// state (filters, expanded nodes) is kept in the page's address, so it can be shared.
// When a drawing is complete the element gets data-graph-stable="1" (and so does <body>).
(function () {
  "use strict";

  var LANG = (document.documentElement.lang || "de").slice(0, 2) === "en" ? "en" : "de";
  var DEFAULTS = {
    de: {
      loading: "Graph wird geladen …",
      error: "Der Graph konnte nicht geladen werden.",
      empty: "Nichts zu zeichnen.",
      shown: "{n} Einträge, {e} Aussagen",
      truncated: "Es passen mehr Einträge, als gezeichnet werden.",
      help: "Klick zeigt die Nachbarn eines Knotens, Doppelklick öffnet seine Seite."
    },
    en: {
      loading: "Loading the graph …",
      error: "The graph could not be loaded.",
      empty: "Nothing to draw.",
      shown: "{n} entities, {e} statements",
      truncated: "More entities match than are drawn.",
      help: "Click a node to show its neighbours, double-click to open its page."
    }
  };
  var DIM_NODE = { background: "#eceef0", border: "#d9dde1" };
  var DIM_FONT = "#b5bbc1";
  var TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
  var SHAPE_NAME = /^[a-zA-Z]+$/;

  var script = document.currentScript;
  var STATIC = script ? script.src.replace(/js\/explore\.js(\?.*)?$/, "") : "/static/";
  var VENDOR = STATIC + "vendor/vis-network-9.1.2/";
  var visLoading = null;

  function addStyle(href) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = href;
    document.head.appendChild(css);
  }

  function loadVis() {
    if (window.vis && window.vis.Network) {
      return Promise.resolve(window.vis);
    }
    if (visLoading) {
      return visLoading;
    }
    addStyle(VENDOR + "vis-network.css");
    if (!document.querySelector('link[href*="explore.css"]')) {
      addStyle(STATIC + "explore.css"); // pages that only embed a graph (entity pages) do not link it
    }
    visLoading = new Promise(function (resolve, reject) {
      var js = document.createElement("script");
      js.src = VENDOR + "vis-network.min.js";
      js.onload = function () { resolve(window.vis); };
      js.onerror = function () { reject(new Error("vis-network did not load")); };
      document.head.appendChild(js);
    });
    return visLoading;
  }

  function message(box, key, values) {
    var text = box.getAttribute("data-msg-" + key) || DEFAULTS[LANG][key];
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("{" + name + "}", String(values[name]));
    });
    return text;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data.message || data.error || String(response.status));
        }
        return data;
      });
    });
  }

  function GraphView(box) {
    this.box = box;
    this.canvas = box.querySelector(".graph-canvas");
    this.status = box.querySelector(".graph-status");
    this.legend = box.querySelector(".graph-legend");
    var src = new URL(box.getAttribute("data-graph-src"), window.location.href);
    this.dataPath = src.pathname;
    this.root = box.getAttribute("data-graph-root") || "";
    this.query = src.search.replace(/^\?/, "");
    this.keepState = box.getAttribute("data-graph-state") === "url";
    this.expanded = []; // [id, pages] in the order they were expanded, as in the URL
    this.pending = {}; // id -> a request is under way
  }

  GraphView.prototype.say = function (text, isError) {
    if (this.status) {
      this.status.textContent = text;
      this.status.classList.toggle("error", Boolean(isError));
    }
  };

  GraphView.prototype.load = function () {
    var self = this;
    var started = window.performance.now();
    this.say(message(this.box, "loading"));
    Promise.all([loadVis(), getJSON(this.dataPath + (this.query ? "?" + this.query : ""))])
      .then(function (results) { self.draw(results[0], results[1], started); })
      .catch(function (error) { self.say(message(self.box, "error") + " " + error.message, true); });
  };

  GraphView.prototype.draw = function (vis, data, started) {
    var self = this;
    this.vis = vis;
    this.readState(data.state || "");
    data.nodes.forEach(remember);
    this.nodes = new vis.DataSet(data.nodes);
    this.edges = new vis.DataSet(data.edges);
    this.showLegend(data.legend || []);
    this.report(data.truncated);
    if (!data.nodes.length) {
      this.say(message(this.box, "empty"));
    }
    this.network = new vis.Network(this.canvas, { nodes: this.nodes, edges: this.edges }, data.options || {});
    this.network.once("afterDrawing", function () {
      // for benchmarks and tests: when the first complete drawing was on screen (ms since navigation)
      self.box.setAttribute("data-stable-at", String(Math.round(window.performance.now())));
      self.box.setAttribute("data-draw-ms", String(Math.round(window.performance.now() - started)));
      self.box.setAttribute("data-graph-stable", "1");
      document.body.setAttribute("data-graph-stable", "1");
    });
    this.network.fit({ animation: false });
    this.network.on("hoverNode", function (params) { self.highlight(params.node); });
    this.network.on("blurNode", function () { self.highlight(null); });
    this.network.on("click", function (params) {
      if (params.nodes.length) {
        self.toggle(params.nodes[0]);
      }
    });
    this.network.on("doubleClick", function (params) {
      var id = params.nodes[0];
      if (id !== undefined && String(id).indexOf("more:") !== 0) {
        window.location.href = self.root + "/entity/" + encodeURIComponent(id);
      }
    });
  };

  function remember(node) {
    // the colours to go back to after a hover dimmed them
    node.baseColor = node.color;
  }

  GraphView.prototype.report = function (truncated) {
    var text = message(this.box, "shown", { n: this.entityCount(), e: this.edges.length });
    if (truncated) {
      text += " · " + message(this.box, "truncated");
    }
    this.say(text + " · " + message(this.box, "help"));
    this.box.setAttribute("data-node-count", String(this.nodes.length));
  };

  GraphView.prototype.entityCount = function () {
    return this.nodes.get({ filter: function (n) { return String(n.id).indexOf("more:") !== 0; } }).length;
  };

  GraphView.prototype.showLegend = function (items) {
    // the server describes each type once; the counts follow the nodes drawn now
    var info = this.typeInfo || (this.typeInfo = {});
    (items || []).forEach(function (item) { info[item.type] = item; });
    if (!this.legend || !this.nodes) {
      return;
    }
    var counts = {};
    this.nodes.forEach(function (n) {
      if (n.entity_type && String(n.id).indexOf("more:") !== 0) {
        counts[n.entity_type] = (counts[n.entity_type] || 0) + 1;
      }
    });
    var types = Object.keys(counts).filter(function (t) { return info[t]; });
    types.sort(function (a, b) { return counts[b] - counts[a] || info[a].label.localeCompare(info[b].label); });
    this.legend.textContent = "";
    types.forEach(function (type) {
      var item = info[type];
      var li = document.createElement("li");
      if (TYPE_NAME.test(type)) {
        li.className = "type-" + type;
      }
      var mark = document.createElement("span");
      mark.className = "shape" + (SHAPE_NAME.test(item.shape) ? " shape-" + item.shape : "");
      mark.setAttribute("aria-hidden", "true");
      li.appendChild(mark);
      li.appendChild(document.createTextNode(" " + item.label + " (" + counts[type] + ")"));
      this.legend.appendChild(li);
    }, this);
  };

  GraphView.prototype.highlight = function (id) {
    var nodes = this.nodes;
    if (id === null) {
      if (this.dimmed) {
        nodes.update(nodes.get().map(function (n) { return { id: n.id, color: n.baseColor, font: { color: "#1f2328" } }; }));
        this.dimmed = false;
      }
      return;
    }
    var near = {};
    near[id] = true;
    this.network.getConnectedNodes(id).forEach(function (other) { near[other] = true; });
    nodes.update(nodes.get().map(function (n) {
      return near[n.id]
        ? { id: n.id, color: n.baseColor, font: { color: "#1f2328" } }
        : { id: n.id, color: DIM_NODE, font: { color: DIM_FONT } };
    }));
    this.dimmed = true;
  };

  // -- expanding and collapsing -------------------------------------------------------------

  GraphView.prototype.readState = function (state) {
    var params = new URLSearchParams(state);
    this.query = state;
    this.expanded = (params.get("expand") || "").split(",").filter(Boolean).map(function (token) {
      var parts = token.split(":");
      return [parts[0], parseInt(parts[1] || "1", 10)];
    });
    if (this.keepState) {
      var url = window.location.pathname + (state ? "?" + state : "");
      if (url !== window.location.pathname + window.location.search) {
        window.history.replaceState(null, "", url);
      }
    }
  };

  GraphView.prototype.pagesOf = function (id) {
    var found = this.expanded.filter(function (pair) { return pair[0] === id; });
    return found.length ? found[0][1] : 0;
  };

  GraphView.prototype.toggle = function (id) {
    id = String(id);
    if (id.indexOf("more:") === 0) {
      var anchor = id.slice(5);
      this.expand(anchor, this.pagesOf(anchor) + 1);
    } else if (this.pagesOf(id)) {
      this.collapse(id);
    } else {
      var node = this.nodes.get(id);
      if (node && node.more > 0) {
        this.expand(id, 1);
      }
    }
  };

  GraphView.prototype.expand = function (id, page) {
    var self = this;
    if (this.pending[id]) {
      return;
    }
    this.pending[id] = true;
    var url = this.root + "/explore/expand/" + encodeURIComponent(id) + "?" + (this.query ? this.query + "&" : "") + "page=" + page;
    this.box.setAttribute("data-busy", "1");
    getJSON(url)
      .then(function (data) {
        data.nodes.forEach(remember);
        self.nodes.remove("more:" + id);
        self.edges.remove("more:" + id);
        self.nodes.update(data.nodes);
        self.edges.update(data.edges);
        self.readState(data.state || "");
        self.showLegend(data.legend);
        self.report(false);
      })
      .catch(function (error) { self.say(message(self.box, "error") + " " + error.message, true); })
      .then(function () {
        delete self.pending[id];
        self.box.removeAttribute("data-busy");
      });
  };

  GraphView.prototype.collapse = function (id) {
    // the nodes this one brought, and the nodes those brought in turn
    var gone = {};
    var queue = [id];
    var closed = [id];
    while (queue.length) {
      var current = queue.shift();
      this.nodes.get({ filter: function (n) { return n.via === current; } }).forEach(function (n) {
        if (!gone[n.id]) {
          gone[n.id] = true;
          if (this.pagesOf(String(n.id))) {
            closed.push(String(n.id));
          }
          queue.push(String(n.id));
        }
      }, this);
    }
    // what the node hides again: the neighbours it brought and those it had not brought yet
    var rest = this.nodes.get("more:" + id);
    var brought = this.nodes.get({ filter: function (n) { return n.via === id && String(n.id).indexOf("more:") !== 0; } });
    this.nodes.update({ id: id, more: brought.length + (rest ? rest.remaining || 0 : 0) });
    var ids = Object.keys(gone);
    var edgeIds = this.edges.get({ filter: function (e) { return gone[e.from] || gone[e.to]; } }).map(function (e) { return e.id; });
    this.edges.remove(edgeIds);
    this.nodes.remove(ids);
    this.expanded = this.expanded.filter(function (pair) { return closed.indexOf(pair[0]) < 0; });
    var params = new URLSearchParams(this.query);
    var tokens = this.expanded.map(function (pair) { return pair[1] === 1 ? pair[0] : pair[0] + ":" + pair[1]; });
    if (tokens.length) {
      params.set("expand", tokens.join(","));
    } else {
      params.delete("expand");
    }
    this.readState(params.toString());
    this.showLegend();
    this.report(false);
  };

  function start(box) {
    if (box.graphView) {
      return;
    }
    box.graphView = new GraphView(box);
    box.graphView.load();
  }

  function init() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-graph-src]"));
    if (!boxes.length) {
      return;
    }
    if (!("IntersectionObserver" in window)) {
      boxes.forEach(start);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          start(entry.target);
        }
      });
    }, { rootMargin: "200px" });
    boxes.forEach(function (box) { observer.observe(box); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
