import type { Db } from "../db/database";
import { environmentChanges, type EnvironmentChanged } from "../environments/environment-events";
import { environmentsOf, getEnvironment } from "../environments/environment-queries";

// Who each change concerns, looked up once per change however many researchers are subscribed: every
// subscriber of a process is handed the same change object.
const personsOfChange = new WeakMap<EnvironmentChanged, Promise<Set<string>>>();

function personsNamedFor(db: Db, change: EnvironmentChanged): Promise<Set<string>> {
  let persons = personsOfChange.get(change);
  if (!persons) {
    persons = getEnvironment(db, change.namespace).then(
      (row) => new Set(row?.permit.authorisedPersons.map((p) => p.subject) ?? []),
    );
    personsOfChange.set(change, persons);
  }
  return persons;
}

/**
 * A researcher's live view: their whole list of environments (as `environments.mine` answers it) each
 * time it changes. A write concerns them when the environment was in their list (it may have left it) or
 * its permit names them now (a new or amended permit); only then is the list read again, and only a list
 * that differs from the last one goes out, so a researcher learns nothing of other permits' environments,
 * not even that they changed. The client fetches the list itself when the stream (re)connects, so the
 * stream sends no list of its own at the start.
 */
export async function* myEnvironmentUpdates(db: Db, subject: string, signal: AbortSignal | undefined) {
  const changes = environmentChanges(db, signal);
  let list = await environmentsOf(db, subject);
  let sent = JSON.stringify(list);
  for await (const change of changes) {
    const wasMine = list.some((e) => e.namespace === change.namespace);
    if (!wasMine && !(await personsNamedFor(db, change)).has(subject)) continue;
    list = await environmentsOf(db, subject);
    const now = JSON.stringify(list);
    if (now === sent) continue;
    sent = now;
    yield list;
  }
}
