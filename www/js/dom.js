// @ts-check
// Small DOM helpers. Text from files and from the model goes in with textContent, never as HTML.

/**
 * The element with id `id`, of the type the caller names (the page's markup has it: a missing
 * one is a bug of the page, and throws here rather than later).
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @param {new () => T} [type] the element's class, checked (e.g. HTMLInputElement)
 * @returns {T}
 */
export function $(id, type) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  if (type && !(node instanceof type)) throw new Error(`#${id} is not a ${type.name}`);
  return /** @type {T} */ (node);
}

/**
 * A new element: `props` are set as properties where the element has them (`htmlFor`,
 * `type`, `value`...), else as attributes; `class` is the class name.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean>} [props]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = String(v);
    else if (k in e) /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (e))[k] = v;
    else e.setAttribute(k, String(v));
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Sets a text only when it changed (a write of the same text still invalidates layout).
 * @param {Node} node
 * @param {string} text
 */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * A message with its level ('good', 'warn', 'bad' or '').
 * @param {HTMLElement} node
 * @param {string} text
 * @param {import('../types/protocol').Level | ''} [level]
 */
export function setMsg(node, text, level = '') {
  node.textContent = text;
  node.className = level;
}

/**
 * Writes a sentence whose phrases may link to a chart (`Phrase`: its words, and the chart they
 * name): a linked phrase is an `a.chart-link` with the chart's name in `data-chart` (main.js
 * takes the reader to the chart). Rewrites only when the sentence changed.
 * @param {HTMLElement} node
 * @param {import('../types/protocol').Phrase[]} phrases
 */
export function setPhrases(node, phrases) {
  const key = JSON.stringify(phrases);
  if (node.dataset.phrases === key) return;
  node.dataset.phrases = key;
  node.replaceChildren(...phrases.map((p) => {
    if (!p.chart) return document.createTextNode(p.text);
    const a = el('a', { class: 'chart-link', href: `#chart-${p.chart}` }, p.text);
    a.dataset.chart = p.chart;
    return a;
  }));
}
