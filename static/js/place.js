// Placing an initiative: click the map for a point, click corners for an area, or type
// an address and pick a match. Everything also works without JavaScript: the server
// looks up a typed address when no point was chosen.
(function () {
  "use strict";
  var frame = document.getElementById("place-map");
  if (!frame) return;
  var map = window.Schatkaart.maps[frame.dataset.mapName];
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var areaField = document.getElementById("area_geojson");
  var address = document.getElementById("address");
  var status = document.getElementById("gekozen-plek");
  var results = document.getElementById("adres-resultaten");
  var searchButton = document.getElementById("zoek-adres");
  var tools = document.querySelector(".map-tools");
  var modePoint = document.getElementById("modus-punt");
  var modeArea = document.getElementById("modus-gebied");
  var clearButton = document.getElementById("wis-plek");
  var marker = null;
  var words = JSON.parse(document.getElementById("js-messages").textContent);
  function say(key, values) {
    return words[key].replace(/\{(\w+)\}/g, function (_m, name) { return String(values[name]); });
  }
  var polygon = null;
  var corners = [];
  var mode = "point";
  searchButton.hidden = false;
  tools.hidden = false;

  function setPoint(latlng, label) {
    corners = [];
    if (polygon) { map.removeLayer(polygon); polygon = null; }
    areaField.value = "";
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(latlng);
    else marker = L.marker(latlng, { title: words.chosen_place, alt: words.chosen_place }).addTo(map);
    status.textContent = say("chosen_at", { place: (label ? label + " (" : "") + lat.value + ", " + lon.value + (label ? ")" : "") });
    frame.dataset.chosen = "point";
  }

  function addCorner(latlng) {
    if (marker) { map.removeLayer(marker); marker = null; }
    lat.value = ""; lon.value = "";
    corners.push([latlng.lng, latlng.lat]);
    var ring = corners.map(function (c) { return [c[1], c[0]]; });
    if (polygon) polygon.setLatLngs(ring);
    else polygon = L.polygon(ring, { color: "#b34700" }).addTo(map);
    if (corners.length >= 3) {
      areaField.value = JSON.stringify({ type: "Polygon", coordinates: [corners.concat([corners[0]])] });
      status.textContent = say("area_drawn", { n: corners.length });
      frame.dataset.chosen = "area";
    } else {
      status.textContent = say("corner_chosen", { n: corners.length, m: 3 - corners.length });
    }
  }

  function setMode(next) {
    mode = next;
    modePoint.setAttribute("aria-pressed", String(next === "point"));
    modeArea.setAttribute("aria-pressed", String(next === "area"));
  }

  map.on("click", function (e) { if (mode === "point") setPoint(e.latlng); else addCorner(e.latlng); });
  modePoint.addEventListener("click", function () { setMode("point"); });
  modeArea.addEventListener("click", function () { setMode("area"); });
  clearButton.addEventListener("click", function () {
    corners = []; lat.value = ""; lon.value = ""; areaField.value = "";
    if (marker) { map.removeLayer(marker); marker = null; }
    if (polygon) { map.removeLayer(polygon); polygon = null; }
    status.textContent = words.cleared;
  });

  function search() {
    var q = address.value.trim();
    if (q.length < 2) return;
    results.innerHTML = "";
    var busy = document.createElement("li");
    busy.textContent = words.searching;  // in the page's language
    results.appendChild(busy);
    fetch("/api/geocode?q=" + encodeURIComponent(q))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        results.innerHTML = "";
        if (!data.results || !data.results.length) {
          results.innerHTML = "";
          var none = document.createElement("li");
          none.textContent = words.nothing_found;
          results.appendChild(none);
          return;
        }
        data.results.forEach(function (r) {
          var li = document.createElement("li");
          var b = document.createElement("button");
          b.type = "button";
          b.className = "link-button utrecht-link-button utrecht-link-button--html-button";
          b.textContent = r.label;
          b.addEventListener("click", function () {
            address.value = r.label;
            var ll = L.latLng(r.lat, r.lon);
            setPoint(ll, r.label);
            map.setView(ll, 17);
            results.innerHTML = "";
            address.focus();
          });
          li.appendChild(b);
          results.appendChild(li);
        });
      })
      .catch(function () {
        results.innerHTML = "";
        var failed = document.createElement("li");
        failed.textContent = words.search_failed;
        results.appendChild(failed);
      });
  }
  searchButton.addEventListener("click", search);
  address.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); search(); }
  });
  address.addEventListener("input", function () {
    // A new address replaces an earlier choice, so the server looks it up if not picked.
    if (mode === "point" && marker) { lat.value = ""; lon.value = ""; }
  });

  if (lat.value && lon.value) setPoint(L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
  if (areaField.value) {
    try {
      var ring = JSON.parse(areaField.value).coordinates[0];
      ring.slice(0, -1).forEach(function (c) { addCorner(L.latLng(c[1], c[0])); });
      setMode("area");
    } catch (err) { areaField.value = ""; }
  }
})();
