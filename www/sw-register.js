// @ts-check
// Registers the service worker (sw.js) once the page has loaded. The worker stores every file of
// the site's version on its own when it installs; once a worker is active (its version stored),
// <html data-offline="ready"> (the offline end-to-end tests wait for it). The page that
// registered it the first time is not controlled by it: the next load is.

/** Starts the offline copy. */
export function startOffline() {
  if (!('serviceWorker' in navigator)) return;
  const register = async () => {
    try {
      await navigator.serviceWorker.register('./sw.js');
      await navigator.serviceWorker.ready;
      document.documentElement.dataset.offline = 'ready';
    } catch (e) {
      // No offline copy (a private window, an unsupported browser): the page works as before.
      console.warn('service worker:', e);
    }
  };
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
}
