/* The query editor: YASGUI (vendored, see scripts/vendor-yasgui.mjs) on this server's endpoint,
   started with the first example; the example buttons load their query into the editor.
   Everything stays on this server: no tab persistence, no remote autocompletion. */
(function () {
  "use strict";
  var holder = document.getElementById("yasgui");
  var data = document.getElementById("query-editor-config");
  if (!holder || !data || typeof Yasgui === "undefined") return;
  var config = JSON.parse(data.textContent);

  // Only completions computed in the page: the others ask prefix.cc and LOV over the network.
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    yasqe: { persistenceId: null, prefixCcApi: undefined },
    yasr: { persistenceId: null }
  });
  var tab = yasgui.getTab();
  tab.setQuery(config.examples[0]);

  document.querySelectorAll("button[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = config.examples[Number(button.getAttribute("data-example"))];
      var current = yasgui.getTab();
      current.setQuery(example);
      current.getYasqe().focus();
    });
  });
  document.body.classList.add("editor-ready");
})();
