// Live feedback only: every page works without this file.
"use strict";

// Ask before destructive or closing actions (buttons with data-confirm).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
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
      // The server escapes every value in this fragment (maud).
      out.innerHTML = answer.html;
    } catch (_) {
      // Offline or stopped: the "Check again" button still works.
    }
  };
  note.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
