// Bundles the diagram viewer, the modeler and the portal's copy button with esbuild into
// service/web/static/dist/ (git-ignored).
// Run by `make web` (part of `make install`, so `make run` and `make test` build it).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(root, "service", "web", "static", "dist");

await build({
  absWorkingDir: root,
  entryPoints: {
    viewer: "frontend/viewer.js",
    modeler: "frontend/modeler.js",
    portal: "frontend/portal.js",
  },
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  loader: { ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".eot": "dataurl", ".svg": "dataurl" },
  outdir,
  logLevel: "warning",
});
console.log(`built viewer, modeler and portal bundles into ${path.relative(root, outdir)}`);
