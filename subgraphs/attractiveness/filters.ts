// Validation of the arguments of the record lists and totals, into normalised filters.
// A filter's JSON is part of the DataLoader key: same arguments → same batch → one SQL statement.
import { badInput, decodeCursor, notFound, pageSize } from '../runtime/errors.ts';
import { MANUFACTURING } from '../runtime/sample.ts';
import { SERVICE_BY_ID } from './catalogue.ts';

export const FIRST_YEAR = 2019;
export const LAST_YEAR = 2027;
export const SECTORS = [...new Set(MANUFACTURING.map((m) => m.sector))].sort();
export const INVESTMENT_STATUSES = ['DETECTED', 'IN_PROGRESS', 'DECIDED', 'ABANDONED'] as const;

export interface Page {
  first: number;
  after: number;
}
export interface InvestmentFilter extends Page {
  country?: string;
  sector?: string;
  kind?: string;
  status?: string;
  year?: number;
  minJobs?: number;
  minAmountEur?: number;
  maxAmountEur?: number;
}
export interface ExportFilter extends Page {
  offer?: string;
  targetCountry?: string;
  status?: string;
  year?: number;
}
export interface SiteFilter extends Page {
  service?: string;
  year?: number;
  minHectares?: number;
}
/** Totals: `statuses` is never empty (default: all but ABANDONED). */
export interface TotalsFilter {
  year?: number;
  statuses: string[];
}

type Maybe<T> = T | null | undefined;

function page(args: { first?: Maybe<number>; after?: Maybe<string> }): Page {
  return { first: pageSize(args.first), after: decodeCursor(args.after) };
}

export function checkYear(year: Maybe<number>, argumentName = 'year'): number | undefined {
  if (year == null) return undefined;
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw badInput(argumentName, `must be a year between ${FIRST_YEAR} and ${LAST_YEAR} (got ${year})`);
  }
  return year;
}

function checkCountry(code: Maybe<string>, argumentName: string): string | undefined {
  if (code == null) return undefined;
  if (!/^[A-Z]{2}$/.test(code))
    throw badInput(
      argumentName,
      `"${code.slice(0, 40)}" is not an ISO 3166-1 alpha-2 country code (2 capital letters, e.g. DE)`,
    );
  return code;
}

function checkNonNegative(value: Maybe<number>, argumentName: string): number | undefined {
  if (value == null) return undefined;
  if (!Number.isFinite(value) || value < 0) throw badInput(argumentName, `must be zero or positive (got ${value})`);
  return value;
}

/** Drops undefined members so that equal filters serialise equally. */
function compact<T extends object>(filter: T): T {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as T;
}

export function investmentFilter(args: {
  first?: Maybe<number>;
  after?: Maybe<string>;
  country?: Maybe<string>;
  sector?: Maybe<string>;
  kind?: Maybe<string>;
  status?: Maybe<string>;
  year?: Maybe<number>;
  minJobs?: Maybe<number>;
  minAmountEur?: Maybe<number>;
  maxAmountEur?: Maybe<number>;
}): InvestmentFilter {
  if (args.sector != null && !SECTORS.includes(args.sector as never)) {
    throw badInput('sector', `unknown sector "${args.sector.slice(0, 60)}"; expected one of ${SECTORS.join(', ')}`);
  }
  const minJobs = checkNonNegative(args.minJobs, 'minJobs');
  const minAmountEur = checkNonNegative(args.minAmountEur, 'minAmountEur');
  const maxAmountEur = checkNonNegative(args.maxAmountEur, 'maxAmountEur');
  if (minAmountEur !== undefined && maxAmountEur !== undefined && minAmountEur > maxAmountEur) {
    throw badInput('maxAmountEur', `must be greater than or equal to minAmountEur (${minAmountEur} > ${maxAmountEur})`);
  }
  return compact({
    ...page(args),
    country: checkCountry(args.country, 'country'),
    sector: args.sector ?? undefined,
    kind: args.kind ?? undefined,
    status: args.status ?? undefined,
    year: checkYear(args.year),
    minJobs,
    minAmountEur,
    maxAmountEur,
  });
}

export function exportFilter(args: {
  first?: Maybe<number>;
  after?: Maybe<string>;
  offer?: Maybe<string>;
  targetCountry?: Maybe<string>;
  status?: Maybe<string>;
  year?: Maybe<number>;
}): ExportFilter {
  return compact({
    ...page(args),
    offer: args.offer ?? undefined,
    targetCountry: checkCountry(args.targetCountry, 'targetCountry'),
    status: args.status ?? undefined,
    year: checkYear(args.year),
  });
}

export function siteFilter(args: {
  first?: Maybe<number>;
  after?: Maybe<string>;
  service?: Maybe<string>;
  year?: Maybe<number>;
  minHectares?: Maybe<number>;
}): SiteFilter {
  if (args.service != null) {
    const service = SERVICE_BY_ID.get(args.service);
    if (!service) throw notFound(`service "${args.service.slice(0, 80)}"`, 'service');
    if (service.records !== 'site')
      throw badInput(
        'service',
        `"${service.id}" has no site promotions (use attractiveness:promotion-internationale or attractiveness:sites-cles-en-main)`,
      );
  }
  return compact({
    ...page(args),
    service: args.service ?? undefined,
    year: checkYear(args.year),
    minHectares: checkNonNegative(args.minHectares, 'minHectares'),
  });
}

export function totalsFilter(args: { year?: Maybe<number>; status?: Maybe<string> }): TotalsFilter {
  return compact({
    year: checkYear(args.year),
    statuses: args.status ? [args.status] : INVESTMENT_STATUSES.filter((s) => s !== 'ABANDONED'),
  });
}
