import type { Db } from "../db/database";
import { environmentChanges } from "../environments/environment-events";
import { environmentsOf } from "../environments/environment-queries";

/**
 * A researcher's live view: their whole list of environments (as `environments.mine` answers it) each
 * time it changes. Any environment's write may change it (a permit amended to name them makes a new one
 * theirs), so every write is looked at, but only a list that differs from the last one sent goes out: a
 * researcher learns nothing of other permits' environments, not even that they changed. Writes are rare
 * (the reconciler writes a row only when its status changes). The client fetches the list itself when the
 * stream (re)connects, so the stream sends no list of its own at the start.
 */
export async function* myEnvironmentUpdates(db: Db, subject: string, signal: AbortSignal | undefined) {
  const changes = environmentChanges(db, signal);
  let sent = JSON.stringify(await environmentsOf(db, subject));
  for await (const _ of changes) {
    const list = await environmentsOf(db, subject);
    const now = JSON.stringify(list);
    if (now === sent) continue;
    sent = now;
    yield list;
  }
}
