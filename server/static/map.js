/* The map of a selection: Leaflet (vendored, see scripts/vendor-map.mjs) over Natural Earth's
   countries (vendor/basemap/countries.geojson), the selection's GeoJSON on top. Collectivities are
   circles sized by their partnerships in the selection; lines join partners; circles closer than
   CLUSTER_PIXELS at the current zoom are drawn as one numbered cluster, which zooms in on a click.
   On a collectivity's page the map's focus (its path) is drawn with a dark ring.
   Nothing is fetched from another server unless the deployment configures a tile URL. */
(function () {
  "use strict";
  var CLUSTER_PIXELS = 28;

  function format(template, count) {
    return template.replace("{count}", String(count));
  }

  function radius(count) {
    return 4 + 3 * Math.sqrt(count);
  }

  function start(holder) {
    var config = JSON.parse(holder.getAttribute("data-config"));
    var messages = config.messages;
    var map = L.map(holder, { worldCopyJump: true, minZoom: 1, maxZoom: 12 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(messages.attribution);
    map.setView([20, 10], config.small ? 1 : 2);
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: 12 }).addTo(map);
    }
    var basemap = fetch(config.basemap).then(function (r) { return r.json(); }).then(function (countries) {
      L.geoJSON(countries, {
        interactive: false,
        style: { color: "#9a9a8e", weight: 0.6, fillColor: "#efeadc", fillOpacity: 1 }
      }).addTo(map);
      holder.setAttribute("data-basemap", "ready");
    });
    var lines = L.layerGroup().addTo(map);
    var markers = L.layerGroup().addTo(map);
    var points = [];

    function popup(feature) {
      var p = feature.properties;
      var box = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = p.name;
      name.lang = "fr";
      var count = document.createElement("p");
      count.textContent = format(messages.partnerships, p.partnerships) + (p.country ? " · " + p.country : "");
      var link = document.createElement("a");
      link.href = p.page;
      link.className = "map-popup-link";
      link.textContent = messages.page;
      box.appendChild(name);
      box.appendChild(count);
      box.appendChild(link);
      return box;
    }

    function draw() {
      markers.clearLayers();
      var zoom = map.getZoom();
      var cells = {};
      points.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var pixel = map.project([c[1], c[0]], zoom);
        var key = Math.floor(pixel.x / CLUSTER_PIXELS) + ":" + Math.floor(pixel.y / CLUSTER_PIXELS);
        (cells[key] = cells[key] || []).push(feature);
      });
      Object.keys(cells).forEach(function (key) {
        var members = cells[key];
        if (members.length === 1 || zoom >= map.getMaxZoom()) {
          members.forEach(function (feature) {
            var c = feature.geometry.coordinates;
            var p = feature.properties;
            var focused = config.focus && p.page.slice(-(config.focus.length + 6)) === "/page/" + config.focus;
            L.circleMarker([c[1], c[0]], {
              radius: radius(p.partnerships),
              color: focused ? "#111" : (p.french ? "#1d4f91" : "#a4341d"),
              fillColor: p.french ? "#1d4f91" : "#a4341d",
              weight: focused ? 3 : 1,
              fillOpacity: 0.6,
              className: "atlas-marker " + (p.french ? "atlas-marker-french" : "atlas-marker-foreign") +
                         (focused ? " atlas-marker-focus" : "")
            }).bindPopup(function () { return popup(feature); }).bindTooltip(p.name).addTo(markers);
          });
          return;
        }
        var bounds = L.latLngBounds(members.map(function (f) {
          return [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        }));
        var icon = L.divIcon({
          className: "atlas-cluster",
          html: "<span>" + members.length + "</span>",
          iconSize: [30, 30]
        });
        L.marker(bounds.getCenter(), { icon: icon, title: format(messages.cluster, members.length), keyboard: true })
          .on("click", function () { map.fitBounds(bounds.pad(0.3)); })
          .addTo(markers);
      });
    }

    var data = fetch(config.geojson).then(function (r) { return r.json(); }).then(function (collection) {
      var linked = [];
      collection.features.forEach(function (feature) {
        if (feature.geometry.type === "Point") {
          points.push(feature);
        } else {
          var c = feature.geometry.coordinates;
          linked.push([[c[0][1], c[0][0]], [c[1][1], c[1][0]]]);
        }
      });
      if (linked.length) {
        L.polyline(linked, { color: "#555", weight: 1, opacity: 0.35, interactive: false,
                             renderer: L.canvas() }).addTo(lines);
      }
      if (points.length) {
        var bounds = L.latLngBounds(points.map(function (f) {
          return [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        }));
        map.fitBounds(bounds.pad(0.2), { maxZoom: config.small ? 6 : 5 });
      }
      draw();
      map.on("zoomend", draw);
      holder.setAttribute("data-markers", String(points.length));
    });
    Promise.all([basemap, data]).then(function () {
      holder.setAttribute("data-ready", "true");
    }).catch(function (error) {
      holder.setAttribute("data-error", String(error));
      console.error("map: " + error);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    document.querySelectorAll(".atlas-map[data-config]").forEach(start);
  });
})();
