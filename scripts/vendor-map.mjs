// Copy Leaflet's built files from node_modules (installed by `npm ci`) into the package's static
// folder, and turn Natural Earth's country shapes (npm `world-atlas`, TopoJSON) into the GeoJSON
// basemap of /map: the map needs no tile server and nothing comes from elsewhere at run time.
import { copyFileSync, mkdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const require = createRequire(join(root, "package.json"));
const leafletSource = join(modules, "leaflet", "dist");
const atlasSource = join(modules, "world-atlas", "countries-110m.json");
const leafletTarget = join(root, "server", "static", "vendor", "leaflet");
const basemapTarget = join(root, "server", "static", "vendor", "basemap");

for (const needed of [leafletSource, atlasSource, join(modules, "topojson-client")]) {
  if (!existsSync(needed)) {
    console.error(`vendor-map: ${needed} is missing; run \`npm ci\` first`);
    process.exit(1);
  }
}
const { feature } = require("topojson-client");

mkdirSync(leafletTarget, { recursive: true });
for (const name of ["leaflet.js", "leaflet.css"]) {
  copyFileSync(join(leafletSource, name), join(leafletTarget, name));
}
copyFileSync(join(modules, "leaflet", "LICENSE"), join(leafletTarget, "LICENSE"));

const topology = JSON.parse(readFileSync(atlasSource, "utf8"));
const countries = feature(topology, topology.objects.countries);
mkdirSync(basemapTarget, { recursive: true });
writeFileSync(join(basemapTarget, "countries.geojson"), JSON.stringify(countries));
copyFileSync(join(modules, "world-atlas", "LICENSE"), join(basemapTarget, "LICENSE"));
console.log(`vendor-map: leaflet.js, leaflet.css → ${leafletTarget}; ` +
            `${countries.features.length} countries → ${join(basemapTarget, "countries.geojson")}`);
