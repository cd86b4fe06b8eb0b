// NHS numbers: 10 digits shown 3-3-4, the tenth a Modulus 11 check digit.

export function digitsOf(text) {
  return (text || '').replace(/\D/g, '').slice(0, 10);
}

/** 3-3-4 with spaces, for as many digits as there are. */
export function format(text) {
  const d = digitsOf(text);
  return [d.slice(0, 3), d.slice(3, 6), d.slice(6, 10)].filter(Boolean).join(' ');
}

/** Whether ten digits carry a valid check digit. */
export function isValid(text) {
  const d = digitsOf(text);
  if (d.length !== 10 || /[^\d\s]/.test((text || '').trim())) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(d[i]) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === Number(d[9]);
}

/** What to tell the user about what they have typed so far (null while nothing is wrong yet). */
export function problem(text) {
  const trimmed = (text || '').trim();
  if (trimmed === '') return 'Enter the patient’s NHS number';
  if (/[^\d\s-]/.test(trimmed)) return 'An NHS number has numbers only';
  const d = digitsOf(trimmed);
  if (d.length < 10) return 'An NHS number has 10 digits';
  if (trimmed.replace(/[\s-]/g, '').length > 10) return 'An NHS number has 10 digits';
  return isValid(d) ? null : 'This is not a valid NHS number: check it has been typed correctly';
}
