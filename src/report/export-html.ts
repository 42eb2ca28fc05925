// `export --format html`: one self-contained incident report page (docs/replay-and-export.md). Events go in
// one at a time (export-html-model.ts keeps only capped output), the page is written at the end.
import type { TimelineEvent } from '../timeline/events.js';
import type { Style } from '../ui/style.js';
import { VERSION } from '../version.js';
import type { ExportProblem } from './export-json.js';
import { playerAssets } from './export-html-assets.js';
import { createHtmlModelBuilder } from './export-html-model.js';
import { renderPage, type VerifyFact } from './export-html-page.js';

export type { VerifyFact };

export interface HtmlExporter {
  add(ev: TimelineEvent): void;
  finish(opts: { timelinePath: string; problems: readonly ExportProblem[]; verify?: VerifyFact }): string;
}

/** `style` colours the embedded recording (the player shows SGR colours). */
export function createHtmlExporter(style: Style): HtmlExporter {
  const builder = createHtmlModelBuilder(style);
  return {
    add: (ev) => builder.add(ev),
    finish({ timelinePath, problems, verify }) {
      const model = builder.finish();
      return renderPage(model, { timelinePath, problems, version: VERSION, assets: playerAssets(), ...(verify !== undefined ? { verify } : {}) });
    },
  };
}
