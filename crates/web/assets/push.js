// The installed page and the digest's notifications. Registers the service
// worker (no permission needed for that); asks the browser's permission for
// notifications only when the user presses "Turn on notifications".
// Every page works without this file.
"use strict";

(() => {
  if (!("serviceWorker" in navigator)) {
    return;
  }
  const ready = navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((err) => {
    document.documentElement.dataset.swError = String(err);
    return null;
  });

  const box = document.getElementById("push");
  if (!box) {
    return;
  }
  const on = document.getElementById("push-on");
  const off = document.getElementById("push-off");
  const test = document.getElementById("push-test");
  const status = document.getElementById("push-status");
  const say = (text) => {
    status.textContent = text;
  };
  if (!("PushManager" in window) || !("Notification" in window)) {
    say("This browser cannot receive push notifications.");
    return;
  }

  const bytes = (b64url) => {
    const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  const api = async (method, path, body) => {
    const res = await fetch("/api/v1" + path, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) {
      throw new Error(answer.message || res.statusText);
    }
    return answer;
  };
  const show = (subscribed) => {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    test.hidden = !subscribed;
  };

  ready.then(async (reg) => {
    if (!reg) {
      say("Notifications are unavailable: the service worker did not register.");
      return;
    }
    const current = await reg.pushManager.getSubscription();
    show(Boolean(current));
    if (current) {
      say("This browser receives the digest.");
    }
  });

  on.addEventListener("click", async () => {
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say("The browser did not allow notifications; change that in its site settings.");
        return;
      }
      const reg = await navigator.serviceWorker.ready;
      const { public_key: key } = await api("GET", "/push/key");
      const sub = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: bytes(key),
      });
      await api("POST", "/push/subscriptions", sub.toJSON());
      show(true);
      say("This browser receives the digest.");
    } catch (err) {
      say("Notifications were not turned on: " + err.message);
    }
  });

  off.addEventListener("click", async () => {
    try {
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.getSubscription();
      if (sub) {
        await api("DELETE", "/push/subscriptions", { endpoint: sub.endpoint });
        await sub.unsubscribe();
      }
      show(false);
      say("This browser no longer receives the digest.");
    } catch (err) {
      say("Notifications were not turned off: " + err.message);
    }
  });

  test.addEventListener("click", async () => {
    try {
      const sent = await api("POST", "/push/test");
      say(sent.delivered + " notification(s) sent" + (sent.failed.length ? "; not delivered: " + sent.failed.join(", ") : "."));
    } catch (err) {
      say("Nothing was sent: " + err.message);
    }
  });
})();
