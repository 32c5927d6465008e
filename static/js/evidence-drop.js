// The scoring sheet: files dropped onto a row are uploaded to that row's evidence, through the
// row's own upload form (htmx sends it and swaps the row's evidence in place). Listeners sit on
// the document, so rows swapped in by htmx keep working.
(function () {
  function rowOf(event) {
    var target = event.target;
    var row = target && target.closest ? target.closest("tr[data-drop]") : null;
    return row && row.querySelector("form.evidence-form") ? row : null;
  }
  function carriesFiles(event) {
    return event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0;
  }
  document.addEventListener("dragover", function (event) {
    if (!carriesFiles(event)) return;
    // Files dropped beside a row are refused here, rather than opened by the browser in place
    // of the sheet.
    event.preventDefault();
    var row = rowOf(event);
    event.dataTransfer.dropEffect = row ? "copy" : "none";
    if (row) row.classList.add("drop-target");
  });
  document.addEventListener("dragleave", function (event) {
    var row = rowOf(event);
    if (row && !row.contains(event.relatedTarget)) row.classList.remove("drop-target");
  });
  document.addEventListener("drop", function (event) {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    var row = rowOf(event);
    if (!row || event.dataTransfer.files.length === 0) return;
    row.classList.remove("drop-target");
    var form = row.querySelector("form.evidence-form");
    form.querySelector("input[type=file]").files = event.dataTransfer.files;
    form.requestSubmit();
  });
})();
