// Every refusal the service can give (docs/api.md), in plain words, with what to do next.

import { h, showPage } from './dom.js';

const TRY_AGAIN = 'Try again in a few minutes. If it keeps happening, call your IT service desk and quote the reference below.';

/** code -> [title, what happened, what to do next] */
export const REFUSALS = {
  INVALID_NHS_NUMBER: ['That is not a valid NHS number',
    'The NHS number must be 10 digits, and the last digit must match the others (it is a check digit).',
    'Check the number against the patient’s letter, wristband or your own system and enter it again.'],
  INVALID_PARAMETER: ['The request could not be understood',
    'Part of the request was not something the service recognises.',
    'Start again from “Find a patient”. If you opened this from another system, tell its support team.'],
  BAD_REQUEST: ['The request could not be understood',
    'Your browser sent something the service could not read.',
    'Start again from “Find a patient”. If it happens again, call your IT service desk.'],
  UNSUPPORTED_HTTP_VERSION: ['Your browser or network is not supported',
    'The request came in a form this service does not accept.',
    'Try another browser, or call your IT service desk.'],
  UNAUTHORISED: ['You need to sign in',
    'You are not signed in, or your session has ended.',
    'Sign in again with your smartcard or NHS login method.'],
  CSRF_REJECTED: ['This request was blocked',
    'The request did not come from this page, so it was blocked to protect you.',
    'Close other tabs showing this service, reload the page and try again.'],
  NO_ORGANISATION_CONSENT: ['Your organisation cannot use the Shared Care Record yet',
    'The organisation of the role you are signed in with is not yet live under the information sharing agreement.',
    'If you work for another organisation too, change role. Otherwise ask your information governance lead when your organisation joins.'],
  ACCESS_DENIED: ['Your role cannot view patient records',
    'The role you are signed in with is not allowed to see any part of a patient’s record here.',
    'If you have another role that should see records, change role. Otherwise ask your Registration Authority about your role.'],
  NO_RELATIONSHIP: ['You do not have a recorded relationship with this patient',
    'Your organisation has no record of caring for this patient, and there is no referral or patient context for you.',
    'If you are caring for this patient now and need the record, you can use emergency access below. Otherwise check the NHS number.'],
  NO_PATIENT_CONSENT: ['This patient has said no to sharing their record',
    'The patient has objected to their record being shared through the Shared Care Record, so it is not shown.',
    'Ask the patient, or use your own organisation’s records. In an emergency where treatment depends on it, emergency access for emergency treatment can override this.'],
  NOT_FOUND: ['Page not found', 'There is nothing at this address.', 'Start again from “Find a patient”.'],
  METHOD_NOT_ALLOWED: ['The request could not be understood', 'The page asked the service for something in a way it does not accept.',
    'Reload the page and try again.'],
  NOT_ACCEPTABLE: ['The request could not be understood', 'The page asked for the record in a form the service does not give.',
    'Reload the page and try again.'],
  PAYLOAD_TOO_LARGE: ['What you entered is too long', 'The text sent was longer than the service accepts.',
    'Shorten what you wrote and try again.'],
  URI_TOO_LONG: ['The address is too long', 'The link you followed is longer than the service accepts.',
    'Start again from “Find a patient”.'],
  UNSUPPORTED_MEDIA_TYPE: ['The request could not be understood', 'The page sent information in a form the service does not accept.',
    'Reload the page and try again.'],
  HEADERS_TOO_LARGE: ['Your browser sent too much information', 'Your browser sent more information with the request than the service accepts.',
    'Close the browser, open it again and sign in.'],
  THROTTLED: ['You have opened many records in a short time',
    'To protect patients, the number of different records one person can open in a short time is limited. This has been recorded.',
    'Wait a few minutes before opening another record. If you need more for your work, talk to your privacy officer.'],
  AUDIT_UNAVAILABLE: ['The record cannot be shown right now',
    'Every view must be recorded before anything is shown, and the recording service is not answering.', TRY_AGAIN],
  AUTH_UNAVAILABLE: ['Sign-in cannot be checked right now',
    'The NHS identity service that confirms who you are is not answering.', TRY_AGAIN],
  CONSENT_UNAVAILABLE: ['The patient’s sharing choice cannot be checked right now',
    'The national service that says whether the patient has objected to sharing is not answering, so nothing is shown.',
    'Try again in a few minutes. In an emergency, emergency access for emergency treatment can be used.'],
  RELATIONSHIP_UNAVAILABLE: ['Your relationship with this patient cannot be checked right now',
    'Your organisation’s own record system did not answer, so the service cannot confirm you are caring for this patient.', TRY_AGAIN],
  BREAK_GLASS_UNAVAILABLE: ['Emergency access could not be granted',
    'Emergency access could not be recorded, so nothing was granted.', TRY_AGAIN],
  INTERNAL_SERVER_ERROR: ['Sorry, there is a problem with the service',
    'Something went wrong on our side. Nothing from the record was shown.', TRY_AGAIN],
};

/** Renders the page for a refusal; `extra` (nodes) goes after the advice, e.g. the break-glass form. */
export function showRefusal(refusal, extra = []) {
  const [title, what, next] = REFUSALS[refusal.code] || REFUSALS.INTERNAL_SERVER_ERROR;
  const retry = refusal.retryAfter ? h('p', {}, `You can try again after ${refusal.retryAfter} seconds.`) : null;
  return showPage(title,
    h('div', { class: 'scr-refusal', 'data-refusal': refusal.code },
      h('h1', {}, title),
      h('p', {}, what),
      h('h2', { class: 'nhsuk-heading-s' }, 'What you can do'),
      h('p', {}, next),
      retry,
      extra,
      h('p', { class: 'scr-quiet' }, `Reference: ${refusal.code}${refusal.requestId ? ` · ${refusal.requestId}` : ''}`),
      h('p', {}, h('a', { href: '/' }, 'Find a patient'))));
}
