// The searchable pickers (quartier/pickers.py): show their search boxes, which need JavaScript (htmx) to work.
// Without JavaScript the plain select is all there is, and all it needs.
"use strict";
function showPickerSearch(root) {
  root.querySelectorAll(".picker__search[hidden]").forEach(function (box) { box.hidden = false; });
}
document.addEventListener("DOMContentLoaded", function () { showPickerSearch(document); });
document.addEventListener("htmx:load", function (event) { showPickerSearch(event.target); });
