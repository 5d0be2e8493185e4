import stringWidth from 'string-width';

/** Symbols the renderers use, in Unicode or spelled out in ASCII. */
export interface Glyphs {
  tee: string; // ├─
  elbow: string; // └─
  pipe: string; // │␠
  blank: string; // ␠␠
  times: string;
  sum: string;
  atLeast: string;
  ellipsis: string;
  dash: string;
  dot: string;
}

export const UNICODE_GLYPHS: Glyphs = {
  tee: '├─',
  elbow: '└─',
  pipe: '│ ',
  blank: '  ',
  times: '×',
  sum: 'Σ',
  atLeast: '≥',
  ellipsis: '…',
  dash: '—',
  dot: '·',
};

export const ASCII_GLYPHS: Glyphs = {
  tee: '|-',
  elbow: '\\-',
  pipe: '| ',
  blank: '  ',
  times: 'x',
  sum: 'sum of',
  atLeast: 'at least',
  ellipsis: '...',
  dash: '-',
  dot: '|',
};

export function glyphsFor(ascii: boolean | undefined): Glyphs {
  return ascii ? ASCII_GLYPHS : UNICODE_GLYPHS;
}

// C0 / C1 controls, DEL, and line / paragraph separators break a line-based layout.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NON_ASCII = /[^\u0020-\u007e]/gu;

function escapeCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/**
 * Text that came from the model (names, types, symbolic dims, warnings) made safe for a line-based
 * layout: control characters are escaped always, any non-ASCII character too in ASCII mode.
 */
export function cleanText(text: string, ascii: boolean | undefined): string {
  return text.replace(ascii ? CONTROL_OR_NON_ASCII : CONTROL, escapeCodePoint);
}

/**
 * Display width in terminal cells (CJK = 2, combining marks = 0), as string-width counts it.
 * Strings made only of printable ASCII, no-break spaces and box-drawing characters (1 cell each,
 * string-width's default for East Asian ambiguous) skip string-width: tree prefixes stay cheap.
 */
export function displayWidth(text: string): number {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x20 && c <= 0x7e) || c === 0xa0 || (c >= 0x2500 && c <= 0x257f))) return stringWidth(text);
  }
  return text.length;
}

export function padEnd(text: string, width: number, textWidth = displayWidth(text)): string {
  return textWidth >= width ? text : text + ' '.repeat(width - textWidth);
}

export function padStart(text: string, width: number, textWidth = displayWidth(text)): string {
  return textWidth >= width ? text : ' '.repeat(width - textWidth) + text;
}

let segmenter: Intl.Segmenter | undefined;

/** Cuts `text` to at most `width` display cells, ending with `ellipsis` when cut. Grapheme-safe. */
export function truncate(text: string, width: number, ellipsis: string): string {
  if (displayWidth(text) <= width) return text;
  const room = width - displayWidth(ellipsis);
  if (room <= 0) return ellipsis.slice(0, Math.max(0, width));
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const parts: string[] = [];
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = displayWidth(segment);
    if (used + w > room) break;
    parts.push(segment);
    used += w;
  }
  return parts.join('') + ellipsis;
}

/** Grapheme clusters of `text` with their display widths. */
function graphemes(text: string): Array<[segment: string, width: number]> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), ({ segment }) => [segment, displayWidth(segment)] as [string, number]);
}

/**
 * Cuts the middle out of `text` so it takes at most `width` display cells: `features.…/Conv`.
 * The end (where a node name says what it is) keeps the larger half. Grapheme-safe.
 */
export function truncateMiddle(text: string, width: number, ellipsis: string): string {
  if (displayWidth(text) <= width) return text;
  const room = width - displayWidth(ellipsis);
  if (room <= 0) return ellipsis.slice(0, Math.max(0, width));
  const parts = graphemes(text);
  let headRoom = Math.floor(room / 2);
  let tailRoom = room - headRoom;
  let head = '';
  for (const [segment, w] of parts) {
    if (w > headRoom) break;
    head += segment;
    headRoom -= w;
  }
  tailRoom += headRoom; // what the head could not use
  let tail = '';
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const [segment, w] = parts[i]!;
    if (w > tailRoom) break;
    tail = segment + tail;
    tailRoom -= w;
  }
  return head + ellipsis + tail;
}

/**
 * Breaks `text` into lines of at most `width` display cells at spaces; continuation lines start
 * with `indent`. A word longer than a line is cut.
 */
export function wrapText(text: string, width: number, indent = '  '): string[] {
  if (displayWidth(text) <= width) return [text];
  const indentWidth = displayWidth(indent);
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  const add = (word: string, w: number) => {
    if (line === '' || line === indent) {
      line += word;
      lineWidth += w;
    } else if (lineWidth + 1 + w <= width) {
      line += ` ${word}`;
      lineWidth += 1 + w;
    } else {
      lines.push(line);
      line = indent + word;
      lineWidth = indentWidth + w;
    }
  };
  for (const word of text.split(' ')) {
    const w = displayWidth(word);
    if (w <= width - indentWidth) {
      add(word, w);
      continue;
    }
    // Wider than any line: cut it into pieces that fill lines.
    let piece = '';
    let pieceWidth = 0;
    for (const [segment, sw] of graphemes(word)) {
      if (pieceWidth + sw > width - indentWidth && piece !== '') {
        add(piece, pieceWidth);
        piece = '';
        pieceWidth = 0;
      }
      piece += segment;
      pieceWidth += sw;
    }
    if (piece !== '') add(piece, pieceWidth);
  }
  if (line !== '' && line !== indent) lines.push(line);
  return lines;
}
