// The query page: YASGUI bound to this service's endpoint, with its example queries. Nothing leaves the origin.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("sparql-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    yasqe: { value: config.queries[0].query, autocompleters: ["prefixes", "variables"] },
    yasr: { prefixes: config.prefixes, defaultPlugin: "table" },
  });
  window.advisorYasgui = yasgui;

  function show(index, run) {
    var tab = yasgui.getTab();
    tab.setQuery(config.queries[index].query);
    if (run) { tab.getYasqe().query(); }
  }
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () { show(Number(button.dataset.example), true); });
  });
})();
