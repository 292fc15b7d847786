import { spawn, type ChildProcess } from 'node:child_process';

const OUTPUT_CHARS = 2_000_000;

/** Groups not stopped yet, so an afterAll can take them all down. */
const running = new Set<ChildProcessGroup>();

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A command in a process group of its own (npm start, npm install, a backend): its output is
 * kept, a signal reaches every process it started, and waiting fails with the output when it
 * exits early.
 */
export class ChildProcessGroup {
  private readonly child: ChildProcess;
  private text = '';
  private status: ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;

  private constructor(readonly name: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', ...options.env };
    // An undefined value unsets the variable (jest's NODE_ENV=test must not reach a dev server or a build).
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      this.text = (this.text + chunk.toString()).slice(-OUTPUT_CHARS);
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise(resolvePromise => {
      this.child.once('exit', (code, signal) => {
        this.status = { code, signal };
        running.delete(this);
        resolvePromise(this.status);
      });
    });
    running.add(this);
  }

  static spawn(name: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcessGroup {
    return new ChildProcessGroup(name, command, args, options);
  }

  /** Runs a command to its end; throws with its output unless it exits with 0. */
  static async run(name: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
    const group = ChildProcessGroup.spawn(name, command, args, options);
    const status = await group.exited;
    if (status.code !== 0) {
      throw new Error(`${name} (${command} ${args.join(' ')}) exited with ${status.code ?? status.signal}:\n${group.output().slice(-6000)}`);
    }
    return group.output();
  }

  get alive(): boolean {
    return this.status === undefined;
  }

  output(): string {
    return this.text;
  }

  /** Waits until the output matches `pattern` (searched from `from`); fails if the process exits first or on timeout. */
  async waitForOutput(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.text.slice(from).match(pattern);
      if (match) return match;
      if (!this.alive) {
        throw new Error(`${this.name} exited (${JSON.stringify(this.status)}) before printing ${pattern}:\n${this.text.slice(-6000)}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.text.slice(-6000)}`);
      }
      await new Promise(r => setTimeout(r, 200));
    }
  }

  /** Sends `signal` to the whole group and waits for the exit; SIGKILL and a throw if it does not exit in time. */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<ExitStatus> {
    if (!this.alive) return this.status!;
    this.signal(signal);
    const timer = new Promise<'timeout'>(r => setTimeout(() => r('timeout'), timeoutMs).unref());
    const result = await Promise.race([this.exited, timer]);
    if (result === 'timeout') {
      await this.kill();
      throw new Error(`${this.name} did not exit within ${timeoutMs} ms of ${signal}:\n${this.text.slice(-6000)}`);
    }
    return result;
  }

  /** kill -9 of the whole group. */
  async kill(): Promise<void> {
    if (this.alive) this.signal('SIGKILL');
    await this.exited;
  }

  private signal(signal: NodeJS.Signals) {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Kills every group still running (for afterAll). */
export async function killAllChildProcessGroups(): Promise<void> {
  await Promise.all([...running].map(group => group.kill()));
}
