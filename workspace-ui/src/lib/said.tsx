/**
 * Words for the reader and the language they are in: `en` when the UI had no words of its own for what the
 * orchestrator said and shows the orchestrator's English instead.
 */
export interface Said {
  text: string;
  lang?: "en";
}

/** Said words, marked as English for screen readers when they fell back to it. */
export function Words({ said, className }: { said: Said; className?: string }) {
  return said.lang || className ? (
    <span lang={said.lang} className={className}>
      {said.text}
    </span>
  ) : (
    <>{said.text}</>
  );
}
