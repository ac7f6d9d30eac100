// @ts-check
// Registers the service worker (sw.js) once the page has loaded, and sends it the URLs of the
// files the page loaded (its own wasm module) and those its trainer loaded (the training build),
// so the same files serve the next visit offline. When they are stored, <html
// data-offline="ready"> (the offline end-to-end test waits for it).

/**
 * Starts the offline copy. `trainerFiles()` resolves to the URLs the page's own worker loaded
 * (main.js asks its worker on a port of its own: another tab's worker never answers).
 * @param {() => Promise<string[]>} trainerFiles
 */
export function startOffline(trainerFiles) {
  if (!('serviceWorker' in navigator)) return;
  const register = async () => {
    try {
      await navigator.serviceWorker.register('./sw.js');
      const { active } = await navigator.serviceWorker.ready;
      const urls = performance.getEntriesByType('resource').map((e) => e.name);
      urls.push(...await trainerFiles());
      navigator.serviceWorker.addEventListener('message', (e) => {
        if (e.data?.cached !== undefined) document.documentElement.dataset.offline = 'ready';
      });
      active?.postMessage({ cache: [location.href, ...urls] });
    } catch (e) {
      // No offline copy (a private window, an unsupported browser): the page works as before.
      console.warn('service worker:', e);
    }
  };
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
}
