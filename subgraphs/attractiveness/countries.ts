// Countries used by the sample records, ISO 3166-1 alpha-2 with French names.
// `invest`: weight as origin of foreign investment projects in France (loosely the usual ranking of
// Business France's yearly reports: United States, Germany, United Kingdom…), not real shares.
// `export`: weight as target market of French industrial SMEs (neighbours first).
export interface Country {
  code: string;
  name: string;
  invest: number;
  export: number;
  legalForm: string;
}

export const COUNTRIES: readonly Country[] = [
  { code: 'US', name: 'États-Unis', invest: 18, export: 9, legalForm: 'Inc.' },
  { code: 'DE', name: 'Allemagne', invest: 16, export: 16, legalForm: 'GmbH' },
  { code: 'GB', name: 'Royaume-Uni', invest: 9, export: 7, legalForm: 'Ltd' },
  { code: 'BE', name: 'Belgique', invest: 7, export: 10, legalForm: 'SA/NV' },
  { code: 'IT', name: 'Italie', invest: 7, export: 9, legalForm: 'S.p.A.' },
  { code: 'CH', name: 'Suisse', invest: 7, export: 5, legalForm: 'AG' },
  { code: 'NL', name: 'Pays-Bas', invest: 5, export: 5, legalForm: 'B.V.' },
  { code: 'ES', name: 'Espagne', invest: 5, export: 9, legalForm: 'S.L.' },
  { code: 'JP', name: 'Japon', invest: 4, export: 2, legalForm: 'K.K.' },
  { code: 'CN', name: 'Chine', invest: 3, export: 4, legalForm: 'Co., Ltd' },
  { code: 'CA', name: 'Canada', invest: 2, export: 3, legalForm: 'Inc.' },
  { code: 'SE', name: 'Suède', invest: 2, export: 2, legalForm: 'AB' },
  { code: 'LU', name: 'Luxembourg', invest: 2, export: 1, legalForm: 'S.A.' },
  { code: 'DK', name: 'Danemark', invest: 1, export: 1, legalForm: 'A/S' },
  { code: 'AT', name: 'Autriche', invest: 1, export: 1, legalForm: 'GmbH' },
  { code: 'IN', name: 'Inde', invest: 1, export: 2, legalForm: 'Pvt Ltd' },
  { code: 'KR', name: 'Corée du Sud', invest: 1, export: 1, legalForm: 'Co., Ltd' },
  { code: 'IE', name: 'Irlande', invest: 1, export: 1, legalForm: 'Ltd' },
  { code: 'PL', name: 'Pologne', invest: 0, export: 4, legalForm: 'Sp. z o.o.' },
  { code: 'MA', name: 'Maroc', invest: 0, export: 3, legalForm: 'SARL' },
];

export const COUNTRY_BY_CODE = new Map(COUNTRIES.map((c) => [c.code, c]));

// Operators may declare any country: French names of the others come from ICU (Node ships full ICU).
const REGION_NAMES = new Intl.DisplayNames('fr', { type: 'region', fallback: 'none' });

/** French name of an ISO 3166-1 alpha-2 code; undefined when the code is not a country. */
export function countryName(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code) || /^(EU|EZ|UN|QO|XA|XB|ZZ)$/.test(code)) return undefined; // groupings and pseudo-regions
  return COUNTRY_BY_CODE.get(code)?.name ?? REGION_NAMES.of(code);
}

/** `{ code, name }` of a stored code (validated on write, so the name is known). */
export function country(code: string): { code: string; name: string } {
  return { code, name: countryName(code) ?? code };
}
