// Every secret shape of the corpus is masked, however its text arrives; every ordinary line is left alone.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/timeline/redact.js';
import { ORDINARY, SHAPES } from '../../helpers/secret-corpus.js';

const r = createRedactor();

describe('the secret shapes', () => {
  it('the corpus is the one the docs describe', () => {
    expect(SHAPES.length).toBeGreaterThanOrEqual(39);
    for (const s of SHAPES) expect(s.text).toContain(s.secret);
  });

  it.each(SHAPES.map((s) => [s.text, s.secret]))('%s', (text, secret) => {
    expect(r.redact(text)).not.toContain(secret);
    expect(r.redact(text)).toContain('[redacted]');
  });

  it('all of them in one text, cut in two at every position, never leave a secret', () => {
    const text = SHAPES.map((s) => s.text).join('\n');
    for (let cut = 0; cut <= text.length; cut += 7) {
      const s = r.stream();
      const out = s.push(text.slice(0, cut)) + s.push(text.slice(cut)) + s.flush();
      for (const shape of SHAPES) expect(out).not.toContain(shape.secret);
    }
  });

  it('all of them written one character at a time never leave a secret', () => {
    const s = r.stream();
    let out = '';
    for (const ch of SHAPES.map((x) => x.text).join('\n')) out += s.push(ch);
    out += s.flush();
    for (const shape of SHAPES) expect(out).not.toContain(shape.secret);
  });
});

describe('the ordinary corpus', () => {
  it('has at least 200 lines', () => {
    expect(ORDINARY.length).toBeGreaterThanOrEqual(200);
  });

  it('comes out unchanged, line by line and as one streamed text', () => {
    const changed = ORDINARY.filter((l) => r.redact(l) !== l);
    expect(changed).toEqual([]);
    const text = `${ORDINARY.join('\n')}\n`;
    const s = r.stream();
    let out = '';
    for (let i = 0; i < text.length; i += 100) out += s.push(text.slice(i, i + 100));
    expect(out + s.flush()).toBe(text);
  });

  it.each([
    ['password: is required'],
    ['error: secret: "db-creds" not found'],
    ['credentials: loaded from /etc/app/credentials.json'],
    ['Authorization: Basic realm="x"'],
  ])('mask values, not the words that describe them: %s', (line) => {
    expect(ORDINARY).toContain(line);
    expect(r.redact(line)).toBe(line);
  });
});
