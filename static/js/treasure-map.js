// Treasure map: markers come from /api/initiatives for the visible box only, so the
// page stays the same size however many initiatives there are. View and filters are
// kept in the URL so a link can be shared.
(function () {
  "use strict";
  var frame = document.getElementById("treasure-map");
  if (!frame) return;
  var map = window.Schatkaart.maps[frame.dataset.mapName];
  var list = document.getElementById("in-beeld");
  var galleryLink = document.getElementById("gallery-link");
  var filters = frame.dataset.filters;
  var words = JSON.parse(document.getElementById("js-messages").textContent);
  var pointLayer = L.markerClusterGroup({ showCoverageOnHover: false });
  var clusterLayer = L.layerGroup();
  var shapeLayer = L.layerGroup();  // initiatives drawn as areas, as those areas
  var challengeLayer = L.layerGroup();  // uitdaagrecht: public challenges
  map.addLayer(shapeLayer);
  map.addLayer(pointLayer);
  map.addLayer(clusterLayer);
  map.addLayer(challengeLayer);
  window.Schatkaart.layers["kaart:initiatieven"] = pointLayer;  // for the page's tests: what a popup says
  var pending = null;
  var count = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "nl-NL");
  var money = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "nl-NL",
    { style: "currency", currency: "EUR", maximumFractionDigits: 0 });

  function esc(text) {  // for text and attribute values alike
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function pageOf(p) { return frame.dataset.detail.replace(/\/0$/, "/" + p.id); }
  function thumbOf(p) { return frame.dataset.thumbs.replace("__", encodeURIComponent(p.thumb)); }

  function pointMarker(f) {
    var c = f.geometry.coordinates;
    var p = f.properties;
    var marker = L.marker([c[1], c[0]], {
      title: p.title, alt: p.title,
      icon: L.divIcon({ className: "initiative-marker type-" + p.type, iconSize: [24, 24] })  // WCAG 2.5.8
    });
    var thumb = p.thumb ? '<img src="' + esc(thumbOf(p)) + '" alt="" width="160" height="120"><br>' : "";
    var spent = typeof p.spent === "number" ? "<br>" + esc(words.spent.replace("{amount}", money.format(p.spent))) : "";
    var area = p.shape ? "<br>" + esc(words.area) : "";
    var popup = thumb + '<a href="' + esc(pageOf(p)) + '">' + esc(p.title) + "</a>" + area + spent;
    marker.bindPopup(popup);
    if (p.shape) {
      shapeLayer.addLayer(L.geoJSON(p.shape, {
        style: { className: "initiative-area type-" + p.type, weight: 2, fillOpacity: 0.25 }
      }).bindPopup(popup));
    }
    return marker;
  }

  function loadChallenges() {
    if (!frame.dataset.challenges) return;
    fetch(frame.dataset.challenges, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        data.features.forEach(function (f) {
          var c = f.geometry.coordinates;
          var p = f.properties;
          var label = words.challenge.replace("{title}", p.title);
          challengeLayer.addLayer(L.marker([c[1], c[0]], {
            title: label, alt: label, zIndexOffset: 500,
            // beside the point rather than on it: a granted challenge's initiative stands on the same spot
            icon: L.divIcon({ className: "challenge-marker", iconSize: [24, 24], iconAnchor: [-4, 28] })
          }).bindPopup(esc(words.challenge_kind) + '<br><a href="' + esc(p.url) + '">' + esc(p.title) + "</a><br>" + esc(p.state)));
        });
        frame.dataset.challengeCount = String(data.features.length);
      })
      .catch(function () { frame.dataset.challengeCount = "error"; });
  }

  function clusterMarker(f) {
    var c = f.geometry.coordinates;
    var p = f.properties;
    var size = p.count < 10 ? 34 : p.count < 100 ? 42 : 50;
    var marker = L.marker([c[1], c[0]], {
      title: words.cluster.replace("{n}", p.count), alt: words.cluster.replace("{n}", p.count),
      icon: L.divIcon({ className: "server-cluster", html: "<span>" + p.count + "</span>", iconSize: [size, size] })
    });
    function open() {
      var b = p.bounds;
      if (b[0] === b[2] && b[1] === b[3]) map.setView([c[1], c[0]], map.getZoom() + 2);
      else map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30] });
    }
    marker.on("click", open);
    marker.on("add", function () {  // a button by keyboard too: Enter and Space open it, and it says what it holds
      var icon = marker.getElement();
      icon.setAttribute("aria-label", words.cluster_open.replace("{n}", p.count));
      icon.addEventListener("keydown", function (e) {
        if (e.key !== "Enter" && e.key !== " ") return;
        e.preventDefault();
        e.stopPropagation();
        open();
      });
    });
    return marker;
  }

  function render(data) {
    pointLayer.clearLayers();
    clusterLayer.clearLayers();
    shapeLayer.clearLayers();
    var points = [];
    var total = 0;
    data.features.forEach(function (f) {
      if (f.properties.cluster) {
        clusterLayer.addLayer(clusterMarker(f));
        total += f.properties.count;
      } else {
        points.push(f);
        total += 1;
      }
    });
    var markers = points.map(pointMarker);
    if (data.clustered) markers.forEach(function (m) { clusterLayer.addLayer(m); });
    else pointLayer.addLayers(markers);
    var html = "<p>" + esc(total === 1 ? words.one_in_view : words.n_in_view.replace("{n}", total)) + "</p>";
    if (data.truncated) {  // a filter the map clusters from its newest matches only: said, not hidden
      html += '<p class="map-window">' + esc(words.newest_only.replace(/\{n\}/g, count.format(data.window))) + "</p>";
    }
    if (!data.clustered && points.length && points.length <= 50) {
      html += "<ul>" + points.map(function (f) {
        var area = f.properties.shape ? " (" + esc(words.area) + ")" : "";
        return '<li><a href="' + esc(pageOf(f.properties)) + '">' + esc(f.properties.title) + "</a>" + area + "</li>";
      }).join("") + "</ul>";
    } else if (total) {
      html += "<p>" + esc(words.zoom_in) + "</p>";
    }
    list.innerHTML = html;
    frame.dataset.state = "ready";
    frame.dataset.count = String(total);
  }

  function syncUrl() {
    var c = map.getCenter();
    var params = new URLSearchParams(filters);
    params.set("lat", c.lat.toFixed(5));
    params.set("lon", c.lng.toFixed(5));
    params.set("z", String(map.getZoom()));
    history.replaceState(null, "", location.pathname + "?" + params.toString());
  }

  function load() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
    var url = frame.dataset.api + "?bbox=" + bbox.join(",") + "&zoom=" + map.getZoom() + (filters ? "&" + filters : "");
    if (pending) pending.abort();
    pending = new AbortController();
    frame.dataset.state = "loading";
    fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(function (err) {
        if (err.name === "AbortError") return;
        list.innerHTML = "<p class=\"error\">" + esc(words.load_failed) + "</p>";
        frame.dataset.state = "error";
      });
  }

  if (frame.dataset.view) {  // the view a shared link or an address search asked for
    var v = frame.dataset.view.split(",").map(Number);
    map.setView([v[0], v[1]], v[2], { animate: false });
  }
  map.on("moveend", function () { syncUrl(); load(); });
  syncUrl();
  load();
  loadChallenges();
})();
