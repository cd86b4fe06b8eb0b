// Reading FHIR R4 resources for display: what an item is, its detail, and the date it belongs to.

const SUPPORTING = new Set(['Patient', 'Organization', 'Practitioner', 'PractitionerRole', 'Medication', 'Location', 'List']);

export function text(concept) {
  if (!concept || typeof concept !== 'object') return null;
  if (Array.isArray(concept)) return text(concept[0]);
  return concept.text || concept.display || (Array.isArray(concept.coding) && (concept.coding.find((c) => c.display) || {}).display) || null;
}

function quantity(q) {
  if (!q || q.value === undefined) return null;
  return `${q.value}${q.unit ? ` ${q.unit}` : ''}`;
}

/** The items worth a line of their own: a section's own resources, not the ones they lean on. */
export function displayable(resources) {
  const basedOn = new Set();
  for (const r of resources) {
    for (const ref of r.basedOn || []) if (ref && ref.reference) basedOn.add(ref.reference);
  }
  return resources.filter((r) => r && !SUPPORTING.has(r.resourceType)
    && !(r.resourceType === 'MedicationRequest' && basedOn.has(`MedicationRequest/${r.id}`)));
}

/** The Medication a medicine names by a contained reference (GP Connect medicines arrive so), or null. */
function containedMedication(r) {
  const ref = r.medicationReference?.reference;
  if (typeof ref !== 'string' || !ref.startsWith('#')) return null;
  return (r.contained || []).find((c) => c && c.resourceType === 'Medication' && c.id === ref.slice(1)) || null;
}

/** {title, detail, date} of one resource, in words. */
export function describe(r) {
  switch (r.resourceType) {
    case 'MedicationStatement':
    case 'MedicationRequest':
      return { title: text(r.medicationCodeableConcept) || text(containedMedication(r)?.code) || r.medicationReference?.display
        || 'Medicine (name not given)',
        detail: [r.dosage?.[0]?.text || r.dosageInstruction?.[0]?.text, r.status].filter(Boolean).join(' · '),
        date: r.effectivePeriod?.start || r.effectiveDateTime || r.authoredOn || r.dateAsserted };
    case 'AllergyIntolerance':
      return { title: text(r.code) || 'Allergy (substance not given)',
        detail: [text(r.reaction?.[0]?.manifestation), r.criticality && `criticality ${r.criticality}`, text(r.clinicalStatus)].filter(Boolean).join(' · '),
        date: r.recordedDate || r.onsetDateTime };
    case 'Condition':
      return { title: text(r.code) || 'Problem (not named)', detail: [text(r.clinicalStatus), text(r.severity)].filter(Boolean).join(' · '),
        date: r.onsetDateTime || r.recordedDate || r.onsetPeriod?.start };
    case 'Observation':
      return { title: text(r.code) || 'Result', detail: [quantity(r.valueQuantity) || r.valueString || text(r.valueCodeableConcept),
        text(r.interpretation)].filter(Boolean).join(' · '), date: r.effectiveDateTime || r.issued || r.effectivePeriod?.start };
    case 'DiagnosticReport':
      return { title: text(r.code) || 'Report', detail: [r.conclusion, r.status].filter(Boolean).join(' · '), date: r.effectiveDateTime || r.issued };
    case 'Encounter':
      return { title: text(r.type) || text(r.serviceType) || r.class?.display || 'Encounter',
        detail: [r.class?.display, r.status].filter(Boolean).join(' · '), date: r.period?.start };
    case 'DocumentReference':
      return { title: text(r.type) || r.description || 'Document', detail: [r.description, r.status].filter(Boolean).join(' · '),
        date: r.date || r.context?.period?.start };
    case 'CarePlan':
      return { title: r.title || text(r.category) || 'Care plan', detail: [r.description, r.status].filter(Boolean).join(' · '),
        date: r.period?.start || r.created };
    case 'Immunization':
      return { title: text(r.vaccineCode) || 'Immunisation', detail: [r.status].filter(Boolean).join(' · '),
        date: r.occurrenceDateTime || r.recorded };
    case 'ServiceRequest':
    case 'ReferralRequest':
      return { title: text(r.code) || text(r.category) || text(r.specialty) || 'Referral',
        detail: [r.status, r.priority].filter(Boolean).join(' · '), date: r.authoredOn || r.occurrenceDateTime };
    case 'Flag':
      return { title: text(r.code) || 'Alert', detail: [text(r.category), r.status].filter(Boolean).join(' · '), date: r.period?.start };
    default:
      return { title: text(r.code) || r.resourceType, detail: r.status || '', date: r.date || r.recordedDate || r.meta?.lastUpdated };
  }
}

/** The patient's name as CUI shows it: family name in capitals, then given names. */
export function patientName(p) {
  const name = (p.name || []).find((n) => n.use === 'official') || (p.name || [])[0];
  if (!name) return null;
  const family = (name.family || '').toUpperCase();
  const given = (name.given || []).join(' ');
  return [family, given].filter(Boolean).join(', ') || name.text || null;
}

export function address(p) {
  const a = (p.address || []).find((x) => x.use === 'home') || (p.address || [])[0];
  if (!a) return null;
  return [...(a.line || []), a.city, a.postalCode].filter(Boolean).join(', ') || a.text || null;
}

export function practiceCode(p) {
  const gp = (p.generalPractitioner || []).find((g) => g.identifier?.system === 'https://fhir.nhs.uk/Id/ods-organization-code');
  return gp ? gp.identifier.value : null;
}
