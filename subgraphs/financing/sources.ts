// Readers of the real files copied in data/ (see data/SOURCE.md).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Indicator as IndicatorRow, Pge as PgeRow } from './db.ts';

export const PGE_FILE = new URL('./data/pge-departemental-naf-latest.csv', import.meta.url);
export const BAROMETRE_FILE = new URL(
  './data/barometre-resultats-synthese-nb-entreprises-industrielles.csv',
  import.meta.url,
);
export const FRANCE_RELANCE_INDICATOR = 'nb-entreprises-industrielles-agricoles';

const csv = (file: URL) =>
  parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Record<string, string>[];

function number(value: string | undefined, where: string): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(n))
    throw new Error(`${where}: "${value}" is not a number`);
  return n;
}

/** One row per department × NAF section, as published. */
export function readPge(): PgeRow[] {
  return csv(PGE_FILE).map((r, i) => ({
    department_code: r.dep!,
    department_name: r.libelle_departement!,
    section_code: r.code_section!,
    section_label: r.libelle_section!,
    loan_count: number(r.nombre_pge, `PGE line ${i + 2}`),
    amount_eur: number(r.montant_total, `PGE line ${i + 2}`),
    date: r.date_maj!,
  }));
}

/** The France Relance industry indicator, latest value per department. */
export function readIndicators(): IndicatorRow[] {
  return csv(BAROMETRE_FILE)
    .filter((r) => r.id_indicateur === FRANCE_RELANCE_INDICATOR)
    .map((r, i) => ({
      department_code: r.code_departement!,
      indicator_id: r.id_indicateur!,
      label: r.indicateur!,
      value: number(r.valeur_actuelle, `Baromètre line ${i + 2}`),
      date: r.date_valeur_actuelle!,
      initial_value: r.valeur_initiale ? number(r.valeur_initiale, `Baromètre line ${i + 2}`) : null,
      initial_date: r.date_valeur_initiale || null,
      unit: r.unite!,
    }));
}
