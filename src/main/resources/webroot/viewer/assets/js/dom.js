// Building the page from data without ever parsing data as HTML: every text goes in as a text node.

/** An element with attributes (`class`, `for`, data-*, aria-*, booleans) and children (nodes or text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') el.className = value;
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let firstPage = true;

/**
 * Replaces everything in <main> (clinical content of the last view included). Each page after the first
 * moves focus to <main>, so a screen reader announces the change; the first leaves focus where a page
 * load puts it, so the first Tab reaches the skip link.
 */
export function showPage(title, ...children) {
  const main = document.getElementById('main');
  main.replaceChildren(...children.flat().filter(Boolean));
  document.title = `${title} – Shared Care Record`;
  if (!firstPage) {
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  firstPage = false;
  return main;
}

/** Clears every trace of a record from the page. */
export function clearPage() {
  document.getElementById('main').replaceChildren();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A FHIR date or dateTime as DD-Mmm-YYYY (CUI style), or "Not known". */
export function formatDate(value) {
  if (!value || typeof value !== 'string') return 'Not known';
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value);
  if (!m) return 'Not known';
  if (!m[2]) return m[1];
  if (!m[3]) return `${MONTHS[Number(m[2]) - 1]}-${m[1]}`;
  return `${m[3]}-${MONTHS[Number(m[2]) - 1]}-${m[1]}`;
}

/** Age in whole years on today's date, from a FHIR birthDate. */
export function ageOn(birthDate, today = new Date()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate || '');
  if (!m) return null;
  let age = today.getFullYear() - Number(m[1]);
  const beforeBirthday = today.getMonth() + 1 < Number(m[2])
    || (today.getMonth() + 1 === Number(m[2]) && today.getDate() < Number(m[3]));
  if (beforeBirthday) age -= 1;
  return age;
}
