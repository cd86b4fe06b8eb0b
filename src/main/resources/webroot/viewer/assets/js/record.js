// The record page: banner, standing statement, organisation panel and sections, filled as events arrive.

import { h, showPage, formatDate, ageOn } from './dom.js';
import { format } from './nhs-number.js';
import { displayable, describe, patientName, address, practiceCode } from './fhir.js';
import { readRecord } from './api.js';
import { TIMELINE_SECTIONS, timelineEntries, newestFirst } from './timeline.js';

const SECTION_TITLES = {
  alerts: 'Alerts', allergies: 'Allergies and adverse reactions', medications: 'Medications', problems: 'Problems',
  encounters: 'Encounters', results: 'Test results', documents: 'Documents', 'care-plans': 'Care plans',
  immunisations: 'Immunisations', referrals: 'Referrals',
};
// Sections whose items the service reconciles across organisations (group events).
const RECONCILED = ['allergies', 'medications', 'problems', 'immunisations'];
const FIELD_WORDS = { dose: 'dose', status: 'status', start: 'start date', end: 'end date', clinicalStatus: 'clinical status',
  verificationStatus: 'verification', criticality: 'criticality', severity: 'severity', onset: 'onset', given: 'given name',
  family: 'family name', birthDate: 'date of birth' };
// Allergies straight after alerts: CUI wants them visible from the banner.
const ORDER = ['alerts', 'allergies', 'medications', 'problems', 'results', 'encounters', 'care-plans', 'immunisations',
  'referrals', 'documents'];

/** status -> [words, icon class, icon character] */
const STATUS = {
  pending: ['Waiting for an answer', 'waiting', '…'],
  ok: ['Answered', 'ok', '✓'],
  'not-found': ['No record held', 'none', '–'],
  'not-live': ['Not yet live', 'not-live', '○'],
  timeout: ['Timed out', 'timeout', '!'],
  error: ['Failed', 'failed', '✕'],
  'patient-mismatch': ['Failed: sent another patient’s data, withheld', 'failed', '✕'],
  'circuit-open': ['Temporarily skipped after repeated failures', 'skipped', '»'],
};

export function openRecord(nhsNumber, { onRefusal, onEnded }) {
  const view = new RecordView(nhsNumber);
  const controller = new AbortController();
  view.showWaiting();
  readRecord(nhsNumber, (name, data) => view.on(name, data), controller.signal)
    .then((finished) => view.ended(finished))
    .catch((e) => {
      if (e && e.code) onRefusal(e);
      else if (!controller.signal.aborted) view.ended(false);
    })
    .finally(() => onEnded && onEnded());
  return () => controller.abort();
}

class RecordView {
  constructor(nhsNumber) {
    this.nhsNumber = nhsNumber;
    this.sources = new Map();
    this.sections = new Map();
    this.patient = null;
    this.restricted = false;
    this.finished = 0;
    this.demographicDifferences = null;
    this.timeline = null;
  }

  showWaiting() {
    showPage(`Record ${format(this.nhsNumber)}`, h('p', { class: 'scr-quiet', role: 'status' }, `Opening the record of ${format(this.nhsNumber)}…`));
  }

  on(name, data) {
    if (name === 'meta') this.meta(data);
    else if (name === 'section') this.section(data);
    else if (name === 'source') this.source(data);
    else if (name === 'group') this.group(data);
    else if (name === 'complete') this.complete(data);
    else if (name === 'error') this.failed();
  }

  meta(meta) {
    this.restricted = meta.restricted === true || meta.sources.some((s) => String(s.id).startsWith('withheld-'));
    this.banner = h('section', { class: 'scr-banner', 'aria-labelledby': 'patient-name' });
    this.progress = h('p', { class: 'scr-progress', role: 'status', 'aria-live': 'polite' });
    this.orgList = h('ul', { class: 'scr-orgs__list' });
    this.sectionsBox = h('div', { class: 'scr-sections' });
    for (const s of meta.sources) {
      const row = { info: s, status: s.status, latencyMs: null, detail: null, el: h('li', { class: 'scr-org', 'data-source': s.id }) };
      this.sources.set(s.id, row);
      this.orgList.append(row.el);
      this.renderSource(row);
      if (s.status === 'not-live') this.finished += 1;
    }
    for (const name of ORDER.filter((n) => meta.sections.includes(n))) {
      const list = h('div', { class: 'scr-section__body' }, h('p', { class: 'scr-empty' }, 'Nothing received yet.'));
      const el = h('section', { class: 'scr-section', id: `section-${name}`, 'data-section': name, 'aria-labelledby': `h-${name}` },
        h('h2', { id: `h-${name}`, class: 'nhsuk-heading-m' }, SECTION_TITLES[name] || name), list);
      const across = RECONCILED.includes(name) ? h('ul', { class: 'scr-across', 'aria-label': 'Across organisations', hidden: '' }) : null;
      if (across) el.insertBefore(across, list);
      this.sections.set(name, { el, list, groups: new Map(), count: 0, across, reconciled: new Map() });
      this.sectionsBox.append(el);
      if (name === 'problems' || (!this.timeline && name === ORDER.filter((n) => meta.sections.includes(n)).at(-1))) this.addTimeline(meta);
    }
    const jumps = [...this.sections.keys()].flatMap((n) => (n === 'problems' && this.timeline ? [n, 'timeline'] : [n]));
    if (this.timeline && !jumps.includes('timeline')) jumps.push('timeline');
    const nav = h('nav', { class: 'scr-jump', 'aria-label': 'Sections of the record' },
      h('ul', {}, jumps.map((n) => h('li', {}, h('a', { href: `#section-${n}` }, n === 'timeline' ? 'Timeline' : SECTION_TITLES[n] || n)))));
    showPage(`Record ${format(this.nhsNumber)}`,
      h('div', { class: 'scr-record', 'data-nhs-number': this.nhsNumber },
        this.banner,
        h('div', { class: 'nhsuk-inset-text scr-statement' }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'Information: '),
          h('p', {}, meta.standingStatement)),
        this.progress,
        h('div', { class: 'scr-layout' },
          h('section', { class: 'scr-orgs', 'aria-labelledby': 'orgs-h', tabindex: '0' },
            h('h2', { id: 'orgs-h', class: 'nhsuk-heading-m' }, 'Organisations asked'), this.orgList),
          h('div', { class: 'scr-content' }, nav, this.sectionsBox))));
    this.renderBanner();
    this.renderProgress();
  }

  // Encounters, admissions, results, documents, referrals and care plans of every organisation, newest first,
  // after problems (or last): only when the role sees at least one of those sections.
  addTimeline(meta) {
    if (this.timeline || !Object.keys(TIMELINE_SECTIONS).some((n) => meta.sections.includes(n))) return;
    const list = h('ol', { class: 'scr-timeline', 'aria-label': 'Timeline across organisations, newest first' });
    const empty = h('p', { class: 'scr-empty' }, 'Nothing received yet.');
    const el = h('section', { class: 'scr-section', id: 'section-timeline', 'aria-labelledby': 'h-timeline' },
      h('h2', { id: 'h-timeline', class: 'nhsuk-heading-m' }, 'Timeline'),
      h('p', { class: 'scr-quiet' }, 'Encounters, admissions, results, documents, referrals and care plans across organisations, newest first.'),
      empty, list);
    this.timeline = { el, list, empty, entries: [], seen: new Set() };
    this.sectionsBox.append(el);
  }

  addToTimeline(event) {
    if (!this.timeline) return;
    const org = this.orgName(event.source);
    for (const entry of timelineEntries(event.section, event.resources)) {
      const key = `${event.source} ${entry.ref}`;
      if (this.timeline.seen.has(key)) continue;
      this.timeline.seen.add(key);
      const item = { ...entry, org };
      const li = h('li', { class: 'scr-timeline__entry', 'data-date': entry.date || '', 'data-source': event.source, 'data-kind': entry.kind },
        h('span', { class: 'scr-item__title' }, entry.what || entry.kind),
        h('span', { class: 'scr-item__meta' }, `${formatDate(entry.date)} · ${entry.kind} · ${org}`));
      const at = this.timeline.entries.findIndex((other) => newestFirst(item, other) < 0);
      if (at < 0) {
        this.timeline.entries.push(item);
        this.timeline.list.append(li);
      } else {
        this.timeline.list.insertBefore(li, this.timeline.list.children[at]);
        this.timeline.entries.splice(at, 0, item);
      }
    }
    if (this.timeline.entries.length) this.timeline.empty.remove();
  }

  section(event) {
    if (TIMELINE_SECTIONS[event.section]) this.addToTimeline(event);
    if (event.section === 'demographics') {
      const p = (event.resources || []).find((r) => r.resourceType === 'Patient');
      if (p && !this.patient) {
        this.patient = p;
        this.renderBanner();
      }
      return;
    }
    const section = this.sections.get(event.section);
    if (!section) return;
    const items = displayable(event.resources || []);
    if (items.length === 0) return;
    if (section.count === 0) section.list.replaceChildren();
    section.count += items.length;
    const source = this.sources.get(event.source);
    const orgName = source ? source.info.name : event.source;
    let group = section.groups.get(event.source);
    if (!group) {
      const ul = h('ul', { class: 'scr-items' });
      group = h('div', { class: 'scr-group', 'data-source': event.source }, h('h3', { class: 'nhsuk-heading-s scr-group__org' }, orgName), ul);
      group.items = ul;
      section.groups.set(event.source, group);
      section.list.append(group);
    }
    const described = items.map((r) => ({ r, d: describe(r) })).sort((a, b) => String(b.d.date || '').localeCompare(String(a.d.date || '')));
    for (const { d } of described) {
      group.items.append(h('li', { class: 'scr-item' },
        h('span', { class: 'scr-item__title' }, d.title),
        d.detail ? h('span', { class: 'scr-item__detail' }, d.detail) : null,
        h('span', { class: 'scr-item__meta' }, `${formatDate(d.date)} · ${orgName}`)));
    }
  }

  orgName(id) {
    const source = this.sources.get(id);
    return source ? source.info.name : id;
  }

  // One medicine, allergy, problem or immunisation once, with every organisation that records it and what they disagree on.
  group(event) {
    if (event.section === 'demographics') {
      this.demographicDifferences = event.differences || [];
      this.renderBanner();
      return;
    }
    const section = this.sections.get(event.section);
    if (!section || !section.across) return;
    const orgs = [...new Set((event.members || []).map((m) => m.source))].map((id) => this.orgName(id));
    const differences = (event.differences || []).map((d) => `${FIELD_WORDS[d.field] || d.field}: `
      + d.values.map((v) => `${v.value} (${v.sources.map((id) => this.orgName(id)).join(', ')})`).join('; '));
    const summary = event.summary || {};
    const li = h('li', { class: 'scr-across__group', 'data-group': event.group },
      h('span', { class: 'scr-item__title' }, summary.display || 'Not known'),
      h('span', { class: 'scr-item__meta' }, `${summary.status === 'differs' ? 'Status differs' : (summary.status || '')}${summary.latest ? ` · latest ${formatDate(summary.latest)}` : ''} · ${orgs.join(', ')}`),
      differences.length ? h('span', { class: 'scr-across__differs' }, `Recorded differently: ${differences.join(' | ')}`) : null);
    const before = section.reconciled.get(event.group);
    if (before) before.replaceWith(li);
    else section.across.append(li);
    section.reconciled.set(event.group, li);
    section.across.removeAttribute('hidden');
  }

  source(event) {
    const row = this.sources.get(event.source);
    if (!row) return;
    if (row.status === 'pending' || row.status === undefined) this.finished += 1;
    row.status = event.status;
    row.latencyMs = event.latencyMs;
    row.detail = event.detail;
    this.renderSource(row);
    this.renderProgress();
  }

  complete(data) {
    if (data && data.status === 'client-too-slow') {
      // The service stopped the stream because this device was not taking it: what is missing is unknown.
      this.cutOff = true;
      for (const section of this.sections.values()) {
        if (section.count === 0) section.list.replaceChildren(h('p', { class: 'scr-empty' }, 'Not received: the record was stopped before this arrived.'));
      }
      if (this.timeline) this.timeline.empty.textContent = 'Incomplete: the record was stopped before everything arrived.';
      this.renderProgress();
      return;
    }
    this.done = true;
    for (const row of this.sources.values()) {
      if (row.status === 'pending') {
        row.status = 'timeout';
        this.renderSource(row);
      }
    }
    for (const section of this.sections.values()) {
      if (section.count === 0) section.list.replaceChildren(h('p', { class: 'scr-empty' }, 'No items from any organisation that answered.'));
    }
    if (this.timeline && this.timeline.entries.length === 0) this.timeline.empty.textContent = 'Nothing on the timeline from any organisation that answered.';
    this.renderProgress();
  }

  failed() {
    this.broken = true;
    this.renderProgress();
  }

  ended(finished) {
    if (!finished && !this.done && !this.cutOff) {
      this.broken = true;
      if (this.progress) this.renderProgress();
      else showPage('Record not available', h('h1', {}, 'The record could not be opened'),
        h('p', {}, 'The connection to the service was lost before anything arrived. Nothing has been shown.'),
        h('p', {}, h('a', { href: `/?patient=${this.nhsNumber}` }, 'Try again')));
    }
  }

  renderProgress() {
    const total = this.sources.size;
    const answered = [...this.sources.values()].filter((s) => s.status !== 'pending').length;
    this.progress.className = 'scr-progress';
    if (this.cutOff) {
      this.progress.classList.add('scr-progress--broken');
      this.progress.textContent = 'This device could not keep up with the record, so the service stopped sending it: what is shown is incomplete. Open it again, on a better connection if you can.';
    } else if (this.broken) {
      this.progress.classList.add('scr-progress--broken');
      this.progress.textContent = 'The record could not be finished: what is shown may be incomplete. Open it again to get the whole record.';
    } else if (this.done) {
      this.progress.textContent = `All ${total} organisations have finished. Those that did not answer are marked in the list.`;
    } else {
      this.progress.textContent = `${answered} of ${total} organisations have finished. More may still arrive.`;
    }
  }

  renderSource(row) {
    const [statusWords, cls, icon] = STATUS[row.status] || STATUS.error;
    const words = row.status === 'patient-mismatch' && row.detail === 'demographics differ from PDS'
      ? 'Withheld: its name or date of birth differs from PDS' : statusWords;
    row.el.className = `scr-org scr-org--${cls}`;
    row.el.setAttribute('data-status', row.status);
    const time = row.latencyMs !== null && row.latencyMs !== undefined && row.status !== 'not-live' && row.status !== 'circuit-open'
      ? ` in ${(row.latencyMs / 1000).toFixed(1)} s` : '';
    row.el.replaceChildren(
      h('span', { class: `scr-org__icon scr-org__icon--${cls}`, 'aria-hidden': 'true' }, icon),
      h('span', { class: 'scr-org__name' }, row.info.name),
      h('span', { class: 'scr-org__status' }, `${words}${time}`));
  }

  renderBanner() {
    const p = this.patient;
    const facts = [];
    const fact = (label, value) => facts.push(h('div', { class: 'scr-banner__fact' }, h('dt', {}, label), h('dd', {}, value)));
    const born = p && p.birthDate ? `${formatDate(p.birthDate)} (${ageOn(p.birthDate)} years)` : 'Not known';
    fact('Born', born);
    fact('NHS number', format(this.nhsNumber));
    fact('Gender', p && p.gender ? p.gender[0].toUpperCase() + p.gender.slice(1) : 'Not known');
    if (!this.restricted) {
      const code = p ? practiceCode(p) : null;
      const practice = code && this.sources.get(code) ? this.sources.get(code).info.name : code;
      fact('GP practice', practice || 'Not known');
      fact('Address', (p && address(p)) || 'Not known');
    }
    const restricted = this.restricted ? h('div', { class: 'scr-restricted', role: 'note' },
      h('strong', {}, 'Restricted record. '),
      'This patient’s address, telephone and the organisations near them are not shown. Do not try to find or record where they live.') : null;
    const differs = (this.demographicDifferences || []).map((d) => `${FIELD_WORDS[d.field] || d.field}: `
      + d.values.map((v) => `${v.value} (${v.sources.map((id) => (id === 'PDS' ? 'PDS' : this.orgName(id))).join(', ')})`).join('; '));
    const demographics = differs.length ? h('p', { class: 'scr-banner__differs', role: 'note' },
      h('strong', {}, 'Recorded differently by some organisations: '), differs.join(' | ')) : null;
    this.banner.replaceChildren(...[
      restricted,
      demographics,
      h('h1', { id: 'patient-name', class: 'scr-banner__name' }, p ? (patientName(p) || 'Name not known') : `Patient ${format(this.nhsNumber)}`),
      h('dl', { class: 'scr-banner__facts' }, facts)].filter(Boolean));
  }
}
