// The engine's side of the shell session and of `capture=NAME`: where each command starts, what it left,
// values set during the run (captures, deferred variables asked late), and the events that record them.
import type { Command } from '../runbook/model.js';
import type { EventBody, TimelineEvent } from '../timeline/events.js';
import { captureName } from '../runbook/attributes.js';
import { createRedactor, type Redactor } from '../timeline/redact.js';
import type { EnginePorts, FleetSession, RunConfig } from './run-config.js';
import type { ExecResult, View } from './ports.js';
import { reparsedUses, valueProblem } from './value-rules.js';
import { sessionChangedEvent, type ShellSession } from './session.js';
import { HostSessions } from './host-sessions.js';
import { varEnvName, type ResolvedVar } from './vars.js';

/** The most a capture holds: the limit, so a value stays something an operator can read. */
export const CAPTURE_MAX_BYTES = 64 * 1024;

type Emit = (body: EventBody) => Promise<TimelineEvent>;

export interface StdoutCapture {
  push(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  finish(): { value?: string; error?: string };
}

export class SessionRun {
  private secretLooks: Redactor | undefined;
  /** Each host's session, for blocks run on hosts (created with the first of them). */
  private hosts: HostSessions | undefined;

  constructor(
    private readonly cfg: RunConfig,
    /** The commands' environment without a session (shared, built once). */
    private readonly env: Record<string, string>,
    private readonly values: Map<string, string>,
    private readonly byName: Map<string, ResolvedVar>,
    private readonly session: ShellSession | undefined,
  ) {}

  /** On --resume: the recorded session, and which names could not be restored (asked again when needed). */
  restore(view: View): void {
    if (!this.session || !this.cfg.restoreSession) return;
    const lost = this.session.restore(this.cfg.restoreSession);
    for (const [host, r] of this.cfg.restoreSession.hosts ?? []) {
      this.hosts ??= new HostSessions();
      lost.push(...this.hosts.restore(host, r).map((n) => `${n} (on ${host})`));
    }
    if (lost.length > 0) view.message(`shell session restored without ${lost.join(', ')} (values not recorded: secret or secret-looking); a command that needs one takes it from --var or the environment, or asks`, 'warn');
  }

  /** Whether `name` has a value for the next command (run on `hosts`: in every one's session). */
  private isSet(name: string, hosts?: string[]): boolean {
    if (this.values.has(name)) return true;
    if (hosts) return hosts.length > 0 && hosts.every((h) => this.hosts?.has(h, name) === true);
    return this.session ? this.session.has(name) : Object.prototype.hasOwnProperty.call(this.env, name);
  }

  /**
   * Deferred names the command needs that nothing has set yet: asked for now. Returns why the command cannot
   * start (no way to ask), or undefined.
   */
  async askDeferred(c: Command, p: EnginePorts, emit: Emit, hosts?: string[]): Promise<string | undefined> {
    const deferred = this.cfg.deferred;
    if (!deferred || deferred.size === 0) return undefined;
    for (const name of new Set([...c.placeholders, ...c.envRefs])) {
      if (!deferred.has(name) || this.isSet(name, hosts)) continue;
      if (!p.askVar) return `${name} has no value: the command that was to set it did not run or did not set it (pass --var ${name}=VALUE)`;
      let v: ResolvedVar;
      try {
        v = await p.askVar(name);
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
      this.set(v);
      if (v.secret) p.addSecret?.(v.value);
      await emit({ type: 'var.set', name: v.name, value: v.secret ? '[secret]' : v.value, source: v.source });
    }
    return undefined;
  }

  private set(v: ResolvedVar): void {
    this.values.set(v.name, v.value);
    this.byName.set(v.name, v);
    if (this.session) this.session.setVar(v.name, v.value);
    else {
      this.env[v.name] = v.value;
      this.env[varEnvName(v.name)] = v.value;
    }
  }

  /** The hosts' sessions for a block run on hosts; undefined with --no-session. */
  fleetSession(): FleetSession | undefined {
    if (!this.session) return undefined;
    const hosts = (this.hosts ??= new HostSessions());
    return {
      restoreFor: (host, blockCwd) => hosts.restoreFor(host, blockCwd),
      settle: async (id, host, result, emit) => {
        const change = hosts.settle(host, result.sessionBefore, result.sessionDump);
        if (change) await emit(sessionChangedEvent(id, change.diff, change.state, (n, v) => this.showValue(n, v), host));
      },
    };
  }

  /** Where the next command starts, with a session; `blockCwd`, a block's own `cwd=`, wins. */
  launch(blockCwd: string | undefined): { env: Record<string, string>; cwd: string; startCwd?: string } | undefined {
    if (!this.session) return undefined;
    const l = this.session.launch(blockCwd);
    return blockCwd === undefined ? l : { ...l, startCwd: blockCwd };
  }

  /** Collects a `capture=NAME` block's stdout, up to one byte past the limit. */
  startCapture(c: Command): StdoutCapture | undefined {
    const name = captureName(c.attributes);
    if (name === undefined || c.interactive) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    return {
      push(stream, chunk) {
        if (stream !== 'stdout' || size > CAPTURE_MAX_BYTES) return;
        const take = chunk.subarray(0, CAPTURE_MAX_BYTES + 1 - size);
        chunks.push(take);
        size += take.length;
      },
      finish: () => {
        if (size > CAPTURE_MAX_BYTES) return { error: `capture=${name}: the command printed more than ${CAPTURE_MAX_BYTES / 1024} KiB, more than a capture holds (print less, e.g. | head, or write it to a file)` };
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        if (!Buffer.from(text, 'utf8').equals(bytes)) return { error: `capture=${name}: the output is not UTF-8 text` };
        const value = text.trim();
        const reparsed = reparsedUses(this.cfg.runbook, this.cfg.fromStep).filter((r) => r.name === name);
        const problem = valueProblem(name, value, { freeText: true, integer: false, reparsed });
        return problem ? { error: `capture=${name}: ${problem.message}` } : { value };
      },
    };
  }

  /** After a successful command: what it left in the session (an event when something changed), then its capture. */
  async settle(c: Command, result: ExecResult, startCwd: string | undefined, captured: string | undefined, emit: Emit, addSecret?: (v: string) => void): Promise<void> {
    const change = this.session?.settle(result.sessionDump, startCwd);
    if (change) await emit(sessionChangedEvent(c.id, change.diff, change.state, (n, v) => this.showValue(n, v)));
    const name = captureName(c.attributes);
    if (name === undefined || captured === undefined) return;
    const secret = !this.showValue(name, captured);
    this.set({ name, value: captured, source: 'capture', secret });
    if (secret) addSecret?.(captured);
    await emit({ type: 'var.set', name, value: secret ? '[secret]' : captured, source: 'capture' });
  }

  /**
   * Whether a value may be recorded and shown: not a declared secret, and nothing the redactor would mask in
   * `NAME=value` (a secret-looking name such as DB_PASSWORD, a token's shape, a secret's value).
   */
  private showValue(name: string, value: string): boolean {
    if (this.byName.get(name)?.secret) return false;
    this.secretLooks ??= createRedactor({ secrets: this.cfg.vars.filter((v) => v.secret).map((v) => v.value) });
    const text = `${name}=${value}`;
    return this.secretLooks.redact(text) === text;
  }
}
