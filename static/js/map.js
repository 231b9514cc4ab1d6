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

  // Facilities, lanes and courtyards (/api/v1/map/places/) are asked for
  // from a city's zoom on: a country's worth would be a pile of pins.
  var PLACES_MIN_ZOOM = 10;
  var NEAR_ME_ZOOM = 16;

  // WGS-84 to GCJ-02, the formula of renovation_portal/geo.py (and of
  // admin-map.js): only "near me" needs it, the server converts the rest.
  function toGcj02(lat, lng) {
    if (!(lat >= 0.8293 && lat <= 55.8271 && lng >= 72.004 && lng <= 137.8347)) {
      return [lat, lng];
    }
    var pi = Math.PI;
    var x = lng - 105.0;
    var y = lat - 35.0;
    var sLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    sLat += (20.0 * Math.sin(6.0 * pi * x) + 20.0 * Math.sin(2.0 * pi * x)) * 2 / 3;
    sLat += (20.0 * Math.sin(pi * y) + 40.0 * Math.sin(pi * y / 3.0)) * 2 / 3;
    sLat += (160.0 * Math.sin(pi * y / 12.0) + 320.0 * Math.sin(pi * y / 30.0)) * 2 / 3;
    var sLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    sLng += (20.0 * Math.sin(6.0 * pi * x) + 20.0 * Math.sin(2.0 * pi * x)) * 2 / 3;
    sLng += (20.0 * Math.sin(pi * x) + 40.0 * Math.sin(pi * x / 3.0)) * 2 / 3;
    sLng += (150.0 * Math.sin(pi * x / 12.0) + 300.0 * Math.sin(pi * x / 30.0)) * 2 / 3;
    var rad = lat / 180.0 * pi;
    var w = 1.0 - 0.00669342162296594323 * Math.sin(rad) * Math.sin(rad);
    var meridian = 6378245.0 * (1.0 - 0.00669342162296594323) / (w * Math.sqrt(w));
    var parallel = 6378245.0 / Math.sqrt(w) * Math.cos(rad);
    return [
      lat + sLat * 180.0 / (meridian * pi),
      lng + sLng * 180.0 / (parallel * pi),
    ];
  }

  function placePopup(properties) {
    var box = document.createElement("div");
    var name = document.createElement(properties.url ? "a" : "strong");
    if (properties.url) {
      name.href = properties.url;
    }
    name.className = "map-popup-name";
    name.textContent = properties.name;
    var kind = document.createElement("span");
    kind.className = "map-popup-stage";
    kind.textContent = properties.type_label;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(kind);
    return box;
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
    // The other places, one layer each, switched on and off by the layer
    // control's checkboxes (keyboard reachable; the page's lists name them).
    var layers = {
      facility: L.layerGroup().addTo(map),
      lane: L.layerGroup().addTo(map),
      courtyard: L.layerGroup().addTo(map),
    };
    // The switches beside the map (checkboxes in the page: keyboard and
    // screen reader reach them, and they never cover the map on a phone).
    var switches = document.querySelectorAll('[data-map-layer-of="' + element.id + '"]');
    Array.prototype.forEach.call(switches, function (box) {
      var group = box.value === "compound" ? places : layers[box.value];
      box.closest("fieldset").hidden = false;
      box.addEventListener("change", function () {
        if (box.checked) {
          map.addLayer(group);
          refresh();
        } else {
          map.removeLayer(group);
        }
      });
    });
    var focusPlaces = (data.focusPlaces || "").split(" ");
    var pendingPlaces = null;
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
          iconSize: focus ? [28, 28] : [24, 24],
        }),
      });
      pin.bindPopup(compoundPopup(properties, data.labelNoStage));
      return pin;
    }

    // Pins closer on screen than this are drawn as one group that zooms in
    // when tapped: overlapping pins are hard to hit, by finger or otherwise
    // (WCAG 2.5.8 target size). The server clusters only when the box holds
    // many; a few can still fall on one spot at a coarse zoom.
    var PIN_SPACING = 30;

    function grouped(features) {
      var groups = [];
      features.forEach(function (feature) {
        var properties = feature.properties;
        var position = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
        if (properties.kind === "cluster" || properties.slug === data.focus) {
          groups.push({ features: [feature] });
          return;
        }
        var spot = map.latLngToContainerPoint(position);
        var near = null;
        groups.some(function (group) {
          if (group.spot && group.spot.distanceTo(spot) < PIN_SPACING) {
            near = group;
            return true;
          }
          return false;
        });
        if (near) {
          near.features.push(feature);
        } else {
          groups.push({ features: [feature], spot: spot });
        }
      });
      return groups;
    }

    function groupMarker(group) {
      var corners = group.features.map(function (feature) {
        return [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      });
      var count = group.features.length;
      var label = data.labelCluster.replace("{count}", count);
      var marker = L.marker(corners[0], {
        title: label,
        icon: L.divIcon({ className: "map-cluster", html: "<span>" + count + "</span>", iconSize: [40, 40] }),
      });
      marker.on("click", function () {
        var bounds = L.latLngBounds(corners);
        if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
          map.setView(corners[0], maxZoom);
        } else {
          map.fitBounds(bounds, { padding: [48, 48], maxZoom: maxZoom });
        }
      });
      return marker;
    }

    function draw(answer) {
      element.dataset.zoomNow = String(map.getZoom());
      var next = {};
      grouped(answer.features).forEach(function (group) {
        if (group.features.length === 1) {
          var feature = group.features[0];
          var key = keyOf(feature);
          next[key] = drawn[key] || marker(feature);
          return;
        }
        var groupKey = "group:" + group.features.map(keyOf).sort().join("|");
        next[groupKey] = drawn[groupKey] || groupMarker(group);
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

    // ``unfiltered``: a filter to leave out of this one question.
    function ask(box, zoom, unfiltered) {
      var query = new URLSearchParams({
        bbox: box.map(function (value) { return value.toFixed(6); }).join(","),
        zoom: String(zoom),
      });
      ["lang", "programme", "community", "stage"].forEach(function (name) {
        if (data[name] && name !== unfiltered) {
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

    function placeLayer(feature) {
      var properties = feature.properties;
      var geometry = feature.geometry;
      var layer;
      // The places the page is about (the events page's) are marked.
      var focus = focusPlaces.indexOf(properties.kind + ":" + properties.slug) !== -1;
      if (geometry.type === "Point") {
        layer = L.marker([geometry.coordinates[1], geometry.coordinates[0]], {
          title: properties.name,
          icon: L.divIcon({
            className: "map-place place-" + properties.kind + (focus ? " map-focus" : ""),
            iconSize: focus ? [28, 28] : [24, 24],
          }),
        });
      } else {
        layer = L.geoJSON(geometry, {
          style: {
            className: "map-shape shape-" + properties.kind + (focus ? " map-focus" : ""),
            weight: (properties.kind === "lane" ? 6 : 3) + (focus ? 3 : 0),
          },
        });
      }
      layer.bindPopup(placePopup(properties));
      return layer;
    }

    // Drawn places by kind:slug: a new answer keeps those it still has (an
    // open popup stays open, a line being tapped is not replaced).
    var drawnPlaces = {};

    function drawPlaces(answer) {
      var next = {};
      answer.features.forEach(function (feature) {
        var properties = feature.properties;
        if (layers[properties.kind]) {
          var key = properties.kind + ":" + properties.slug;
          next[key] = drawnPlaces[key] || placeLayer(feature);
        }
      });
      Object.keys(drawnPlaces).forEach(function (key) {
        if (!(key in next)) {
          layers[key.split(":")[0]].removeLayer(drawnPlaces[key]);
        }
      });
      Object.keys(next).forEach(function (key) {
        if (!(key in drawnPlaces)) {
          layers[key.split(":")[0]].addLayer(next[key]);
        }
      });
      drawnPlaces = next;
      element.dataset.placesShown = String(answer.features.length);
    }

    function askPlaces(box) {
      var wanted = Object.keys(layers).some(function (kind) {
        return map.hasLayer(layers[kind]);
      });
      if (map.getZoom() < PLACES_MIN_ZOOM || !wanted) {
        drawPlaces({ features: [] });
        return;
      }
      var query = new URLSearchParams({
        bbox: box.map(function (value) { return value.toFixed(6); }).join(","),
      });
      if (data.lang) {
        query.set("lang", data.lang);
      }
      if (data.crs === "gcj02") {
        query.set("crs", "gcj02");
      }
      if (pendingPlaces) {
        pendingPlaces.abort();
      }
      pendingPlaces = "AbortController" in window ? new AbortController() : null;
      fetch(data.placesUrl + "?" + query.toString(), {
        headers: { Accept: "application/json" },
        signal: pendingPlaces ? pendingPlaces.signal : undefined,
      }).then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      }).then(drawPlaces).catch(failed);
    }

    function failed(error) {
      if (error.name !== "AbortError") {
        map.attributionControl.addAttribution(data.labelFailed);
      }
    }

    function refresh() {
      var bounds = map.getBounds();
      var box = [
        clamp(bounds.getWest(), -180, 180),
        clamp(bounds.getSouth(), -90, 90),
        clamp(bounds.getEast(), -180, 180),
        clamp(bounds.getNorth(), -90, 90),
      ];
      ask(box, map.getZoom()).then(draw).catch(failed);
      if (data.placesUrl) {
        askPlaces(box);
      }
    }

    // "Near me": the browser's position, asked for only on this tap, used
    // only to move the map (so the server sees no more than the box of the
    // next view) and kept nowhere.
    var nearMe = document.querySelector('[data-map-near-me="' + element.id + '"]');
    var nearMeStatus = nearMe && document.getElementById(element.id + "-near-me-status");
    var here = null;
    if (nearMe) {
      nearMe.parentNode.hidden = false;
      nearMe.addEventListener("click", function () {
        if (!("geolocation" in navigator)) {
          nearMeStatus.textContent = data.labelNearMeUnavailable;
          return;
        }
        nearMeStatus.textContent = data.labelNearMeAsking;
        navigator.geolocation.getCurrentPosition(function (position) {
          var lat = position.coords.latitude;
          var lng = position.coords.longitude;
          var shown = data.crs === "gcj02" ? toGcj02(lat, lng) : [lat, lng];
          if (here) {
            map.removeLayer(here);
          }
          here = L.circleMarker(shown, { radius: 9, className: "map-here" }).addTo(map);
          here.bindTooltip(data.labelNearMeHere);
          map.setView(shown, Math.min(NEAR_ME_ZOOM, maxZoom));
          nearMeStatus.textContent = data.labelNearMeShown;
        }, function (error) {
          nearMeStatus.textContent = error.code === 1 ? data.labelNearMeRefused : data.labelNearMeUnavailable;
        }, { maximumAge: 60000, timeout: 15000 });
      });
    }

    // Each view is asked for once the map moves (listened to once).
    var listening = false;
    function listen() {
      if (!listening) {
        map.on("moveend", refresh);
        listening = true;
      }
    }

    // The map moves to the compounds it is asked for (a programme's or a
    // community's), wherever they are: one look at the whole world first,
    // then the box they fill; empty() when none of them has coordinates.
    // Whatever stage is chosen: the map goes where they all are.
    function fitTo(empty) {
      ask([-180, -90, 180, 90], 2, "stage").then(function (answer) {
        if (!answer.features.length) {
          empty();
          return;
        }
        var corners = answer.features.map(function (feature) {
          return [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        });
        listen();
        map.fitBounds(corners, { padding: [24, 24], maxZoom: Number(data.fitMaxZoom) });
      }).catch(failed);
    }

    // A programme's or community's own map: with none of its compounds
    // located, it says so instead of showing an empty map.
    function fit() {
      fitTo(function () {
        map.remove();
        element.textContent = "";
        var note = document.createElement("p");
        note.className = "map-note";
        note.textContent = data.labelEmpty;
        element.appendChild(note);
        element.classList.add("tile-map-empty");
      });
    }

    // The menus beside the map, shown once the map works.
    var filters = document.querySelector('[data-map-filters="' + element.id + '"]');
    if (filters) {
      filters.hidden = false;
    }
    var menu = document.querySelector('[data-map-stage="' + element.id + '"]');
    if (menu) {
      menu.addEventListener("change", function () {
        data.stage = menu.value;
        refresh();
      });
    }
    // One programme's compounds: the map moves to them, and says so when
    // none of them has coordinates; "all" shows every one in the view again.
    var programmeMenu = document.querySelector('[data-map-programme="' + element.id + '"]');
    var filterStatus = document.getElementById(element.id + "-filter-status");
    if (programmeMenu) {
      programmeMenu.addEventListener("change", function () {
        data.programme = programmeMenu.value;
        filterStatus.textContent = "";
        if (data.programme) {
          fitTo(function () {
            draw({ features: [] });
            filterStatus.textContent = data.labelProgrammeEmpty;
          });
        } else {
          refresh();
        }
      });
    }

    if (data.fit) {
      map.setView([0, 0], 2);
      fit();
    } else if (data.bounds) {
      listen();
      var b = numbers(data.bounds);
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {
        padding: [24, 24],
        maxZoom: Number(data.fitMaxZoom),
      });
    } else {
      listen();
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
