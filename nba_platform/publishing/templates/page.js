(function () {
  "use strict";
  var table = document.getElementById("picks");
  if (!table || !table.tHead) { return; }
  var headers = table.tHead.rows[0].cells;
  var body = table.tBodies[0];
  function value(cell, type) {
    var raw = cell.getAttribute("data-value");
    if (raw === null) { raw = cell.textContent; }
    if (raw === "") { return null; }
    return type === "num" ? parseFloat(raw) : raw.toLowerCase();
  }
  function sortBy(index) {
    var th = headers[index];
    var type = th.getAttribute("data-type") || "text";
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    for (var i = 0; i < headers.length; i++) { headers[i].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", dir);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a.cells[index], type), y = value(b.cells[index], type);
      if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }  // blanks last
      var c = x < y ? -1 : (x > y ? 1 : 0);
      return dir === "ascending" ? c : -c;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) { fragment.appendChild(row); });
    body.appendChild(fragment);
    document.getElementById("sorted-by").textContent = th.textContent + " (" + dir + ")";
  }
  Array.prototype.forEach.call(headers, function (th, index) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(index); });
    th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sortBy(index); } });
  });
})();
