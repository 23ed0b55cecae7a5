// Added by `editionbuilder serve --watch` to each page it sends (the built
// files never carry it): asks the server, every second and at the address
// the page came from, which build it serves, and reloads the page once a
// rebuild has replaced the one the page was sent from.
(function () {
  "use strict";
  var sent = document.currentScript && document.currentScript.dataset.version;
  function ask() {
    fetch("/_editionbuilder/version", { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (version) {
        if (version !== null && sent !== undefined && version !== sent) location.reload();
      })
      .catch(function () {})
      .finally(function () { setTimeout(ask, 1000); });
  }
  ask();
})();
