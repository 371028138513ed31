// Installable and usable offline: the service worker keeps the site's shell and shows the offline page when the
// network is gone. The interactive pages' reconnection dialog is driven from here too (no inline script: CSP).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => { /* an older browser: the site works without */ });
}

const reconnect = document.getElementById("components-reconnect-modal");
if (reconnect) {
  reconnect.addEventListener("components-reconnect-state-changed", (event) => {
    const state = event.detail.state;
    reconnect.className = "components-reconnect-" + state;
    if (state === "show" || state === "retrying") {
      if (!reconnect.open) reconnect.showModal();
    } else if (state === "hide") {
      reconnect.close();
    } else if (state === "rejected") {
      location.reload();
    }
  });
  document.getElementById("components-reconnect-retry")?.addEventListener("click", () => location.reload());
}
