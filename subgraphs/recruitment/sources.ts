// Reader of the Baromètre des résultats file (departmental recruitment indicators). The job-seeker series and
// BMO basins are read in jobseekers.ts, the BMO survey in hiring-needs.ts.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { NewDepartmentIndicator } from './db.ts';

export const BAROMETRE_FILE = new URL('./data/barometre-detail-recrutement.csv', import.meta.url);

export function readIndicators(): NewDepartmentIndicator[] {
  const rows = parse(readFileSync(BAROMETRE_FILE), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return rows.map((r) => ({
    department_code: r.code_departement!,
    department_name: r.libelle_departement!,
    indicator: r.id_indicateur!,
    date: r.date!,
    value: Number(r.valeur),
    unit: r.unite!,
  }));
}
