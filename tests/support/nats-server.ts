import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../bench/lib/free-port.mjs';

/**
 * A real `nats-server -js` on a free loopback port with its store in a temp dir. `stop()` kills
 * it (the store stays, so `start()` again brings the same streams back); `cleanup()` kills it
 * and removes the store. Call `cleanup()` in afterEach/afterAll: it is safe in any state.
 */
export class NatsServer {
  port = 0;
  store = '';
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private log = '';

  /** `args`: more nats-server flags (`--user`, `--pass`, say). */
  constructor(private readonly args: readonly string[] = []) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (this.store === '') this.store = await mkdtemp(path.join(tmpdir(), 'tapline-nats-'));
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      'nats-server',
      ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.store, ...this.args],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.on('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.on('error', (err) =>
        reject(new Error(`cannot run nats-server (apt-get install nats-server): ${err.message}`)),
      );
      child.stderr.on('data', (c: Buffer) => {
        this.log += c.toString('utf8');
        if (this.log.includes('Server is ready')) resolve();
      });
      void this.exited!.then(() => reject(new Error(`nats-server exited before it was ready:\n${this.log}`)));
    });
    return this;
  }

  /** Kills the server (SIGKILL), keeping its store. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined) return;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.exited;
    this.log = '';
  }

  async cleanup(): Promise<void> {
    await this.stop();
    if (this.store !== '') await rm(this.store, { recursive: true, force: true });
    this.store = '';
    this.port = 0;
  }
}
