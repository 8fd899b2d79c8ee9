// Luzhi's service worker: it keeps the static shell only — stylesheets, scripts, fonts, icons and
// the offline page, all under /static/ — so the installed app starts fast and says so when the
// network is gone. It never stores a page, an API answer or a download: those carry personal
// data, and every page is fetched from the server each time (the server sends them no-store).
"use strict";

const VERSION = "luzhi-shell-1";
const OFFLINE = "/static/luzhi/offline.html";
const SHELL = [OFFLINE, "/static/luzhi/offline.css", "/static/luzhi/icons/icon-192.png", "/static/luzhi/icons/icon-512.png"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function isShell(url) {
  return url.origin === self.location.origin && url.pathname.startsWith("/static/");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (isShell(url)) {
    // Hashed file names never change content: the cached copy is good for as long as it is kept.
    event.respondWith(
      caches.open(VERSION).then((cache) =>
        cache.match(request).then((hit) =>
          hit || fetch(request).then((response) => {
            if (response.ok && response.type === "basic") cache.put(request, response.clone());
            return response;
          }),
        ),
      ),
    );
  } else if (request.mode === "navigate") {
    // Pages always come from the network; only when it fails, the (static) offline page.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  }
});
