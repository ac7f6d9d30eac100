// Small DOM helpers. Text from files and from the model goes in with textContent, never as HTML.

export const $ = (id) => document.getElementById(id);

export function el(tag, props = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Sets a text only when it changed (a write of the same text still invalidates layout). */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** A message with its level ('good', 'warn', 'bad' or ''). */
export function setMsg(node, text, level = '') {
  node.textContent = text;
  node.className = level;
}
