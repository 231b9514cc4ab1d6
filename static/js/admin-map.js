/* The admin's map for picking a compound's coordinates (issue 19): a click
   puts the pin there, the pin can be dragged, and either fills the latitude
   and longitude inputs; typing in them moves the pin. The inputs hold WGS-84;
   with GCJ-02 tiles (data-crs="gcj02") the map's positions are converted,
   both ways, with the same formula as renovation_portal/geo.py. Leaflet is
   loaded only on a page with the map, after the page. */
(function () {
  "use strict";

  // The admin puts this file in the page's head: the map's element is looked
  // for once the page has loaded.
  var element = null;
  var data = null;
  var gcj02 = false;

  // GCJ-02: WGS-84 shifted by a published function on the Krasovsky ellipsoid.
  var AXIS = 6378245.0;
  var E2 = 0.00669342162296594323;

  function inChina(lat, lng) {
    return lat >= 0.8293 && lat <= 55.8271 && lng >= 72.004 && lng <= 137.8347;
  }

  function shiftLat(x, y) {
    var pi = Math.PI;
    var s = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    s += (20.0 * Math.sin(6.0 * pi * x) + 20.0 * Math.sin(2.0 * pi * x)) * 2 / 3;
    s += (20.0 * Math.sin(pi * y) + 40.0 * Math.sin(pi * y / 3.0)) * 2 / 3;
    s += (160.0 * Math.sin(pi * y / 12.0) + 320.0 * Math.sin(pi * y / 30.0)) * 2 / 3;
    return s;
  }

  function shiftLng(x, y) {
    var pi = Math.PI;
    var s = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    s += (20.0 * Math.sin(6.0 * pi * x) + 20.0 * Math.sin(2.0 * pi * x)) * 2 / 3;
    s += (20.0 * Math.sin(pi * x) + 40.0 * Math.sin(pi * x / 3.0)) * 2 / 3;
    s += (150.0 * Math.sin(pi * x / 12.0) + 300.0 * Math.sin(pi * x / 30.0)) * 2 / 3;
    return s;
  }

  function toGcj02(lat, lng) {
    if (!inChina(lat, lng)) {
      return [lat, lng];
    }
    var x = lng - 105.0;
    var y = lat - 35.0;
    var rad = lat / 180.0 * Math.PI;
    var w = 1.0 - E2 * Math.sin(rad) * Math.sin(rad);
    var meridian = AXIS * (1.0 - E2) / (w * Math.sqrt(w));
    var parallel = AXIS / Math.sqrt(w) * Math.cos(rad);
    return [
      lat + shiftLat(x, y) * 180.0 / (meridian * Math.PI),
      lng + shiftLng(x, y) * 180.0 / (parallel * Math.PI),
    ];
  }

  function toWgs84(lat, lng) {
    if (!inChina(lat, lng)) {
      return [lat, lng];
    }
    var guess = [lat, lng];
    for (var step = 0; step < 30; step += 1) {
      var got = toGcj02(guess[0], guess[1]);
      var missLat = lat - got[0];
      var missLng = lng - got[1];
      guess = [guess[0] + missLat, guess[1] + missLng];
      if (Math.abs(missLat) < 1e-9 && Math.abs(missLng) < 1e-9) {
        break;
      }
    }
    return guess;
  }

  function shown(lat, lng) {
    return gcj02 ? toGcj02(lat, lng) : [lat, lng];
  }

  function stored(lat, lng) {
    return gcj02 ? toWgs84(lat, lng) : [lat, lng];
  }

  function start() {
    var latInput = document.getElementById(data.latInput);
    var lngInput = document.getElementById(data.lngInput);
    var maxZoom = Number(data.maxZoom);
    var centre = data.centre.split(",").map(Number);
    var map = L.map(element.querySelector(".admin-map-canvas"), { maxZoom: maxZoom });
    var options = { maxZoom: maxZoom, subdomains: data.subdomains || "abc", attribution: data.attribution };
    L.tileLayer(data.tileUrl, options).addTo(map);
    if (data.labelsUrl) {
      L.tileLayer(data.labelsUrl, { maxZoom: maxZoom, subdomains: options.subdomains }).addTo(map);
    }
    map.setView(centre, Number(data.zoom));
    var pin = null;
    var far = element.querySelector(".admin-map-far");
    var community = document.getElementById("id_community");

    // The distance, in km, between two WGS-84 points (haversine), as
    // renovation_portal's distance_m measures it after saving.
    function kmBetween(a, b) {
      var rad = Math.PI / 180;
      var dLat = (b[0] - a[0]) * rad;
      var dLng = (b[1] - a[1]) * rad;
      var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
        Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
      return 6371.0088 * 2 * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    // Before saving: a pin far from the community's other compounds is
    // flagged (a typing slip, latitude and longitude swapped). The centre is
    // the page's for the community it was drawn with, and asked for again
    // (a small JSON answer) when the clerk picks or changes the community.
    function check() {
      if (!far) {
        return;
      }
      var lat = parseFloat(latInput.value);
      var lng = parseFloat(lngInput.value);
      var same = !community || community.value === data.communityId;
      if (isNaN(lat) || isNaN(lng) || !same || !data.communityCentre) {
        far.hidden = true;
        return;
      }
      var km = kmBetween([lat, lng], data.communityCentre.split(",").map(Number));
      if (km > Number(data.farKm)) {
        far.textContent = data.labelFar.replace("{km}", String(Math.round(km)));
        far.hidden = false;
      } else {
        far.hidden = true;
      }
    }

    function typed() {
      var lat = parseFloat(latInput.value);
      var lng = parseFloat(lngInput.value);
      if (isNaN(lat) || isNaN(lng)) {
        return null;
      }
      return shown(lat, lng);
    }

    function fill(position) {
      var wgs = stored(position.lat, position.lng);
      latInput.value = wgs[0].toFixed(6);
      lngInput.value = wgs[1].toFixed(6);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      lngInput.dispatchEvent(new Event("change", { bubbles: true }));
      check();
    }

    function place(position) {
      if (pin) {
        pin.setLatLng(position);
        return;
      }
      pin = L.marker(position, {
        draggable: true,
        title: data.labelPin,
        icon: L.divIcon({ className: "map-pin", iconSize: [22, 22] }),
      }).addTo(map);
      pin.on("dragend", function () {
        fill(pin.getLatLng());
      });
    }

    var first = typed();
    if (first) {
      place(first);
    }
    map.on("click", function (event) {
      place(event.latlng);
      fill(event.latlng);
    });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("input", function () {
        var position = typed();
        if (position) {
          place(position);
          map.panTo(position);
        }
        check();
      });
    });
    function communityChanged() {
      var chosen = community.value;
      if (chosen === data.communityId) {
        check();
        return;
      }
      data.communityId = chosen;
      data.communityCentre = "";
      check();
      if (!chosen || !data.centreUrl) {
        return;
      }
      var url = data.centreUrl + encodeURIComponent(chosen) + "/";
      if (data.excluding) {
        url += "?excluding=" + encodeURIComponent(data.excluding);
      }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { centre: null };
        })
        .then(function (answer) {
          if (community.value === chosen) {
            data.communityCentre = answer.centre || "";
            check();
          }
        })
        .catch(function () {
          // No warning is better than a wrong one: the save still checks.
        });
    }

    if (community) {
      community.addEventListener("change", communityChanged);
      // The admin's autocomplete (select2) tells jQuery, not the DOM.
      if (window.django && window.django.jQuery) {
        window.django.jQuery(community).on("change", communityChanged);
      }
    }
    check();
  }

  function begin() {
    element = document.querySelector("[data-pick-map]");
    if (!element) {
      return;
    }
    data = element.dataset;
    gcj02 = data.crs === "gcj02";
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = data.leafletCss;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = data.leafletJs;
    script.onload = start;
    document.head.appendChild(script);
  }

  if (document.readyState === "complete") {
    begin();
  } else {
    window.addEventListener("load", begin);
  }
})();
