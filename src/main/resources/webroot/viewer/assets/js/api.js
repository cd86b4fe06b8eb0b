// Talking to the service: same-origin only, cookies sent, nothing cached, the CSRF token on every change.

let csrfToken = null;
let onActivity = () => {};

export function setCsrfToken(token) { csrfToken = token; }
export function setActivityListener(listener) { onActivity = listener; }

/** A refusal: the service's OperationOutcome, read for its stable code. */
export class Refusal extends Error {
  constructor(status, code, diagnostics, retryAfter) {
    super(code);
    this.status = status;
    this.code = code;
    this.diagnostics = diagnostics;
    this.retryAfter = retryAfter;
  }
}

async function refusalOf(response) {
  let code = response.status === 401 ? 'UNAUTHORISED' : 'INTERNAL_SERVER_ERROR';
  let diagnostics = '';
  try {
    const outcome = await response.json();
    const issue = outcome && outcome.issue && outcome.issue[0];
    code = issue?.details?.coding?.[0]?.code || code;
    diagnostics = issue?.diagnostics || '';
  } catch (notJson) { /* the status alone */ }
  return new Refusal(response.status, code, diagnostics, response.headers.get('Retry-After'));
}

export async function getJson(path) {
  const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
  if (!response.ok) throw await refusalOf(response);
  onActivity();
  return response.json();
}

export async function postJson(path, body) {
  const response = await fetch(path, {
    method: 'POST', credentials: 'same-origin', cache: 'no-store',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken || '' },
    body: JSON.stringify(body || {}),
  });
  if (!response.ok) throw await refusalOf(response);
  onActivity();
  return response.json();
}

/**
 * Reads a record as Server-Sent Events through fetch (so a refusal's code can be read, which an
 * EventSource cannot), calling onEvent(name, data) for each event. Stops reading at `complete` or
 * `error` and never reconnects. Resolves when the stream has ended; rejects with a Refusal.
 */
export async function readRecord(nhsNumber, onEvent, signal) {
  const response = await fetch(`/viewer/api/patients/${encodeURIComponent(nhsNumber)}/record`, {
    credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/event-stream' }, signal,
  });
  if (!response.ok) throw await refusalOf(response);
  onActivity();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let finished = false;
  while (!finished) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while (!finished && (end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0) continue; // a heartbeat comment
      let parsed;
      try { parsed = JSON.parse(data.join('\n')); } catch (bad) { continue; }
      onEvent(name, parsed);
      if (name === 'complete' || name === 'error') finished = true;
    }
  }
  await reader.cancel().catch(() => {});
  return finished;
}
