// Meeting papers on phones (pdf.js, served locally): the watermarked PDF this reader may open,
// drawn page by page onto canvases as wide as the screen. A page is drawn when it comes near the
// screen, so a long report opens at once and costs memory only for the pages read.
const root = document.querySelector("[data-pdf-viewer]");
const status = root && root.querySelector("[data-pdf-status]");

function say(text) {
  if (status) status.textContent = text;
}

async function open() {
  const lib = await import(root.dataset.lib);
  lib.GlobalWorkerOptions.workerSrc = root.dataset.worker;
  const pdf = await lib.getDocument({
    url: root.dataset.src,
    withCredentials: true,
    cMapUrl: root.dataset.cmaps,
    cMapPacked: true,
    standardFontDataUrl: root.dataset.fonts,
    wasmUrl: root.dataset.wasm,
    isEvalSupported: false, // the Content-Security-Policy allows no eval
  }).promise;
  say(`共 ${pdf.numPages} 页`);
  // Until a page is drawn its canvas keeps the first page's shape, so the scroll bar is right.
  const first = (await pdf.getPage(1)).getViewport({ scale: 1 });
  const pages = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const canvas = document.createElement("canvas");
    canvas.className = "lz-pdf-page";
    canvas.dataset.page = String(n);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `第 ${n} 页`);
    canvas.width = Math.floor(first.width);
    canvas.height = Math.floor(first.height);
    const label = document.createElement("div");
    label.className = "lz-pdf-label";
    label.textContent = `${n} / ${pdf.numPages}`;
    root.append(canvas, label);
    pages.push(canvas);
  }
  const drawn = new Set();
  async function draw(canvas) {
    const n = Number(canvas.dataset.page);
    if (drawn.has(n)) return;
    drawn.add(n);
    const page = await pdf.getPage(n);
    const width = root.clientWidth || window.innerWidth;
    const scale = width / page.getViewport({ scale: 1 }).width;
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: scale * ratio });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    await page.render({ canvasContext: canvas.getContext("2d"), canvas, viewport }).promise;
    canvas.dataset.drawn = "true";
  }
  if ("IntersectionObserver" in window) {
    const watcher = new IntersectionObserver(
      (entries) => entries.filter((e) => e.isIntersecting).forEach((e) => draw(e.target)),
      { rootMargin: "200% 0px" },
    );
    pages.forEach((canvas) => watcher.observe(canvas));
  } else {
    for (const canvas of pages) await draw(canvas);
  }
}

if (root) {
  open().catch(() => say("无法在页面中显示此文件，请点击“打开原文件”。"));
}
