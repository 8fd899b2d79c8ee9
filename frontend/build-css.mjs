// Luzhi's one stylesheet: Bootstrap and Bootstrap Icons cut down to the classes that Luzhi's
// templates, Python and scripts use (PurgeCSS), followed by luzhi.css whole. One small file
// instead of three large ones: less to download and less to parse before the first paint.
//
//   node frontend/build-css.mjs [out]      (default var/build/luzhi/app.css)
//
// Settings serve var/build/ as static files when the file exists (LUZHI_CSS_BUNDLE), else the
// pages link the three full stylesheets, so a checkout without Node still works.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = process.env.LUZHI_NODE_MODULES || resolve(root, "node_modules");
const { PurgeCSS } = await import(resolve(modules, "purgecss/lib/purgecss.js"));
const out = resolve(root, process.argv[2] || "var/build/luzhi/app.css");

const words = (content) => content.match(/[A-Za-z0-9_:/.-]+/g) || [];
// Python names icons without their prefix ("pencil-square" → class bi-pencil-square).
const pythonWords = (content) => {
  const found = words(content);
  return found.concat(found.map((w) => `bi-${w}`));
};

const bootstrap = resolve(modules, "bootstrap/dist/css/bootstrap.min.css");
const icons = resolve(modules, "bootstrap-icons/font/bootstrap-icons.min.css");
const content = [
  "templates/**/*.html",
  "luzhi/**/templates/**/*.html",
  "luzhi/**/*.py",
  "static/**/*.js",
  "luzhi/**/static/**/*.js",
].map((glob) => resolve(root, glob));

const results = await new PurgeCSS().purge({
  content,
  css: [bootstrap, icons],
  extractors: [
    { extractor: pythonWords, extensions: ["py"] },
    { extractor: words, extensions: ["html", "js"] },
  ],
  // What Bootstrap's and htmx's scripts add at run time, and the CSS variables every rule uses.
  safelist: {
    standard: [/^show$/, /^showing$/, /^hiding$/, /^collapsing$/, /^fade$/, /^active$/, /^disabled$/, /^htmx-/],
    deep: [/dropdown-menu/, /navbar/, /collapse/, /^was-validated$/, /^alert-/, /^text-bg-/],
    greedy: [/data-bs-popper/, /data-bs-theme/],
    variables: [/^--bs-/],
  },
  variables: false,
  fontFace: false,
  keyframes: true,
});

const [bs, bi] = results.map((r) => r.css);
console.log(`bootstrap ${(bs.length / 1024).toFixed(1)} KiB, icons ${(bi.length / 1024).toFixed(1)} KiB`);
// The icon font's url is relative to bootstrap-icons.min.css; the bundle sits at luzhi/app.css.
const iconCss = bi.replace(/url\("(\.\/)?fonts\//g, 'url("../vendor/bootstrap-icons/fonts/');
const own = readFileSync(resolve(root, "static/luzhi/luzhi.css"), "utf8");
const css = `${bs}\n${iconCss}\n${own}`.replace(/\/\*# sourceMappingURL=[^*]*\*\//g, "");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, css);
const before = [bootstrap, icons].reduce((n, f) => n + readFileSync(f).length, own.length);
console.log(`${out}: ${(css.length / 1024).toFixed(1)} KiB (from ${(before / 1024).toFixed(1)} KiB)`);
