// Drag and drop uploads, and a reload when a background rebuild finishes. No inline handlers:
// the Content-Security-Policy allows only this file.
"use strict";

function setUpDropzone() {
  const zone = document.getElementById("dropzone");
  if (!zone) return;
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const form = new FormData();
    for (const file of event.dataTransfer.files) form.append("files", file);
    const response = await fetch("/api/articles", { method: "POST", body: form });
    const report = await response.json();
    const counts = `stored=${report.stored.length}&duplicates=${report.duplicates.length}&failed=${report.failures.length}`;
    window.location.assign(`/?${counts}`);
  });
}

function waitForRebuild() {
  if (document.body.dataset.rebuilding !== "1") return;
  const poll = async () => {
    const status = await (await fetch("/api/status")).json();
    if (status.rebuilding) setTimeout(poll, 1000);
    else window.location.reload();
  };
  setTimeout(poll, 1000);
}

document.addEventListener("DOMContentLoaded", () => { setUpDropzone(); waitForRebuild(); });
