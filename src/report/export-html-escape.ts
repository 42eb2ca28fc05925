// Escaping for the HTML report. A timeline is input: every text from it goes into the page through one of
// these functions, never as markup. Kept apart so the rules can be read (and tested) in one place.
import ansiRegex from 'ansi-regex';
import MarkdownIt from 'markdown-it';
import { controlPicture } from '../ui/neutralize.js';

const HTML_SPECIAL = /[&<>"']/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Text for element content and quoted attribute values: markup characters as entities, controls visible. */
export function escapeHtml(s: string): string {
  const t = s.replace(HTML_SPECIAL, (c) => ENTITY[c] ?? c);
  return HAS_CONTROL.test(t) ? t.replace(CONTROLS, controlPicture) : t;
}

/**
 * JSON inside a <script> element. `<` only occurs inside JSON strings, where `\u003c` means the same: with
 * none left, no `</script>` can end the element and no `<!--` can switch the parser into its escaped state.
 * U+2028/2029 are escaped too, for readers that eval instead of JSON.parse.
 */
export function jsonForScript(json: string): string {
  return json.replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const SEQUENCES = new RegExp(ansiRegex().source, 'g');

/**
 * Command output as plain text for a <pre>: escape sequences (colours included) removed, a line redrawn with
 * CR shown as its last state (what the terminal showed), other controls made visible. Not yet HTML-escaped.
 */
export function plainOutput(s: string): string {
  let t = s.includes('\u001b') || /[\u0090-\u009f]/.test(s) ? s.replace(SEQUENCES, '') : s;
  if (t.includes('\r')) {
    t = t
      .replace(/\r+\n/g, '\n')
      .split('\n')
      .map((line) => (line.includes('\r') ? line.slice(line.lastIndexOf('\r') + 1) : line))
      .join('\n');
  }
  return HAS_CONTROL.test(t) ? t.replace(CONTROLS, controlPicture) : t;
}

/** Links a report may hold: web, mail and in-page ones. No javascript:, data:, file: or anything else. */
export function safeHref(url: string): boolean {
  const u = url.trim().toLowerCase();
  if (u.startsWith('#')) return true;
  return /^(https?:|mailto:)/.test(u);
}

let md: MarkdownIt | undefined;

/**
 * A runbook's prose rendered: raw HTML in the runbook is escaped (html: false), links are only those
 * safeHref allows (others stay text), and images are not loaded (the page makes no request when opened):
 * an image shows as a link to it.
 */
export function renderProse(markdown: string): string {
  if (md === undefined) {
    md = new MarkdownIt({ html: false, linkify: false, typographer: false });
    md.validateLink = safeHref;
    md.renderer.rules.image = (tokens, idx) => {
      const t = tokens[idx];
      const src = t?.attrGet('src') ?? '';
      const alt = t?.content ?? '';
      const label = escapeHtml(alt || src);
      return safeHref(src) ? `<a href="${escapeHtml(src)}" rel="noopener noreferrer">${label}</a>` : label;
    };
    const link = md.renderer.rules.link_open;
    md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
      tokens[idx]?.attrSet('rel', 'noopener noreferrer');
      return link ? link(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    };
  }
  return md.render(markdown);
}
