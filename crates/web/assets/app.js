// Live feedback only: every page works without this file.
"use strict";

// Ask before destructive or closing actions (buttons with data-confirm).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.getAttribute("data-confirm");
  if (!question) {
    return;
  }
  if (!window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // A yes the server must hear (the composer's "log it with the errors").
  const adds = button.getAttribute("data-confirm-adds");
  if (adds) {
    const yes = document.createElement("input");
    yes.type = "hidden";
    yes.name = adds;
    yes.value = "true";
    event.target.appendChild(yes);
  }
});

// The composer: lint the note as it is typed, after a short pause.
(() => {
  const form = document.getElementById("composer");
  const note = document.getElementById("note");
  const out = document.getElementById("diagnostics");
  if (!form || !note || !out) {
    return;
  }
  let timer = null;
  let sent = 0;
  const check = async () => {
    const mine = ++sent;
    try {
      const response = await fetch("/api/v1/lint", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          text: note.value,
          app: form.dataset.lintApp,
          person: form.dataset.lintPerson,
          kind: form.dataset.lintKind,
          html: true,
        }),
      });
      if (!response.ok || mine !== sent) {
        return;
      }
      const answer = await response.json();
      // The server escapes every value in these fragments (maud).
      out.innerHTML = answer.html;
      // Log as sent asks first while the note has errors.
      const log = document.getElementById("log-sent");
      if (log) {
        if (out.querySelector("li.error")) {
          log.setAttribute("data-confirm", "The note has errors (see What to look at). Log it as sent anyway?");
        } else {
          log.removeAttribute("data-confirm");
        }
      }
      const panel = document.getElementById("panel");
      if (panel && answer.panel_html) {
        panel.innerHTML = answer.panel_html;
      }
    } catch (_) {
      // Offline or stopped: the "Check again" button still works.
    }
  };
  note.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();

// The composer: copy the note (subject first) to the clipboard.
(() => {
  const button = document.getElementById("copy-note");
  const note = document.getElementById("note");
  const subject = document.getElementById("subject");
  if (!button || !note || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = (subject && subject.value.trim() ? "Subject: " + subject.value.trim() + "\n\n" : "") + note.value;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch (_) {
      button.textContent = "Copy failed: select the text instead";
    }
  });
})();

// The board: drag a card to another column to move it. The drop submits
// the card's own stage form (the way without a mouse, and without this
// script), so the server, the message and its Undo are the same.
(() => {
  const columns = document.querySelectorAll(".board .column[data-stage]");
  if (!columns.length) {
    return;
  }
  let dragged = null;
  document.querySelectorAll(".board .card[draggable]").forEach((card) => {
    card.addEventListener("dragstart", (event) => {
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.app || "");
    });
    card.addEventListener("dragend", () => {
      card.classList.remove("dragging");
      columns.forEach((c) => c.classList.remove("drop-target"));
      dragged = null;
    });
  });
  columns.forEach((column) => {
    column.addEventListener("dragover", (event) => {
      if (!dragged) {
        return;
      }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", (event) => {
      if (!column.contains(event.relatedTarget)) {
        column.classList.remove("drop-target");
      }
    });
    column.addEventListener("drop", (event) => {
      event.preventDefault();
      column.classList.remove("drop-target");
      const card = dragged;
      if (!card) {
        return;
      }
      const form = card.querySelector("form.move");
      const select = form && form.querySelector("select[name=stage]");
      if (!select || select.value === column.dataset.stage) {
        return;
      }
      select.value = column.dataset.stage;
      column.querySelector("ul").appendChild(card);
      form.requestSubmit();
    });
  });
})();
