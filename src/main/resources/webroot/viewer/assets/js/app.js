// The viewer's start: who is signed in, then the page the address asks for. Nothing is kept in
// browser storage or caches: each record is fetched for the view and leaves the page with it.

import { h, showPage, clearPage } from './dom.js';
import { format, digitsOf, isValid, problem } from './nhs-number.js';
import { getJson, postJson, setCsrfToken, setActivityListener, Refusal } from './api.js';
import { showRefusal } from './refusals.js';
import { openRecord } from './record.js';

let session = null;
let stopRecord = null;
let idleTimer = null;
let lastTouch = 0;

function params() {
  return new URLSearchParams(window.location.search);
}

async function start() {
  const query = params();
  try {
    session = await getJson('/viewer/api/session');
  } catch (e) {
    session = null;
    if (!(e instanceof Refusal) || e.code !== 'UNAUTHORISED') {
      showRefusal(e instanceof Refusal ? e : new Refusal(0, 'INTERNAL_SERVER_ERROR'));
      return;
    }
  }
  if (!session) {
    const signin = query.get('signin');
    const persona = query.get('persona');
    if (persona && !signin) {
      // The demo's deep link: straight to the identity provider as that persona (ignored outside the demo).
      window.location.assign(loginUrl(query.get('patient'), persona));
      return;
    }
    showSignIn(signin, query.get('patient'), query.get('ended'));
    return;
  }
  setCsrfToken(session.csrfToken);
  showAccount();
  watchIdle();
  const patient = query.get('patient');
  if (patient) {
    if (isValid(patient)) showRecord(digitsOf(patient));
    else showRefusal(new Refusal(400, 'INVALID_NHS_NUMBER'));
  } else {
    showFind();
  }
}

function loginUrl(patient, persona) {
  const q = new URLSearchParams();
  if (patient && isValid(patient)) q.set('patient', digitsOf(patient));
  if (persona) q.set('persona', persona);
  const text = q.toString();
  return `/viewer/auth/login${text ? `?${text}` : ''}`;
}

function showSignIn(signin, patient, ended) {
  document.getElementById('account').hidden = true;
  const notes = {
    failed: ['Sign-in did not complete', 'You were not signed in. This has been recorded. Please try again.'],
    unavailable: ['Sign-in is not available right now', 'Try again in a few minutes. If it keeps happening, call your IT service desk.'],
  };
  const endedNotes = {
    idle: 'You were signed out because the page was not used for a while. Nothing from the record is kept on this device.',
    'signed-out': 'You have signed out. Nothing from the record is kept on this device.',
  };
  const note = notes[signin];
  const endedNote = endedNotes[ended];
  showPage('Sign in',
    note ? h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1' },
      h('h2', { class: 'nhsuk-error-summary__title' }, note[0]), h('div', { class: 'nhsuk-error-summary__body' }, h('p', {}, note[1]))) : null,
    endedNote ? h('div', { class: 'nhsuk-inset-text', role: 'status' }, h('p', {}, endedNote)) : null,
    h('h1', {}, 'Sign in to the Shared Care Record'),
    h('p', {}, 'See a patient’s record from every organisation that cares for them in Lancashire and South Cumbria, as each one answers.'),
    h('p', {}, 'Sign in with your NHS Care Identity (smartcard or another approved method). Every record you open is recorded.'),
    h('a', { class: 'nhsuk-button', href: loginUrl(patient), id: 'sign-in', role: 'button', draggable: 'false' }, 'Sign in'));
}

function showAccount() {
  const role = session.role || {};
  document.getElementById('account-name').textContent = session.user.name || session.user.id;
  document.getElementById('account-role').textContent = ` ${role.name || role.jobRole || ''}, ${role.organisationName || role.organisation || ''}`;
  document.getElementById('change-role-item').hidden = !(session.roles && session.roles.length > 1);
  document.getElementById('account').hidden = false;
  document.getElementById('sign-out').onclick = signOut;
}

async function signOut() {
  if (stopRecord) stopRecord();
  clearPage();
  try {
    await postJson('/viewer/auth/logout', {});
  } catch (e) { /* signed out on this page whatever the answer */ }
  window.location.replace('/?ended=signed-out');
}

/** Ends the page after the idle timeout: the server ends the session too, and the record leaves the screen. */
function watchIdle() {
  const limitMs = (session.idleTimeoutSeconds || 900) * 1000;
  const arm = () => {
    lastTouch = Date.now();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (stopRecord) stopRecord();
      clearPage();
      window.location.replace('/?ended=idle');
    }, limitMs);
  };
  setActivityListener(arm);
  arm();
  // Using the page (keys, taps) keeps the session alive: at most one touch of the server a minute.
  const keepAlive = () => {
    if (Date.now() - lastTouch > Math.min(60_000, limitMs / 2)) {
      lastTouch = Date.now();
      getJson('/viewer/api/session').catch((e) => {
        if (e instanceof Refusal && e.code === 'UNAUTHORISED') window.location.replace('/?ended=idle');
      });
    }
  };
  document.addEventListener('keydown', keepAlive, { passive: true });
  document.addEventListener('pointerdown', keepAlive, { passive: true });
}

function showFind(typed = '') {
  const input = h('input', { class: 'nhsuk-input nhsuk-input--width-10', id: 'nhs-number', name: 'nhs-number', type: 'text',
    inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'nhs-number-hint nhs-number-check' });
  input.value = typed;
  const check = h('p', { id: 'nhs-number-check', class: 'scr-check', 'aria-live': 'polite' });
  const group = h('div', { class: 'nhsuk-form-group' },
    h('label', { class: 'nhsuk-label nhsuk-label--m', for: 'nhs-number' }, 'NHS number'),
    h('div', { class: 'nhsuk-hint', id: 'nhs-number-hint' }, 'For example, 943 476 5919'),
    check, input);
  const showCheck = (final) => {
    const p = problem(input.value);
    const complete = digitsOf(input.value).length === 10;
    if (p && (final || complete)) {
      group.classList.add('nhsuk-form-group--error');
      input.classList.add('nhsuk-input--error');
      input.setAttribute('aria-invalid', 'true');
      check.className = 'nhsuk-error-message scr-check';
      check.textContent = p;
    } else {
      group.classList.remove('nhsuk-form-group--error');
      input.classList.remove('nhsuk-input--error');
      input.removeAttribute('aria-invalid');
      check.className = 'scr-check' + (complete ? ' scr-check--ok' : '');
      check.textContent = complete ? 'Valid NHS number' : '';
    }
    return p;
  };
  input.addEventListener('input', () => {
    const atEnd = input.selectionStart === input.value.length;
    if (!/[^\d\s]/.test(input.value)) {
      input.value = format(input.value);
      if (atEnd) input.setSelectionRange(input.value.length, input.value.length);
    }
    showCheck(false);
  });
  const form = h('form', { novalidate: true, id: 'find-form' }, group,
    h('button', { class: 'nhsuk-button', type: 'submit' }, 'Open record'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (showCheck(true)) {
      input.focus();
      return;
    }
    const nhs = digitsOf(input.value);
    window.history.pushState({}, '', `/?patient=${nhs}`);
    showRecord(nhs);
  });
  showPage('Find a patient', h('h1', {}, 'Find a patient'), form);
  input.focus();
}

function showRecord(nhsNumber) {
  if (stopRecord) stopRecord();
  stopRecord = openRecord(nhsNumber, {
    onRefusal: (refusal) => {
      if (refusal.code === 'UNAUTHORISED') {
        window.location.replace('/?ended=idle');
        return;
      }
      showRefusal(refusal, refusal.code === 'NO_RELATIONSHIP' || refusal.code === 'NO_PATIENT_CONSENT' || refusal.code === 'CONSENT_UNAVAILABLE'
        ? breakGlassForm(nhsNumber, refusal.code) : []);
    },
  });
}

/** Emergency access: the policy's reasons, the user's justification, and a plain warning that it is audited. */
function breakGlassForm(nhsNumber, code) {
  const bg = session.breakGlass;
  if (!bg || !bg.reasons || bg.reasons.length === 0) return [];
  const reasons = code === 'NO_RELATIONSHIP' ? bg.reasons : bg.reasons.filter((r) => r.code === 'emergency-treatment');
  const error = h('p', { class: 'nhsuk-error-message', id: 'bg-error', hidden: true });
  const radios = reasons.map((r, i) => h('div', { class: 'nhsuk-radios__item' },
    h('input', { class: 'nhsuk-radios__input', id: `bg-reason-${i}`, name: 'reason', type: 'radio', value: r.code }),
    h('label', { class: 'nhsuk-label nhsuk-radios__label', for: `bg-reason-${i}` }, r.display)));
  const words = h('textarea', { class: 'nhsuk-textarea', id: 'bg-justification', name: 'justification', rows: '4',
    'aria-describedby': 'bg-justification-hint', maxlength: String(bg.justificationMaxLength) });
  const form = h('form', { novalidate: true, id: 'break-glass', class: 'scr-break-glass' },
    h('h2', { class: 'nhsuk-heading-m' }, 'Emergency access (break glass)'),
    h('div', { class: 'nhsuk-warning-callout' },
      h('h3', { class: 'nhsuk-warning-callout__label' }, h('span', { role: 'text' }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'Important: '), 'This is audited and reviewed')),
      h('p', {}, `Use this only if you are caring for this patient now. Your name, role, reason and the words you write are recorded and reviewed by a privacy officer. Access lasts ${bg.windowMinutes} minutes.`)),
    error,
    h('div', { class: 'nhsuk-form-group' },
      h('fieldset', { class: 'nhsuk-fieldset' },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, 'Why do you need this record?'),
        h('div', { class: 'nhsuk-radios' }, radios))),
    h('div', { class: 'nhsuk-form-group' },
      h('label', { class: 'nhsuk-label', for: 'bg-justification' }, 'Explain why'),
      h('div', { class: 'nhsuk-hint', id: 'bg-justification-hint' },
        `At least ${bg.justificationMinLength} characters. Say why you need the record, not clinical details: this is kept for years.`),
      words),
    h('button', { class: 'nhsuk-button nhsuk-button--warning', type: 'submit' }, 'Open the record with emergency access'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = form.querySelector('input[name="reason"]:checked');
    const text = words.value.trim();
    let message = null;
    if (!chosen) message = 'Choose why you need this record';
    else if (text.length < bg.justificationMinLength) message = `Explain why in at least ${bg.justificationMinLength} characters`;
    if (message) {
      error.hidden = false;
      error.textContent = message;
      (chosen ? words : form.querySelector('input[name="reason"]')).focus();
      return;
    }
    try {
      await postJson(`/viewer/api/patients/${nhsNumber}/break-glass`, { reasonCode: chosen.value, justification: text });
      showRecord(nhsNumber);
    } catch (e) {
      showRefusal(e instanceof Refusal ? e : new Refusal(0, 'BREAK_GLASS_UNAVAILABLE'));
    }
  });
  return [form];
}

window.addEventListener('popstate', () => {
  if (!session) return;
  const patient = params().get('patient');
  if (patient && isValid(patient)) showRecord(digitsOf(patient));
  else {
    if (stopRecord) stopRecord();
    showFind();
  }
});

start();
