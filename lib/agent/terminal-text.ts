/**
 * Text from the network made safe to print on a terminal. Span names and error messages come from
 * any app: raw, `ESC ] 0 ; … BEL` retitles the terminal, OSC 52 writes the clipboard, `ESC [ 2J`
 * clears the screen, CR overwrites a line, and bidi controls reorder what is shown. Every C0 and C1
 * control, DEL, line/paragraph separator and bidi control becomes a visible escape (`\x1b`, `\u202e`).
 */
// C0, DEL, C1; ALM; LRM, RLM; LS, PS; LRE…RLO; LRI…PDI.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
