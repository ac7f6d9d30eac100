// Registers the service worker (sw.js) once the page has loaded, and sends it the URLs of the
// files the page loaded, so the same files serve the next visit offline. When they are stored,
// <html data-offline="ready"> (the offline end-to-end test waits for it).
if ('serviceWorker' in navigator) {
  addEventListener('load', async () => {
    try {
      await navigator.serviceWorker.register('./sw.js');
      const { active } = await navigator.serviceWorker.ready;
      const urls = performance.getEntriesByType('resource').map((e) => e.name);
      navigator.serviceWorker.addEventListener('message', (e) => {
        if (e.data?.cached !== undefined) document.documentElement.dataset.offline = 'ready';
      });
      active.postMessage({ cache: [location.href, ...urls] });
    } catch (e) {
      // No offline copy (a private window, an unsupported browser): the page works as before.
      console.warn('service worker:', e);
    }
  });
}
