// Text from the report going into HTML or inline SVG. Much of it comes from the server (certificate
// subjects and SANs, alert names, the data it sent), so every piece goes through escapeHtml.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Safe as element text and as a quoted attribute value, in HTML and in SVG inside HTML. C0 controls
 * other than tab, LF and CR, DEL and the C1 controls are parse errors in HTML, and the bidi marks,
 * overrides and isolates would reorder the server's text on the page: all shown as U+FFFD instead.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch]!)
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

/** At most `max` characters, an ellipsis marking a cut; applied before escaping. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Words packed into lines of at most `width` characters; a longer word is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const piece = truncate(word, width);
    if (line && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  }
  if (line) lines.push(line);
  return lines;
}
