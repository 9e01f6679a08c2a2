// Debrief's service worker: shows the daily digest the server pushes and
// opens Debrief when the notification is clicked. It caches nothing: the
// pages are always the server's own.
"use strict";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let message = {};
  if (event.data) {
    try {
      message = event.data.json();
    } catch (_) {
      message = { body: event.data.text() };
    }
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "Debrief", {
      body: message.body || "",
      tag: "debrief-digest",
      icon: "/assets/favicon.svg",
      data: { url: message.url || "/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
      for (const client of list) {
        if (new URL(client.url).origin === self.location.origin && "focus" in client) {
          return client.navigate(url).then((c) => (c || client).focus());
        }
      }
      return self.clients.openWindow(url);
    }),
  );
});
