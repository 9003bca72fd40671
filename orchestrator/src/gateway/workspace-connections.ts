/** A person's workspace of an environment, by its opaque id. */
export interface ConnectedWorkspace {
  namespace: string;
  personId: string;
}

/**
 * The requests and WebSockets this gateway has open to each person's workspace: while any is, the workspace
 * is in use (a browser's kernel socket, a long download), whatever the Lab says. In this process only; the
 * idle culler writes them down as activity, so that every orchestrator's culler sees them.
 */
export class WorkspaceConnections {
  private readonly open = new Map<string, { workspace: ConnectedWorkspace; count: number }>();

  /** One more is open; call what it returns, once, when it has closed. */
  begin(workspace: ConnectedWorkspace): () => void {
    const key = `${workspace.namespace}/${workspace.personId}`;
    const entry = this.open.get(key) ?? { workspace, count: 0 };
    entry.count++;
    this.open.set(key, entry);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--entry.count === 0) this.open.delete(key);
    };
  }

  count(namespace: string, personId: string): number {
    return this.open.get(`${namespace}/${personId}`)?.count ?? 0;
  }

  /** The workspaces with something open now. */
  connected(): ConnectedWorkspace[] {
    return [...this.open.values()].map((e) => e.workspace);
  }
}
