// Peer-controlled text on its way to a terminal (certificate names, reasons that quote them,
// decoded fields): control characters could move the cursor, recolour or rewrite what the user
// sees, and bidirectional overrides reorder it. Each is shown as a \u escape instead.

// C0 and C1 controls, DEL, the line and paragraph separators, the bidi marks and overrides.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character that is not safe to print written as `\uXXXX`. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` in double quotes, JSON-escaped, then escapeControls for what JSON leaves raw. */
export function quoteText(text: string): string {
  return escapeControls(JSON.stringify(text));
}
