// Floor of `list --json` over a folder, no cache: find the files, read each, gray-matter (js-yaml 4, core
// schema) on its front-matter, markdown-it's block parse of its body, the list's fields, sorted, JSON out.
// No validation, problems, duplicate names or cache.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import yaml from 'js-yaml';
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt();
const engines = { yaml: (s) => yaml.load(s, { schema: yaml.CORE_SCHEMA }) ?? {} };
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.md')) files.push(p);
  }
};
walk(process.argv.at(-1));
const out = [];
for (const path of files) {
  const text = readFileSync(path, 'utf8');
  const close = text.indexOf('\n', text.indexOf('\n---', 3) + 1);
  const d = matter(text.slice(0, close), { engines }).data;
  const state = new md.core.State(text.slice(close + 1), md, {});
  md.block.parse(state.src, md, {}, state.tokens);
  let steps = 0;
  let commands = 0;
  for (const t of state.tokens) {
    if (t.type === 'heading_open' && t.tag === 'h2') steps++;
    else if (t.type === 'fence' && /^(sh|bash|console)\b/.test(t.info)) commands++;
  }
  out.push({ id: d.id, title: d.title, path, description: d.description ?? null, severity: d.severity ?? null, tags: d.tags ?? [], services: d.services ?? [], owner: d.owner ?? null, last_reviewed: d.last_reviewed ?? null, name: d.id, source: '', steps, commands });
}
const collator = new Intl.Collator('en');
out.sort((a, b) => collator.compare(a.id, b.id));
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
