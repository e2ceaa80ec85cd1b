// Follows a report that is queued or running: polls its status once a second and updates the page in place.
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box || box.dataset.finished === "true") return;
  var field = function (name) { return box.querySelector('[data-field="' + name + '"]'); };

  function show(data) {
    var label = field("status_label");
    label.textContent = data.status_label;
    label.className = "status status-" + data.status;
    field("progress").value = data.progress;
    ["where", "overdue", "error"].forEach(function (name) {
      var line = field(name);
      line.textContent = data[name];
      line.hidden = !data[name];
    });
    if (data.files.length) {
      var list = field("files");
      list.textContent = "";
      data.files.forEach(function (file) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = file.url;
        link.textContent = file.label;
        link.setAttribute("download", "");
        item.appendChild(link);
        list.appendChild(item);
      });
    }
    if (data.finished) field("reload").hidden = false;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        show(data);
        if (!data.finished) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
