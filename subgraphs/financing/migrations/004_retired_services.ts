import type { Kysely, Migration } from 'kysely';
import { retireServiceRecords } from '../../runtime/migrations.ts';

/**
 * `financing:vte` left Bpifrance's catalogue: the VTE hiring aid is recorded once, by Banque des Territoires
 * (`engineering:aide-recrutement-vte`), in another database. Financings Bpifrance declared under it would count
 * the aid twice and name a service the slice no longer serves: they move to `retired_record`, readable there.
 */
export const retiredServices: Migration = {
  async up(db: Kysely<any>) {
    await retireServiceRecords(db, 'financing', [
      {
        table: 'financing',
        serviceId: 'financing:vte',
        reason:
          'the VTE hiring aid is held by Banque des Territoires (engineering:aide-recrutement-vte); declare it there',
      },
    ]);
  },
};
