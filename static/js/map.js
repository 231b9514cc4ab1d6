/* The tile map (issue 19): only on a page with a [data-tile-map] element, and
   only once the page has loaded, so the content is never held up by it.
   Leaflet (static/vendor/leaflet, vendored from npm) is fetched then; each
   view asks /api/v1/map/points/ for the compounds in it, one by one when few,
   counted on the server's grid when many. The server answers in the tiles'
   coordinate system (crs=gcj02 for AMap-style tiles), so no conversion is
   made here. The list on the page names the same places: the map never
   replaces it. */
(function () {
  "use strict";

  var elements = document.querySelectorAll("[data-tile-map]");
  if (!elements.length) {
    return;
  }

  function whenIdle(callback) {
    if ("requestIdleCallback" in window) {
      window.requestIdleCallback(callback, { timeout: 2000 });
    } else {
      window.setTimeout(callback, 1);
    }
  }

  function loadLeaflet(done) {
    var first = elements[0].dataset;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = first.leafletCss;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = first.leafletJs;
    script.onload = done;
    document.head.appendChild(script);
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  function numbers(text) {
    return text.split(",").map(Number);
  }

  function compoundPopup(properties, noStage) {
    var box = document.createElement("div");
    var name = document.createElement("a");
    name.href = properties.url;
    name.className = "map-popup-name";
    name.textContent = properties.name;
    var stage = document.createElement("span");
    stage.className = "map-popup-stage";
    stage.textContent = properties.stage_label || noStage;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(stage);
    return box;
  }

  function start(element) {
    var data = element.dataset;
    var maxZoom = Number(data.maxZoom);
    element.textContent = "";
    var map = L.map(element, { maxZoom: maxZoom });
    var tileOptions = {
      maxZoom: maxZoom,
      subdomains: data.subdomains || "abc",
      attribution: data.attribution,
    };
    L.tileLayer(data.tileUrl, tileOptions).addTo(map);
    if (data.labelsUrl) {
      L.tileLayer(data.labelsUrl, { maxZoom: maxZoom, subdomains: tileOptions.subdomains }).addTo(map);
    }
    var places = L.layerGroup().addTo(map);
    var pending = null;
    // What is drawn, by key: a new answer keeps the markers it still has, so
    // a popup stays open when opening it panned the map (and so asked again).
    var drawn = {};

    function keyOf(feature) {
      var properties = feature.properties;
      if (properties.kind === "cluster") {
        return "cluster:" + feature.geometry.coordinates.join(",") + ":" + properties.count;
      }
      return "compound:" + properties.slug;
    }

    function marker(feature) {
      var position = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      var properties = feature.properties;
      if (properties.kind === "cluster") {
        var label = data.labelCluster.replace("{count}", properties.count);
        var cluster = L.marker(position, {
          title: label,
          icon: L.divIcon({
            className: "map-cluster",
            html: "<span>" + Number(properties.count) + "</span>",
            iconSize: [40, 40],
          }),
        });
        cluster.on("click", function () {
          map.setView(position, Math.min(map.getZoom() + 2, maxZoom));
        });
        return cluster;
      }
      var focus = properties.slug === data.focus;
      var pin = L.marker(position, {
        title: properties.name,
        icon: L.divIcon({
          className: "map-pin stage-" + (properties.stage || "none") + (focus ? " map-focus" : ""),
          iconSize: focus ? [26, 26] : [20, 20],
        }),
      });
      pin.bindPopup(compoundPopup(properties, data.labelNoStage));
      return pin;
    }

    function draw(answer) {
      element.dataset.zoomNow = String(map.getZoom());
      var next = {};
      answer.features.forEach(function (feature) {
        var key = keyOf(feature);
        next[key] = drawn[key] || marker(feature);
      });
      Object.keys(drawn).forEach(function (key) {
        if (!(key in next)) {
          places.removeLayer(drawn[key]);
        }
      });
      Object.keys(next).forEach(function (key) {
        if (!(key in drawn)) {
          places.addLayer(next[key]);
        }
      });
      drawn = next;
    }

    function ask(box, zoom) {
      var query = new URLSearchParams({
        bbox: box.map(function (value) { return value.toFixed(6); }).join(","),
        zoom: String(zoom),
      });
      ["lang", "programme", "community", "stage"].forEach(function (name) {
        if (data[name]) {
          query.set(name, data[name]);
        }
      });
      if (data.crs === "gcj02") {
        query.set("crs", "gcj02");
      }
      if (pending) {
        pending.abort();
      }
      pending = "AbortController" in window ? new AbortController() : null;
      return fetch(data.pointsUrl + "?" + query.toString(), {
        headers: { Accept: "application/json" },
        signal: pending ? pending.signal : undefined,
      }).then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      });
    }

    function failed(error) {
      if (error.name !== "AbortError") {
        map.attributionControl.addAttribution(data.labelFailed);
      }
    }

    function refresh() {
      var bounds = map.getBounds();
      ask([
        clamp(bounds.getWest(), -180, 180),
        clamp(bounds.getSouth(), -90, 90),
        clamp(bounds.getEast(), -180, 180),
        clamp(bounds.getNorth(), -90, 90),
      ], map.getZoom()).then(draw).catch(failed);
    }

    // A programme's or community's map opens on its compounds, wherever they
    // are: one look at the whole world first, then the box they fill.
    function fit() {
      ask([-180, -90, 180, 90], 2).then(function (answer) {
        if (!answer.features.length) {
          map.remove();
          element.textContent = "";
          var note = document.createElement("p");
          note.className = "map-note";
          note.textContent = data.labelEmpty;
          element.appendChild(note);
          element.classList.add("tile-map-empty");
          return;
        }
        var corners = answer.features.map(function (feature) {
          return [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        });
        map.on("moveend", refresh);
        map.fitBounds(corners, { padding: [24, 24], maxZoom: Number(data.fitMaxZoom) });
      }).catch(failed);
    }

    // The stage menu beside the map, shown once the map works.
    var menu = document.querySelector('[data-map-stage="' + element.id + '"]');
    if (menu) {
      menu.parentNode.hidden = false;
      menu.addEventListener("change", function () {
        data.stage = menu.value;
        refresh();
      });
    }

    if (data.fit) {
      map.setView([0, 0], 2);
      fit();
    } else if (data.bounds) {
      map.on("moveend", refresh);
      var b = numbers(data.bounds);
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {
        padding: [24, 24],
        maxZoom: Number(data.fitMaxZoom),
      });
    } else {
      map.on("moveend", refresh);
      var c = numbers(data.centre);
      map.setView([c[0], c[1]], Number(data.zoom));
    }
    element.classList.add("tile-map-ready");
  }

  function begin() {
    whenIdle(function () {
      loadLeaflet(function () {
        Array.prototype.forEach.call(elements, start);
      });
    });
  }

  if (document.readyState === "complete") {
    begin();
  } else {
    window.addEventListener("load", begin);
  }
})();
