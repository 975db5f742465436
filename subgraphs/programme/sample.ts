// Deterministic sample action sheets (the record kind's sample hook): no open data lists the fiches actions. Which
// sheets a territory has, their ids and axes come from runtime/action-sheets.ts (the operators' sample records name
// those ids); the rest follows the axis and the activity: title, holder, partners, dates, status, budget. Statuses
// are as of SAMPLE_AS_OF, a fixed date, so that the sample is the same whenever it is generated.
import { sampleActionSheets, type ActionAxis, type SampleActionSheet } from '../runtime/action-sheets.ts';
import { findTerritory, loadGeography, PHASES, type PerimeterTerritory } from '../runtime/perimeters.ts';
import { rng, sampleCompanyName, sampleSiren, type Rng } from '../runtime/sample.ts';
import { joinList, type ActionSheetRow } from './db.ts';

/** Bump when the generator's output changes (part of dataVersion). */
export const SAMPLE_VERSION = 'programme-sample-v1';
/** The day the sample's statuses describe (past sheets DONE or ABANDONED, current IN_PROGRESS, future PLANNED). */
export const SAMPLE_AS_OF = '2025-12-31';

type Holder = 'COMPANY' | 'EPCI' | 'ASSOCIATION' | 'CHAMBER' | 'STATE';

/** Actions by main axis: a title (the activity's sector is appended) and the holders that carry such actions. */
const ACTIONS: Record<ActionAxis, { title: string; holders: Holder[] }[]> = {
  ATTRACT: [
    { title: "Requalification de la zone d'activités industrielle", holders: ['EPCI'] },
    { title: 'Offre de foncier industriel clés en main', holders: ['EPCI'] },
    { title: "Campagne d'attractivité du territoire industriel", holders: ['EPCI', 'ASSOCIATION'] },
    { title: 'Accueil des nouveaux salariés et de leurs familles', holders: ['EPCI', 'ASSOCIATION'] },
    { title: "Reconversion d'une friche industrielle", holders: ['EPCI'] },
  ],
  RECRUIT: [
    { title: 'Plateforme mutualisée de recrutement', holders: ['EPCI', 'ASSOCIATION'] },
    { title: "Découverte des métiers de l'industrie auprès des collégiens", holders: ['ASSOCIATION', 'CHAMBER'] },
    { title: 'Formation en alternance aux métiers en tension', holders: ['CHAMBER', 'COMPANY'] },
    { title: 'Gestion prévisionnelle des emplois et des compétences territoriale', holders: ['EPCI', 'CHAMBER'] },
    { title: 'Logement des alternants et des jeunes salariés', holders: ['EPCI'] },
  ],
  INNOVATE: [
    { title: 'Diagnostics industrie du futur des PME', holders: ['CHAMBER', 'EPCI'] },
    { title: 'Plateforme technologique partagée entre industriels', holders: ['COMPANY', 'ASSOCIATION'] },
    { title: 'Écologie industrielle et territoriale', holders: ['EPCI', 'ASSOCIATION'] },
    { title: 'Décarbonation des sites de production', holders: ['COMPANY'] },
    { title: "Modernisation d'une ligne de production", holders: ['COMPANY'] },
  ],
  SIMPLIFY: [
    { title: 'Guichet unique des entreprises industrielles', holders: ['EPCI'] },
    { title: "Accélération des procédures d'implantation", holders: ['STATE', 'EPCI'] },
    { title: 'Demande de dérogation France Expérimentation', holders: ['EPCI'] },
  ],
};

/** Partners by axis: the operators and bodies such actions usually involve. */
const PARTNERS: Record<ActionAxis, string[]> = {
  ATTRACT: ['Business France', 'Banque des Territoires', 'Agence régionale de développement économique'],
  RECRUIT: ['France Travail', 'Opco 2i', 'Lycée professionnel', 'Union des industries et métiers de la métallurgie'],
  INNOVATE: ['Bpifrance', 'Pôle de compétitivité', 'Centre technique industriel'],
  SIMPLIFY: ['Préfecture de département', 'DREAL', 'Direction départementale des territoires'],
};

const BUDGET: Record<ActionAxis, [number, number]> = {
  ATTRACT: [50_000, 3_000_000],
  RECRUIT: [20_000, 600_000],
  INNOVATE: [40_000, 2_500_000],
  SIMPLIFY: [5_000, 150_000],
};

const regionName = (code: string) => loadGeography().regions.find((r) => r.code === code)?.name ?? code;

/** Dates and status of a sheet of this phase, as of SAMPLE_AS_OF. */
function schedule(random: Rng, phase: string) {
  const first = phase === '2019-2022' ? 2019 : 2023;
  const lastStart = phase === '2019-2022' ? 2021 : 2026;
  const lastEnd = phase === '2019-2022' ? 2022 : 2027;
  const start = random.date(first, lastStart);
  const endYear = Math.min(lastEnd, Number(start.slice(0, 4)) + random.int(1, 3));
  let end = `${endYear}-${start.slice(5, 7)}-28`;
  if (end <= start) end = `${endYear}-12-31`;
  const abandoned = random.next() < 0.08;
  if (start > SAMPLE_AS_OF) return { start, end, status: abandoned ? 'ABANDONED' : 'PLANNED' };
  if (end <= SAMPLE_AS_OF) return { start, end, status: abandoned ? 'ABANDONED' : 'DONE' };
  return { start, end, status: abandoned ? 'ABANDONED' : 'IN_PROGRESS' };
}

function holderOf(random: Rng, kind: Holder, territory: PerimeterTerritory, sheet: SampleActionSheet) {
  const geo = loadGeography();
  switch (kind) {
    case 'EPCI': {
      // A real groupement of the territory (or its commune, for single-commune territories): real name and SIREN.
      const g = random.pick(territory.groupements);
      return { kind: g.nature === 'COM' ? 'COMMUNE' : 'EPCI', name: g.name, siren: g.siren };
    }
    case 'COMPANY': {
      const commune = geo.communeByCode.get(random.pick(territory.communeCodes));
      return {
        kind: 'COMPANY',
        name: sampleCompanyName(random, sheet.activity, commune?.name ?? territory.name),
        siren: sampleSiren(random),
      };
    }
    case 'CHAMBER': {
      const department = geo.departments.find((d) => d.code === random.pick(territory.departmentCodes));
      return {
        kind: 'CHAMBER',
        name: `Chambre de commerce et d'industrie, ${department?.name ?? territory.name} (échantillon)`,
        siren: null,
      };
    }
    case 'ASSOCIATION':
      return {
        kind: 'ASSOCIATION',
        name: `Association ${sheet.activity.sector} ${territory.name} (échantillon)`,
        siren: null,
      };
    case 'STATE':
      return { kind: 'STATE', name: `Préfecture de région ${regionName(territory.regionCode)}`, siren: null };
  }
}

/** The full sample row of one sheet of runtime/action-sheets.ts. */
function sheetRow(sheet: SampleActionSheet): ActionSheetRow {
  const territory = findTerritory(sheet.territoryId)!;
  const random = rng(`action-sheet:${sheet.id}`);
  const main = sheet.axes[0]!;
  const action = random.pick(ACTIONS[main]);
  const title = `${action.title} — ${sheet.activity.sector}`;
  const holder = holderOf(random, random.pick(action.holders), territory, sheet);
  const { start, end, status } = schedule(random, territory.phase);
  const partners = [`Région ${regionName(territory.regionCode)}`];
  for (const axis of sheet.axes) {
    const candidate = random.pick(PARTNERS[axis]);
    if (!partners.includes(candidate)) partners.push(candidate);
  }
  const [min, max] = BUDGET[main];
  return {
    id: sheet.id,
    territory_id: sheet.territoryId,
    title,
    description:
      `${title} : action du Territoire d'industrie ${territory.name} pour la filière ${sheet.activity.sector.toLowerCase()} ` +
      `(${sheet.activity.label.toLowerCase()}), portée par ${holder.name}. ` +
      "Fiche d'échantillon générée par le hub : titre, porteur, partenaires, dates et budget ne sont pas réels.",
    axes: joinList(sheet.axes),
    status,
    holder_kind: holder.kind,
    holder_name: holder.name,
    holder_siren: holder.siren,
    partners: joinList(partners),
    start_date: start,
    end_date: end,
    // Planned actions are not always costed yet.
    budget_eur: status === 'PLANNED' && random.next() < 0.4 ? null : random.amount(min, max, 1000),
    origin: 'SAMPLE',
  };
}

/** Every sample sheet of both phases, territory by territory. */
export function sampleSheetRows(scale: number): ActionSheetRow[] {
  return PHASES.flatMap((phase) => sampleActionSheets(phase, scale)).map(sheetRow);
}
