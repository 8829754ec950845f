// Copy YASGUI's built files from node_modules (installed by `npm ci`) into the package's static
// folder, so the query editor is served by atlas-graph itself: nothing comes from a CDN at run time.
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "@zazuko", "yasgui", "build");
const target = join(root, "server", "static", "vendor", "yasgui");
const files = ["yasgui.min.js", "yasgui.min.css"];

if (!existsSync(source)) {
  console.error(`vendor-yasgui: ${source} is missing; run \`npm ci\` first`);
  process.exit(1);
}
mkdirSync(target, { recursive: true });
for (const name of files) {
  copyFileSync(join(source, name), join(target, name));
}
console.log(`vendor-yasgui: ${files.join(", ")} → ${target}`);
