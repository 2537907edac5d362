// Reading a --html page back, as written or as Chromium serialised its DOM: the diagram's arrows
// and the summary's text.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name]!);
}

export interface Arrow {
  direction: string;
  name: string;
  protection: string;
  classes: string[];
  /** The arrow's label as displayed. */
  label: string;
  /** The "+12.3" and "456 B" beside it. */
  ms: string;
  bytes: string;
  hasLine: boolean;
  hasHead: boolean;
}

const attr = (attrs: string, name: string): string => decodeEntities(new RegExp(`\\s${name}="([^"]*)"`).exec(attrs)?.[1] ?? '');
const textOfClass = (body: string, cls: string): string => decodeEntities(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`).exec(body)?.[1] ?? '');

/** The diagram's arrows, in document order. */
export function diagramArrows(html: string): Arrow[] {
  const svg = /<svg[^>]*class="ladder"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
  return [...svg.matchAll(/<g class="(msg [^"]*)"([^>]*)>([\s\S]*?)<\/g>/g)].map((m) => {
    const [, classes, attrs, body] = m as unknown as [string, string, string, string];
    return {
      direction: attr(attrs, 'data-direction'),
      name: attr(attrs, 'data-name'),
      protection: attr(attrs, 'data-protection'),
      classes: classes.split(/\s+/),
      label: textOfClass(body, 'label'),
      ms: textOfClass(body, 'ms'),
      bytes: textOfClass(body, 'bytes'),
      hasLine: /<line\s/.test(body),
      hasHead: /<polygon\s/.test(body),
    };
  });
}

/** The text of the element with this id (tags dropped, entities decoded, spaces collapsed). */
export function textById(html: string, id: string, tag = '[a-z]+'): string {
  const m = new RegExp(`<(${tag})[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  if (!m) return '';
  return plainText(m[2]!);
}

/** The text of an HTML fragment: tags dropped, entities decoded, spaces collapsed. */
export function plainText(html: string): string {
  const spaced = html.replace(/<\/?(?:p|div|dl|dt|dd|ol|ul|li|pre|h\d|section|header|footer|figure|figcaption|br|text|title)\b[^>]*>/g, ' ');
  return decodeEntities(spaced.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();
}

/** The text of the summary column, which holds no nested <section>. */
export function summaryText(html: string): string {
  return textById(html, 'summary', 'section');
}

/** The note under the diagram (why the run stopped), its lines joined. */
export function diagramNote(html: string): string {
  const m = /<g class="note"[^>]*>([\s\S]*?)<\/g>/.exec(html);
  return m ? plainText(m[1]!) : '';
}
