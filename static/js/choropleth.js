// Colours the council's buurt map from the figures on the page (#choropleth-data): fill per
// buurt, a red dashed edge where nothing happened, and the buurt's figure as its tooltip (text,
// never HTML). The map itself (static outlines) comes from memory on the server.
(function () {
  "use strict";
  var block = document.getElementById("choropleth-data");
  if (!block) return;
  var data = JSON.parse(block.textContent);
  var layer = data.layer && window.Schatkaart && window.Schatkaart.layers[data.layer];
  if (!layer || !layer.eachLayer) return;
  layer.eachLayer(function (shape) {
    var code = shape.feature && shape.feature.properties && shape.feature.properties.code;
    var entry = Object.prototype.hasOwnProperty.call(data.areas, code) ? data.areas[code] : null;
    if (!entry) return;
    var active = entry[1];
    shape.setStyle({
      fillColor: entry[0],
      fillOpacity: 0.75,
      color: active ? "#333" : "#b00020",
      weight: active ? 1 : 2.5,
      dashArray: active ? null : "5 4",
    });
    var label = document.createElement("span");
    label.textContent = entry[2];
    shape.bindTooltip(label, { sticky: true });
    window.Schatkaart.outOfTabOrder(shape);  // the table beside the map is the keyboard's way
  });
})();
