// Floor of `run --yes` of one command: only what the contract cannot do without, with the libraries it names.
// gray-matter (js-yaml 4, core schema) and markdown-it read the runbook; the timeline gets four events, each
// hashed into the chain (node:crypto) and synced before moving on; execa starts the command in its own
// process group. No redaction, lock, rendering, session, checks or command line parsing.
import { readFileSync } from 'node:fs';
import matter from 'gray-matter';
import yaml from 'js-yaml';
import MarkdownIt from 'markdown-it';
import { execa } from 'execa';
import { floorTimeline } from './timeline.mjs';

const [file, dir] = process.argv.slice(-2);
const text = readFileSync(file, 'utf8');
const fm = matter(text, { engines: { yaml: (s) => yaml.load(s, { schema: yaml.CORE_SCHEMA }) ?? {} } });
const command = new MarkdownIt().parse(fm.content, {}).find((t) => t.type === 'fence').content;
const timeline = floorTimeline(dir);
const emit = (event) => timeline.emit(event, true);
emit({ type: 'run.started', title: fm.data.title });
emit({ type: 'command.started', command });
execa('/bin/bash', ['-c', command], { stdin: 'ignore', stdout: 'inherit', stderr: 'inherit', reject: false, detached: true }).then((r) => {
  emit({ type: 'command.finished', exit: r.exitCode });
  emit({ type: 'run.finished' });
  timeline.close();
});
