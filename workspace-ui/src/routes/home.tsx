import { useMe } from "../features/session/use-me";
import { RolePanels } from "../features/session/role-panels";

export default function Home() {
  const me = useMe();
  if (me.isPending) return <p aria-busy="true">Laddar…</p>;
  if (me.isError) return <p role="alert">Kunde inte nå servern: {me.error.message}</p>;
  if (!me.data)
    return (
      <section className="card narrow">
        <h1>Välkommen</h1>
        <p>Säker behandlingsmiljö för hälsodata enligt det europeiska hälsodataområdet (EHDS).</p>
        <a className="button" href="/auth/login">Logga in</a>
      </section>
    );
  return (
    <>
      <h1>Hej {me.data.name}</h1>
      <RolePanels roles={me.data.roles} />
    </>
  );
}
