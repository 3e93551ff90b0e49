/**
 * Tiny DOM builder. Text is always set through textContent / text nodes, so
 * caller data is never parsed as HTML.
 */

export type Child = Node | string | null | undefined | false;

export interface Props {
  id?: string;
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
  data?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.id) node.id = props.id;
  if (props.className) node.className = props.className;
  if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) node.setAttribute(k, v);
  if (props.data) for (const [k, v] of Object.entries(props.data)) node.dataset[k] = v;
  if (props.text !== undefined) node.textContent = props.text;
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Removes every child node. */
export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

