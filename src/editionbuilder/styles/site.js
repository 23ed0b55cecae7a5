// The site's one script. Without it every page works: a note call goes to
// the note on the Notes page, and pages.html#page-12 lists page 12 with a
// link to its place in the text. With it, a note opens where it is called
// (a popover the page carries), and pages.html#page-12 goes straight to
// that place.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var call = event.target.closest && event.target.closest('a[role="doc-noteref"]');
    if (!call) return;
    var note = (call.getAttribute("href") || "").split("#")[1];
    var popover = note && document.getElementById("pop-" + note);
    if (!popover || typeof popover.showPopover !== "function") return;
    event.preventDefault();
    popover.showPopover();
    var close = popover.querySelector("button");
    if (close) close.focus();
    popover.addEventListener("toggle", function back(e) {
      if (e.newState !== "closed") return;
      popover.removeEventListener("toggle", back);
      call.focus();
    });
  });
  if (document.body.classList.contains("page-list") && location.hash) {
    var entry = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var link = entry && entry.querySelector("a[href]");
    if (link) location.replace(link.href);
  }
})();
