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

// "Près de moi" on the SCOP Ambassades' search: the phone's position fills the form's latitude and longitude, which
// the server searches from. Without geolocation (or refused) the search by commune works as before.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-near-me]") : null;
  if (!button) return;
  const form = button.closest("form");
  const status = form?.querySelector("[data-near-me-status]");
  if (!("geolocation" in navigator)) {
    if (status) status.textContent = "Votre navigateur ne donne pas sa position : cherchez par commune.";
    return;
  }
  if (status) status.textContent = "Recherche de votre position…";
  navigator.geolocation.getCurrentPosition((position) => {
    form.querySelector("[data-latitude]").value = position.coords.latitude.toFixed(5);
    form.querySelector("[data-longitude]").value = position.coords.longitude.toFixed(5);
    form.querySelector("#commune").value = "";
    form.submit();
  }, () => {
    if (status) status.textContent = "Votre position n'est pas disponible : cherchez par commune.";
  }, { timeout: 10000, maximumAge: 600000 });
});

// The portal's visit statistics: one beacon per page view, to the site the page belongs to (a /sites/{slug} page to
// that site, every other page to the national site). Nothing identifies the reader: no cookie goes with it, no path
// is sent (a follow-up link holds a private token), and the portal keeps only a daily-salted hash of address and
// browser. A failed beacon is lost on purpose: a page view must never wait for its count.
function countPageView() {
  const match = /^\/sites\/([a-z0-9-]+)(\/|$)/.exec(location.pathname);
  fetch("/api/portal/visits", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ site: match ? match[1] : "confederation" }),
    credentials: "omit",
    keepalive: true,
  }).catch(() => { /* offline or refused: not counted */ });
}

countPageView();
// Blazor's enhanced navigation changes the page without loading a document: each one is a page view too.
window.Blazor?.addEventListener?.("enhancedload", countPageView);
