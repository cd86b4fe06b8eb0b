// The timeline across organisations: built in the page from the section events as they arrive (the stream
// carries no timeline of its own), with the service's own rules (docs/api.md, "Timeline"): every
// encounter (an inpatient one is an admission), result report, document, referral and care plan,
// newest first. A result Observation that a report in the same section lists is left to its report.

import { text } from './fhir.js';

export const TIMELINE_SECTIONS = { encounters: 'Encounter', results: 'Result', documents: 'Document', referrals: 'Referral',
  'care-plans': 'Care plan' };
const ADMISSION_CLASSES = ['IMP', 'ACUTE', 'NONAC'];
const TYPES = { encounters: ['Encounter'], results: ['DiagnosticReport', 'Observation'], documents: ['DocumentReference'],
  referrals: ['ServiceRequest', 'ReferralRequest'], 'care-plans': ['CarePlan'] };

/**
 * The date part a FHIR date or dateTime starts with, as precise as written (YYYY, YYYY-MM or YYYY-MM-DD), or
 * null; as text, "2009" sorts after every day of 2009 and before 2008's, as the service orders it.
 */
export function day(value) {
  if (typeof value !== 'string') return null;
  const m = /^\d{4}(?:-\d{2}(?:-\d{2})?)?(?![\d-])/.exec(value) || /^\d{4}-\d{2}-\d{2}/.exec(value);
  return m ? m[0] : null;
}

function dateOf(r) {
  return [r.period?.start, r.effectiveDateTime, r.effectivePeriod?.start, r.issued, r.date, r.authoredOn,
    r.occurrenceDateTime, r.created, r.context?.period?.start].map(day).find(Boolean) || null;
}

function whatOf(r) {
  const concept = Array.isArray(r.type) ? r.type[0] : r.type || r.code || (Array.isArray(r.category) ? r.category[0] : null);
  return text(concept) || r.title || r.description || null;
}

/** The entries one section event makes: [{date, kind, what, ref}], in no order. */
export function timelineEntries(section, resources) {
  const kind = TIMELINE_SECTIONS[section];
  if (!kind) return [];
  const ofSection = (resources || []).filter((r) => r && TYPES[section].includes(r.resourceType) && typeof r.id === 'string');
  const reported = new Set();
  for (const r of ofSection) {
    if (r.resourceType === 'DiagnosticReport') for (const ref of r.result || []) if (ref && ref.reference) reported.add(ref.reference);
  }
  return ofSection.filter((r) => !reported.has(`${r.resourceType}/${r.id}`)).map((r) => ({
    date: dateOf(r),
    kind: r.resourceType === 'Encounter' && ADMISSION_CLASSES.includes(r.class?.code) ? 'Admission' : kind,
    what: whatOf(r),
    ref: `${r.resourceType}/${r.id}`,
  }));
}

/** Newest first, undated last; ties by organisation then reference, so the order never depends on arrival. */
export function newestFirst(a, b) {
  if (a.date !== b.date) {
    if (!a.date) return 1;
    if (!b.date) return -1;
    return a.date < b.date ? 1 : -1;
  }
  return a.org.localeCompare(b.org) || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
}
