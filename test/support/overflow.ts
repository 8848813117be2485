export interface Overflow {
  /** tag#id.class of the element */
  element: string;
  /** box: it reaches beyond the viewport's width; text: its text is wider than its box */
  kind: 'box' | 'text';
  detail: string;
  text: string;
}

/**
 * Run in the page (page.evaluate): every shown element whose box extends beyond the viewport's
 * width, and every element with text of its own whose scrollWidth exceeds its clientWidth,
 * except where the design means an ellipsis (text-overflow: ellipsis). Self-contained: it is
 * serialised into the browser.
 */
export function findOverflow(): Overflow[] {
  const width = document.documentElement.clientWidth;
  const out: Overflow[] = [];
  const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')}`;
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility() || el.closest('.sr-only')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60);
    if (box.right > width + 0.5 || box.left < -0.5) {
      out.push({ element: name(el), kind: 'box', detail: `${Math.round(box.left)}..${Math.round(box.right)} of ${width}`, text });
      continue;
    }
    const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
    const style = getComputedStyle(el);
    if (ownText && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && style.textOverflow !== 'ellipsis') {
      out.push({ element: name(el), kind: 'text', detail: `${el.scrollWidth} in ${el.clientWidth}`, text });
    }
  }
  return out;
}
