// The play of the "Romeo and Juliet" homeserver benchmark
// (../shared/bench/romeo_and_juliet.txt): a speaker's name on a line of its
// own, the speech indented below it. Every speaker is a user; every spoken
// line is one message, sent in order.

export interface Play {
  /** speakers in order of first appearance */
  readonly characters: readonly string[];
  readonly lines: readonly { readonly speaker: string; readonly text: string }[];
}

const HEADINGS = /^(ACT\b|SCENE\b|PROLOGUE\b|EPILOGUE\b)/;
/** stage directions inside a speech are not spoken */
const DIRECTION = /^(Enter|Exit|Exeunt|Re-enter|Dies|Dies\.|Aside|Within)\b/;

export function parsePlay(text: string): Play {
  const characters: string[] = [];
  const lines: { speaker: string; text: string }[] = [];
  let speaker: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    if (!/^\s/.test(raw)) {
      const name = raw.trim();
      if (HEADINGS.test(name)) { speaker = undefined; continue; }
      speaker = name;
      if (!characters.includes(name)) characters.push(name);
      continue;
    }
    const line = raw.trim();
    if (speaker === undefined || DIRECTION.test(line)) continue;
    lines.push({ speaker, text: line });
  }
  return { characters, lines };
}

/** A Matrix localpart for a character ("FRIAR LAURENCE" → "friar_laurence"). */
export function localpartOf(character: string): string {
  return character.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}
