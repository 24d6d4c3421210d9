// Builds every map on the page from its data block (maps/builders.py): view, tiles, GeoJSON
// layers and markers. Text from people (titles, buurt names, framing) is only ever set as
// textContent or as an attribute value, never parsed as HTML or run as code. The maps and
// their named layers are kept in window.Schatkaart for the page's own scripts.
(function () {
  "use strict";
  var registry = window.Schatkaart = window.Schatkaart || { maps: {}, layers: {} };

  function textTooltip(layer, text) {
    if (text === undefined || text === null || text === "") return;
    var label = document.createElement("span");
    label.textContent = String(text);
    layer.bindTooltip(label, { sticky: true });
  }

  // An outline with a tooltip gets focus listeners, and Chromium then puts every such SVG path in
  // the Tab order: 111 unnamed stops for Utrecht's buurten. The buurt choice in the filters and
  // the address search are the keyboard's way to a buurt, so outlines are taken out of the order.
  function outOfTabOrder(layer) {
    var each = layer.eachLayer ? layer.eachLayer.bind(layer) : function (fn) { fn(layer); };
    each(function (shape) {
      var el = shape.getElement && shape.getElement();
      if (el) el.setAttribute("tabindex", "-1");
    });
  }
  registry.outOfTabOrder = outOfTabOrder;

  function build(el) {
    var block = document.getElementById(el.dataset.mapSpec);
    if (!block || registry.maps[el.id]) return;
    var spec = JSON.parse(block.textContent);
    var map = L.map(el, { maxZoom: spec.maxZoom, zoomAnimation: true });
    L.tileLayer(spec.tiles.url, { attribution: spec.tiles.attribution, maxZoom: spec.maxZoom }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    if (spec.bounds) map.fitBounds(spec.bounds, { animate: false });
    else map.setView(spec.center, spec.zoom, { animate: false });
    spec.layers.forEach(function (item) {
      var layer;
      if (item.kind === "geojson") {
        layer = L.geoJSON(item.data, {
          style: function () { return item.style; },
          onEachFeature: function (feature, shape) {
            if (item.label) textTooltip(shape, feature.properties[item.label]);
          }
        });
      } else if (item.kind === "marker") {
        layer = L.marker([item.lat, item.lon], { title: item.title, alt: item.title });
        textTooltip(layer, item.title);
      } else {
        return;
      }
      layer.addTo(map);
      if (item.kind === "geojson") outOfTabOrder(layer);
      if (item.name) registry.layers[el.id + ":" + item.name] = layer;
    });
    registry.maps[el.id] = map;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-map-spec]"), build);
})();
