// Registers the service worker (sw.js) once the page has loaded, and sends it the URLs of the
// files the page loaded (its own wasm module) and those its worker loaded (the training build,
// asked on worker.js's channel), so the same files serve the next visit offline. When they are
// stored, <html data-offline="ready"> (the offline end-to-end test waits for it).

/** The URLs of the files the trainer's worker loaded; none if it does not answer in 30 s. */
function workerFiles() {
  const channel = new BroadcastChannel('makemore-lab-files');
  return new Promise((resolve) => {
    const done = (urls) => { channel.close(); resolve(urls); };
    channel.onmessage = (e) => done(Array.isArray(e.data) ? e.data : []);
    setTimeout(() => done([]), 30_000);
    channel.postMessage('files?');
  });
}

if ('serviceWorker' in navigator) {
  addEventListener('load', async () => {
    try {
      await navigator.serviceWorker.register('./sw.js');
      const { active } = await navigator.serviceWorker.ready;
      const urls = performance.getEntriesByType('resource').map((e) => e.name);
      urls.push(...await workerFiles());
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
