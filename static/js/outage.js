// Show the notice of quartier/outage.py. When the database cannot be reached, an htmx request gets HTTP 503
// with a short notice and an HX-Reswap header that puts it at the end of the request's target (on the
// ballot page: the item the juror just voted on). htmx swaps no error answer by default; this swaps that
// one, and no other 503 (a proxy's page has no HX-Reswap), replacing an earlier notice.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr.status !== 503 || !xhr.getResponseHeader("HX-Reswap")) {
    return;
  }
  document.querySelectorAll(".outage-notice").forEach(function (notice) {
    notice.remove();
  });
  event.detail.shouldSwap = true;
});

document.addEventListener("htmx:afterSwap", function (event) {
  var notice = event.detail.xhr.status === 503 && document.querySelector(".outage-notice");
  if (notice) {
    notice.scrollIntoView({ block: "nearest" });
  }
});
