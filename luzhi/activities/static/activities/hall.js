// The hall screen: a button to fill the projector (browsers allow full screen only on a click).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-fullscreen]") && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(() => {});
  }
});
