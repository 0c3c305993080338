// Drag and drop uploads, and live pages: a story page reloads only when its own story's version
// changes, the story list when any story's does; other pages reload when a background rebuild
// finishes. No inline handlers: the Content-Security-Policy allows only this file.
"use strict";

function csrfToken() {
  const meta = document.querySelector("meta[name=csrf-token]");
  return meta ? meta.content : "";
}

function showDropMessage(text) {
  const message = document.getElementById("drop-message");
  message.textContent = text;
  message.hidden = false;
}

async function uploadDropped(files) {
  const form = new FormData();
  for (const file of files) form.append("files", file);
  let response;
  try {
    response = await fetch("/api/articles", {
      method: "POST", body: form, headers: { "X-CSRF-Token": csrfToken() },
    });
  } catch (error) {
    showDropMessage(`The upload did not reach the server: ${error.message}`);
    return;
  }
  const answer = await response.json().catch(() => ({}));
  if (answer.report) window.location.assign(`/?report=${encodeURIComponent(answer.report)}`);
  else showDropMessage(`The upload was refused (${response.status}): ${answer.detail || response.statusText}`);
}

function setUpDropzone() {
  const zone = document.getElementById("dropzone");
  if (!zone) return;
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    // A dragged text selection or link arrives with no files: say so, send nothing.
    const files = event.dataTransfer ? Array.from(event.dataTransfer.files) : [];
    if (files.length === 0) showDropMessage("Nothing to upload: drop files, not text or links.");
    else uploadDropped(files);
  });
}

const POLL_MS = 3000;

function followVersion(marker) {
  // The page asks for its own version and reloads only when it differs from the one it shows;
  // a rebuild that leaves its story alone just clears the "rebuilding" note.
  const poll = async () => {
    try {
      const answer = await (await fetch(marker.dataset.poll, { cache: "no-store" })).json();
      if (String(answer.version) !== marker.dataset.version) { window.location.reload(); return; }
      const note = document.getElementById("rebuild-status");
      if (note && !answer.rebuilding) note.hidden = true;
    } catch (error) { /* the server is restarting, or the story moved: try again */ }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

function waitForRebuild() {
  const marker = document.getElementById("live-version");
  if (marker) { followVersion(marker); return; }
  if (document.body.dataset.rebuilding !== "1") return;
  const poll = async () => {
    try {
      const status = await (await fetch("/api/status")).json();
      if (!status.rebuilding) { window.location.reload(); return; }
    } catch (error) { /* the server is restarting: try again */ }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}

document.addEventListener("DOMContentLoaded", () => { setUpDropzone(); waitForRebuild(); });
