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
