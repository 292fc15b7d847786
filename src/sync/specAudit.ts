import type { AuditorService } from '@backstage/backend-plugin-api';
import { specHash } from '../spec';
import type { SyncDefinition } from '../spec/types';
import type { SyncStore } from '../store/types';

/**
 * At start-up, one `spec-changed` audit event (the plugin itself is the actor) when the loaded spec
 * adds syncs or changes them against the hashes the store's sync states hold; none when all match.
 * The stored hash moves on with each sync's next run, so a restart before that reports it again.
 */
export async function auditSpecChanges(options: {
  auditor: Pick<AuditorService, 'createEvent'>;
  store: Pick<SyncStore, 'getState'>;
  syncs: SyncDefinition[];
  source: string;
}): Promise<{ added: string[]; changed: string[] }> {
  const added: string[] = [];
  const changed: string[] = [];
  for (const sync of options.syncs) {
    const stored = (await options.store.getState(sync.id))?.specHash;
    if (!stored) added.push(sync.id);
    else if (stored !== specHash(sync)) changed.push(sync.id);
  }
  if (added.length || changed.length) {
    const event = await options.auditor.createEvent({
      eventId: 'spec-changed',
      severityLevel: 'medium',
      meta: { source: options.source, added, changed },
    });
    await event.success();
  }
  return { added, changed };
}
