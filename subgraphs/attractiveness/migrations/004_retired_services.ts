import type { Kysely, Migration } from 'kysely';
import { retireServiceRecords } from '../../runtime/migrations.ts';

/**
 * `attractiveness:sites-cles-en-main` left Business France's catalogue: Sites industriels clés en main is the
 * State's call (`state:sites-industriels-cles-en-main` in the programme catalogue). Site records Business France
 * declared under it move to `retired_record`, readable there, no longer served; its promotions of those sites abroad
 * are `attractiveness:promotion-internationale` records.
 */
export const retiredServices: Migration = {
  async up(db: Kysely<any>) {
    await retireServiceRecords(db, 'attractiveness', [
      {
        table: 'site_promotion',
        serviceId: 'attractiveness:sites-cles-en-main',
        reason:
          "Sites industriels clés en main is the State's call (state:sites-industriels-cles-en-main), not Business France's",
      },
    ]);
  },
};
