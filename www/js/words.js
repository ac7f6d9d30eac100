// @ts-check
// The page's own sentences: each is written once, in Rust (src/session/words.rs, exported by
// src/web/words.rs), and asked of the page's wasm module here. The few the page may need when
// its module cannot answer (it trapped, a fresh instance failed to load, a file chosen while it
// restarts) are asked for once it loads, as templates with a hole for what varies. Before the
// module loads, a sentence is only its fault (nothing is lost, nothing is written twice).
//
//   const words = createWords(module);
//   words.ready(wasm);                          // the module is loaded: the templates
//   words.say((w) => w.link_copied(), '');      // a sentence, or the fallback without the module
//   words.fatal(sentence);                      // the fatal message around a sentence
//   words.phrases(text);                        // a worker's sentence, its links to charts split out
//   words.broken('internal' | 'restart', fault) // the fatal message when the module is gone
//   words.stillStarting(name);  words.restartButton(pageBroken);

/** @typedef {import('./module.js').PageModule} PageModule */

/** The hole in a template: a character no fault or file name holds. */
const HOLE = '\u{F8FF}';

/**
 * @param {string} template
 * @param {string} text
 */
const fill = (template, text) => template.split(HOLE).join(text);

/** @param {{ current: () => PageModule | null }} module the page's wasm module */
export function createWords(module) {
  /** @type {{ internal: string, restart: string, starting: string, buttons: [string, string] } | null} */
  let templates = null;

  /**
   * A sentence of the module, or `fallback` when it cannot answer.
   * @param {(wasm: PageModule) => string} words
   * @param {string} [fallback]
   */
  function say(words, fallback = '') {
    const wasm = module.current();
    if (!wasm) return fallback;
    try {
      return words(wasm);
    } catch {
      return fallback;
    }
  }

  return {
    /** @param {PageModule} wasm the first instance, just loaded */
    ready(wasm) {
      templates = {
        internal: wasm.fatal_message(wasm.page_internal_error(HOLE)),
        restart: wasm.fatal_message(wasm.charts_not_restarted(HOLE)),
        starting: wasm.still_starting(HOLE),
        buttons: [wasm.restart_button(false), wasm.restart_button(true)],
      };
    },
    say,
    /**
     * The fatal message: the sentence, and what stays on the page.
     * @param {string} sentence
     */
    fatal: (sentence) => say((w) => w.fatal_message(sentence), sentence),
    /**
     * A sentence of the worker's as its phrases, each linked to the chart it names or plain
     * (the module splits it: `lesson::prose`); without the module, the sentence as one phrase.
     * @param {string} text
     * @returns {import('../types/protocol').Phrase[]}
     */
    phrases(text) {
      const whole = [{ text, chart: null }];
      const wasm = module.current();
      if (!wasm) return whole;
      try {
        return wasm.phrases(text);
      } catch {
        return whole;
      }
    },
    /**
     * The fatal message when the page's module cannot answer: a panic outside a chart's draw
     * ('internal') or a fresh instance that failed to load ('restart').
     * @param {'internal' | 'restart'} kind
     * @param {string} fault
     */
    broken: (kind, fault) => (templates ? fill(templates[kind], fault) : fault),
    /**
     * A file chosen while the module is not there.
     * @param {string} name
     */
    stillStarting: (name) => (templates ? fill(templates.starting, name) : name),
    /**
     * The fatal message's button (null before the module loaded: the page's own label stays).
     * @param {boolean} pageBroken
     */
    restartButton: (pageBroken) => templates?.buttons[pageBroken ? 1 : 0] ?? null,
  };
}

/** @typedef {ReturnType<typeof createWords>} Words */
