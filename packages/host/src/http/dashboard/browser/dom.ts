// The few DOM helpers the dashboard needs. Data from the config is set as text, never as HTML.

/** The page's element with this id; the page and this script are served together, so it is there. */
export function byId(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the dashboard page has no #${id}`);
  return e;
}

/** The first element under `root` that matches `selector`. */
export function find(root: ParentNode, selector: string): Element {
  const e = root.querySelector(selector);
  if (e === null) throw new Error(`the dashboard page has no ${selector}`);
  return e;
}

export function el(tag: string, cls?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Shows a number, with its raw value in `data-value` (tests read those). */
export function setNum(e: Element, value: number, text: string): void {
  e.setAttribute('data-value', String(value));
  e.textContent = text;
}
