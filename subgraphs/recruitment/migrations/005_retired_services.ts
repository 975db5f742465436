import type { Kysely, Migration } from 'kysely';
import { retireServiceRecords } from '../../runtime/migrations.ts';

/**
 * `recruitment:transitions-collectives` left France Travail's catalogue: the AMI Transitions collectives is the
 * Ministry of Labour's tool (`state:transitions-collectives` in the programme catalogue), not France Travail's.
 * Actions France Travail declared under it move to `retired_record`, readable there, no longer served.
 */
export const retiredServices: Migration = {
  async up(db: Kysely<any>) {
    await retireServiceRecords(db, 'recruitment', [
      {
        table: 'recruitment_action',
        serviceId: 'recruitment:transitions-collectives',
        reason:
          "AMI Transitions collectives is the Ministry of Labour's tool (state:transitions-collectives), not France Travail's",
      },
    ]);
  },
};
