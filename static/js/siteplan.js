// Site plan: the drawing on Leaflet in venue metres (L.CRS.Simple: lat = y, lng = x), drawn and edited with
// Leaflet-Geoman, saved whole through the site-plan API. The keyboard form on the page does the same without
// a mouse; the figures are the server's (siteplan.services), so the page reloads after a save.
(function () {
  "use strict";
  const element = document.getElementById("siteplan-map");
  const source = document.getElementById("siteplan-data");
  if (!element || !source || typeof L === "undefined") return;
  const data = JSON.parse(source.textContent);
  const editable = element.dataset.editable === "1";
  const postsOnly = !editable && element.dataset.posts === "1";  // the reviewer may move posts, nothing else
  const POSTS = ["command", "fixed", "patrol", "mobile"];
  const bounds = [[0, 0], [data.height_m, data.width_m]];
  const map = L.map(element, { crs: L.CRS.Simple, minZoom: -5, attributionControl: false, zoomSnap: 0.25 });
  map.fitBounds(bounds);
  // The background (an uploaded image, or a PDF's first page) under the drawing, stretched over its extent.
  if (data.background) {
    L.imageOverlay(data.background, bounds, { interactive: false, className: "siteplan-background", pmIgnore: true }).addTo(map);
  }
  L.rectangle(bounds, { color: "#adb5bd", weight: 1, fill: false, interactive: false }).addTo(map);
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  const kindSelect = document.querySelector("[data-testid=siteplan-form] select[name=kind]");

  const toLatLng = ([x, y]) => [y, x];
  const toXY = (latlng) => [Math.round(latlng.lng * 100) / 100, Math.round(latlng.lat * 100) / 100];
  const style = (kind) => ({ color: (data.layers[kind] || {}).colour || "#333", weight: 2, fillOpacity: 0.15,
                             pmIgnore: postsOnly && !POSTS.includes(kind) });

  const drawn = L.featureGroup().addTo(map);
  function addFeature(feature) {
    const { kind } = feature.properties;
    const g = feature.geometry;
    let layer;
    if (g.type === "Polygon") layer = L.polygon(g.coordinates[0].slice(0, -1).map(toLatLng), style(kind));
    else if (g.type === "LineString") layer = L.polyline(g.coordinates.map(toLatLng), { ...style(kind), weight: 5 });
    else layer = L.circleMarker(toLatLng(g.coordinates), { ...style(kind), radius: 6, fillOpacity: 0.8 });
    layer.feature = feature;
    layer.bindTooltip(`${(data.layers[kind] || {}).label || kind} ${feature.properties.name || ""}`);
    drawn.addLayer(layer);
  }
  data.features.features.forEach(addFeature);
  // The derived deployment, proposed: grey dashed points (accepting copies them into the drawn layers).
  (data.posts || []).forEach((post) => {
    L.circleMarker(toLatLng(post.at), { radius: 4, color: "#6c757d", dashArray: "2", fillOpacity: 0.2, interactive: false,
                                        className: "siteplan-proposed", pmIgnore: true })
      .addTo(map);
  });

  // Scale by two points: pick them on the map; the form gets their background pixels (top-left origin).
  const pick = document.getElementById("siteplan-pick-points");
  const scaleForm = document.querySelector("[data-testid=siteplan-scale-form]");
  if (pick && scaleForm && editable) {
    pick.classList.remove("d-none");
    let picked = [];
    const toPixel = (latlng) => {
      if (!data.background_px) return toXY(latlng);
      const [w, h] = data.background_px;
      return [Math.round(latlng.lng / data.width_m * w), Math.round((data.height_m - latlng.lat) / data.height_m * h)];
    };
    const onPick = (event) => {
      picked.push(toPixel(event.latlng));
      L.circleMarker(event.latlng, { radius: 5, color: "#d63384", pmIgnore: true, className: "siteplan-scale-point" }).addTo(map);
      if (picked.length === 2) {
        scaleForm.querySelector("input[name=point_a]").value = picked[0].join(",");
        scaleForm.querySelector("input[name=point_b]").value = picked[1].join(",");
        map.off("click", onPick);
        element.classList.remove("siteplan-picking");
        scaleForm.querySelector("input[name=distance_m]").focus();
      }
    };
    pick.addEventListener("click", () => {
      picked = [];
      element.classList.add("siteplan-picking");
      map.on("click", onPick);
    });
  }

  function geometryOf(layer) {
    if (layer instanceof L.Polygon) {
      const ring = layer.getLatLngs()[0].map(toXY);
      return { type: "Polygon", coordinates: [[...ring, ring[0]]] };
    }
    if (layer instanceof L.Polyline) return { type: "LineString", coordinates: layer.getLatLngs().map(toXY) };
    return { type: "Point", coordinates: toXY(layer.getLatLng()) };
  }

  function collection() {
    const features = [];
    drawn.eachLayer((layer) => {
      if (!layer.feature) return;
      // Posts-only: everything but the posts goes back exactly as it came.
      const moved = !postsOnly || POSTS.includes(layer.feature.properties.kind);
      features.push(moved ? { ...layer.feature, geometry: geometryOf(layer) } : layer.feature);
    });
    return { type: "FeatureCollection", features };
  }

  function showErrors(errors) {
    const box = document.getElementById("siteplan-errors");
    box.textContent = Object.entries(errors).map(([where, messages]) => `${where}: ${[].concat(messages).join(" ")}`).join("\n");
    box.classList.remove("d-none");
  }

  function save() {
    fetch(element.dataset.api, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({ features: collection(), revision: data.revision }),
    }).then((response) => {
      if (response.ok) { window.location.reload(); return null; }
      return response.json().then(showErrors);
    }).catch(() => showErrors({ "": [element.dataset.offline || "…"] }));
  }

  if (postsOnly && map.pm) {
    map.pm.addControls({ position: "topleft", drawMarker: false, drawCircle: false, drawCircleMarker: false,
                         drawPolyline: false, drawRectangle: false, drawPolygon: false, drawText: false,
                         editMode: false, cutPolygon: false, removalMode: false, rotateMode: false, dragMode: true });
    map.on("pm:globaldragmodetoggled", ({ enabled }) => { if (!enabled) save(); });
    return;
  }
  if (!editable || !map.pm) return;
  map.pm.addControls({ position: "topleft", drawCircle: false, drawCircleMarker: false, drawText: false,
                       drawRectangle: true, cutPolygon: false, rotateMode: false });
  map.pm.setGlobalOptions({ snappable: true });
  map.on("pm:create", ({ layer }) => {
    const kind = kindSelect ? kindSelect.value : "audience";
    const props = { kind, key: `${kind}-${Date.now().toString(36)}`, name: "" };
    if (kind === "gate") {
      const width = document.querySelector("[data-testid=siteplan-form] input[name=width_m]");
      props.width_m = width && width.value ? parseFloat(width.value) : 3;
      props.gate_kind = "level"; props.role = "both";
    }
    layer.feature = { type: "Feature", properties: props };
    drawn.addLayer(layer);
    save();
  });
  map.on("pm:globaleditmodetoggled", ({ enabled }) => { if (!enabled) save(); });
  map.on("pm:globalremovalmodetoggled", ({ enabled }) => { if (!enabled) save(); });
  map.on("pm:remove", ({ layer }) => drawn.removeLayer(layer));
  map.on("pm:globaldragmodetoggled", ({ enabled }) => { if (!enabled) save(); });
})();
