/* Luzhi's small page behaviours: confirm before destructive posts, upload progress, and what
   used to be inline handlers and styles (the Content-Security-Policy allows neither):
   data-lz-autosubmit (submit the form on change), data-lz-select (select the text on click), data-lz-back (go back),
   data-lz-width (a bar's width in percent), data-lz-count-for / data-lz-count-max (a
   character counter for the named textarea), data-lz-filter (a search box, hidden until this script
   runs, that narrows the named list to the rows whose data-lz-filter-text holds what is typed). */
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

  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-lz-autosubmit]");
    if (field && field.form) field.form.submit();
  });

  document.addEventListener("click", function (event) {
    var field = event.target.closest && event.target.closest("[data-lz-select]");
    if (field && field.select) field.select();
    var back = event.target.closest && event.target.closest("[data-lz-back]");
    if (back && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });

  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll(selector) : []);
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  // Phone cards (.lz-cards, see luzhi.css): each cell without a data-label takes its column's heading.
  function label(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
      var column = 0;
      Array.prototype.forEach.call(tr.children, function (cell) {
        if (!cell.hasAttribute("data-label") && !cell.hasAttribute("colspan") && heads[column]) {
          cell.setAttribute("data-label", heads[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  }

  function enhance(root) {
    within(root, "table.lz-cards").forEach(label);
    within(root, "[data-lz-width]").forEach(function (bar) {
      var percent = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-lz-width")) || 0));
      bar.style.width = percent + "%";
    });
    within(root, "[data-lz-count-for]").forEach(function (out) {
      var box = document.getElementById(out.getAttribute("data-lz-count-for"));
      var max = parseInt(out.getAttribute("data-lz-count-max"), 10);
      if (!box || out.getAttribute("data-lz-counting")) return;
      out.setAttribute("data-lz-counting", "1");
      function show() {
        var n = box.value.length;
        out.textContent = "已写 " + n + " / " + max + " 字";
        out.classList.toggle("text-danger", n > max);
      }
      box.addEventListener("input", show);
      show();
    });
    within(root, "[data-lz-filter]").forEach(function (input) {
      var list = document.querySelector(input.getAttribute("data-lz-filter"));
      if (!list || input.getAttribute("data-lz-filtering")) return;
      input.setAttribute("data-lz-filtering", "1");
      input.hidden = false;
      input.addEventListener("input", function () {
        var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        Array.prototype.forEach.call(list.querySelectorAll("[data-lz-filter-text]"), function (row) {
          var text = row.getAttribute("data-lz-filter-text");
          // A checked row stays in sight, so a narrowed list never hides what is chosen.
          var checked = row.querySelector("input:checked");
          row.hidden = !checked && !words.every(function (w) { return text.indexOf(w) >= 0; });
        });
      });
    });
  }

  // The service worker keeps only the static shell (CSS, scripts, icons, the offline page).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(enhance);  // the page itself and every swapped-in fragment
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document.body); });
  } else {
    enhance(document.body);
  }
})();
