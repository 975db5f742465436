// Checks of French public identifiers (SIREN, INSEE codes) for resolver arguments: each says what was wrong.
import { badInput } from './errors.ts';

/** Luhn checksum of a 9-digit SIREN; La Poste's 356000000 is the documented exception. */
export function sirenChecksumOk(digits: string): boolean {
  if (digits === '356000000') return true;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** SIREN: 9 digits with a valid Luhn checksum. */
export function checkSiren(siren: string, argumentName = 'siren'): string {
  if (!/^\d{9}$/.test(siren))
    throw badInput(argumentName, `"${siren.slice(0, 40)}" is not a SIREN (9 digits expected)`);
  if (!sirenChecksumOk(siren)) throw badInput(argumentName, `"${siren}" is not a valid SIREN (checksum fails)`);
  return siren;
}

/** INSEE commune code: 5 digits, or 2A/2B + 3 digits (Corsica). */
export function checkInsee(code: string, argumentName = 'insee'): string {
  if (!/^(\d{5}|2[AB]\d{3})$/.test(code))
    throw badInput(
      argumentName,
      `"${code.slice(0, 40)}" is not an INSEE commune code (5 characters, e.g. 69123 or 2A004)`,
    );
  return code;
}

export function checkDepartmentCode(code: string, argumentName = 'department'): string {
  if (!/^(\d{2}|2[AB]|97\d)$/.test(code))
    throw badInput(argumentName, `"${code.slice(0, 40)}" is not an INSEE department code (e.g. 01, 2A, 974)`);
  return code;
}

export function checkRegionCode(code: string, argumentName = 'region'): string {
  if (!/^\d{2}$/.test(code))
    throw badInput(argumentName, `"${code.slice(0, 40)}" is not an INSEE region code (2 digits, e.g. 84)`);
  return code;
}
