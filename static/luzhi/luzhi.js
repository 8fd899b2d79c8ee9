/* Luzhi's small page behaviours: confirm before destructive posts, upload progress. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest("form[data-progress]");
    if (!form || !event.detail.lengthComputable) return;
    var bar = document.querySelector(form.getAttribute("data-progress"));
    if (!bar) return;
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.parentElement.classList.remove("d-none");
    bar.style.width = percent + "%";
    bar.textContent = percent < 100 ? "上传中 " + percent + "%" : "上传完成，正在检查…";
    var checking = document.querySelector(form.getAttribute("data-checking"));
    if (checking && percent >= 100) checking.classList.remove("d-none");
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest("form[data-progress]");
    if (!form) return;
    var bar = document.querySelector(form.getAttribute("data-progress"));
    if (bar) { bar.style.width = "0%"; bar.textContent = ""; bar.parentElement.classList.remove("d-none"); }
    var checking = document.querySelector(form.getAttribute("data-checking"));
    if (checking) checking.classList.add("d-none");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest("form[data-progress]");
    if (!form) return;
    var bar = document.querySelector(form.getAttribute("data-progress"));
    if (bar) bar.parentElement.classList.add("d-none");
    var checking = document.querySelector(form.getAttribute("data-checking"));
    if (checking) checking.classList.add("d-none");
  });
})();
