/**
 * The VS Code extension's manifest (extension/package.json) against what it
 * describes: the launch attributes against the adapter's LaunchArguments and
 * its schema (adapter/src/launch-schema.ts), the example configurations and
 * snippets against that schema, the commands, menus, views and settings
 * against the extension's code, and the documentation against the attributes.
 * Also the bundles `npm run package` puts in the .vsix: they need nothing
 * but Node and VS Code.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinModules } from 'node:module';
import { Ajv } from 'ajv';
import ts from 'typescript';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAUNCH_ATTRIBUTES, LAUNCH_SCHEMA } from '../adapter/src/launch-schema.js';
import { REPO } from './support/cli.js';

const EXTENSION = join(REPO, 'extension');

interface Command { command: string; title: string; category?: string; icon?: string | { light: string; dark: string } }
interface Manifest {
  name: string; publisher: string; version: string; main: string; engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    breakpoints: { language: string }[];
    debuggers: { type: string; label: string; languages: string[]; configurationAttributes: { launch: unknown }; initialConfigurations: Record<string, unknown>[]; configurationSnippets: { label: string; description: string; body: Record<string, unknown> }[] }[];
    commands: Command[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    viewsContainers: Record<string, { id: string; title: string; icon: string }[]>;
    views: Record<string, { type?: string; id: string; name: string; when?: string }[]>;
    configuration: { properties: Record<string, { type: string; default: unknown; description: string }> };
  };
}

const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8')) as Manifest;
const debuggerEntry = manifest.contributes.debuggers.find((d) => d.type === 'retrovisor')!;
const extensionSource = (file: string) => readFileSync(join(EXTENSION, 'src', file), 'utf8');

/** The members of `interface LaunchArguments` in adapter/src/session.ts (its own, not the inherited ones). */
function launchArgumentsMembers(): string[] {
  const file = join(REPO, 'adapter', 'src', 'session.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  let members: string[] | undefined;
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'LaunchArguments') {
      members = node.members.filter(ts.isPropertySignature).map((m) => m.name.getText(source));
    }
  });
  if (members === undefined) throw new Error('no interface LaunchArguments in adapter/src/session.ts');
  return members;
}

/**
 * A launch configuration as VS Code writes it from a snippet: a string value is
 * snippet text (`${N:text}` becomes text, `\$` a dollar), and one starting with
 * `^` is inserted raw, so it is JSON text once the snippet is expanded.
 */
function fromSnippet(body: Record<string, unknown>): Record<string, unknown> {
  const text = (s: string) => s.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\\\$/g, '$');
  const value = (v: unknown): unknown => {
    if (typeof v === 'string') return v.startsWith('^') ? JSON.parse(text(v.slice(1))) : text(v);
    if (Array.isArray(v)) return v.map(value);
    return v;
  };
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, value(v)]));
}

/** The schema of a whole launch configuration: the attributes, plus what VS Code adds, and nothing else. */
const configurationSchema = {
  type: 'object',
  required: ['type', 'request', 'name'],
  properties: {
    ...LAUNCH_SCHEMA.properties,
    type: { const: 'retrovisor' },
    request: { const: 'launch' },
    name: { type: 'string', minLength: 1 },
  },
  additionalProperties: false,
};

function validator() {
  // VS Code's own schema keywords (enumDescriptions, patternErrorMessage...) are annotations here.
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(configurationSchema);
}

describe('the extension manifest', () => {
  it('carries exactly the adapter’s launch schema', () => {
    expect(debuggerEntry.configurationAttributes.launch).toEqual(JSON.parse(JSON.stringify(LAUNCH_SCHEMA)));
  });

  it('documents every member of LaunchArguments, and nothing else', () => {
    expect(Object.keys(LAUNCH_ATTRIBUTES).sort()).toEqual(launchArgumentsMembers().sort());
  });

  it('gives every attribute a description and a default that its own schema accepts', () => {
    const ajv = new Ajv({ strict: false });
    for (const [name, attribute] of Object.entries(LAUNCH_ATTRIBUTES)) {
      expect(attribute.description.length, name).toBeGreaterThan(20);
      expect(attribute.default, name).toBeDefined();
      const check = ajv.compile(attribute);
      expect(check(attribute.default), `${name}: ${JSON.stringify(check.errors)}`).toBe(true);
      if (attribute.enum !== undefined) expect(attribute.enumDescriptions?.length, name).toBe(attribute.enum.length);
    }
  });

  it('has initial configurations and snippets that are valid launch configurations', () => {
    const check = validator();
    const configurations = [
      ...debuggerEntry.initialConfigurations,
      ...debuggerEntry.configurationSnippets.map((s) => fromSnippet(s.body)),
    ];
    expect(debuggerEntry.configurationSnippets.length).toBeGreaterThanOrEqual(2);
    for (const c of configurations) {
      expect(check(c), `${JSON.stringify(c)}: ${JSON.stringify(check.errors)}`).toBe(true);
      // Exactly one of the two targets (the adapter refuses both and neither).
      expect(('program' in c) !== ('recording' in c), JSON.stringify(c)).toBe(true);
    }
    for (const s of debuggerEntry.configurationSnippets) {
      expect(s.label).toMatch(/^Retrovisor: /);
      expect(s.description.length).toBeGreaterThan(10);
    }
    // The schema check is not vacuous: a misspelt attribute and a wrong type fail it.
    expect(check({ type: 'retrovisor', request: 'launch', name: 'x', programm: 'a.elf' })).toBe(false);
    expect(check({ type: 'retrovisor', request: 'launch', name: 'x', program: 'a.elf', stopOnEntry: 'yes' })).toBe(false);
  });

  it('sets breakpoints in C, C++ and assembly, and activates for debugging', () => {
    expect(manifest.contributes.breakpoints.map((b) => b.language).sort()).toEqual(['asm', 'c', 'cpp']);
    expect(manifest.activationEvents).toEqual(expect.arrayContaining(['onDebug', 'onDebugResolve:retrovisor', 'onDebugDynamicConfigurations:retrovisor']));
    expect(manifest.main).toBe('./dist/extension.js');
  });

  it('contributes the commands the extension registers, and menus name only those', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = [...extensionSource('commands.ts').matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
    expect(contributed).toEqual(registered);
    const titles = Object.fromEntries(manifest.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
    expect(titles).toMatchObject({
      'retrovisor.recordAndDebug': 'Retrovisor: Record and Debug Program',
      'retrovisor.openRecording': 'Retrovisor: Open Recording',
      'retrovisor.reverseStepIn': 'Retrovisor: Reverse Step Into',
      'retrovisor.reverseStepOut': 'Retrovisor: Reverse Step Out',
      'retrovisor.goToInstructionCount': 'Retrovisor: Go to Instruction Count',
    });
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) expect(contributed, `${menu}: ${item.command}`).toContain(item.command);
    }
    const toolbar = manifest.contributes.menus['debug/toolBar']!.map((i) => i.command);
    expect(toolbar).toEqual(expect.arrayContaining(['retrovisor.reverseStepIn', 'retrovisor.reverseStepOut', 'retrovisor.goToInstructionCount']));
    for (const c of manifest.contributes.commands) {
      if (typeof c.icon === 'object') {
        for (const file of [c.icon.light, c.icon.dark]) expect(existsSync(join(EXTENSION, file)), file).toBe(true);
      }
    }
  });

  it('contributes the Timeline view the extension provides, and the settings it reads', () => {
    const views = Object.values(manifest.contributes.views).flat();
    const id = /TIMELINE_VIEW_ID = '([^']+)'/.exec(extensionSource('timeline-view.ts'))?.[1];
    expect(views.find((v) => v.id === id)).toMatchObject({ type: 'webview' });
    for (const container of Object.values(manifest.contributes.viewsContainers).flat()) expect(existsSync(join(EXTENSION, container.icon))).toBe(true);
    // Settings are read as getConfiguration('retrovisor').get<T>('name', default).
    const read = new Set<string>();
    for (const file of readdirSync(join(EXTENSION, 'src'))) {
      for (const m of extensionSource(file).matchAll(/\.get<[^>]+>\('([^']+)'/g)) read.add(m[1]!);
    }
    const contributedSettings = Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace(/^retrovisor\./, ''));
    expect([...read].sort()).toEqual(contributedSettings.sort());
    for (const [name, p] of Object.entries(manifest.contributes.configuration.properties)) expect(p.description.length, name).toBeGreaterThan(20);
  });

  it('is documented: every launch attribute in the references, every command in the READMEs', () => {
    for (const reference of [join(REPO, 'docs', 'launch-configuration.md'), join(EXTENSION, 'README.md')]) {
      const text = readFileSync(reference, 'utf8');
      for (const name of Object.keys(LAUNCH_ATTRIBUTES)) expect(text, `${reference}: ${name}`).toMatch(new RegExp(`\\|\\s*\`${name}\``));
      for (const value of LAUNCH_ATTRIBUTES['console']!.enum!) expect(text, `${reference}: console ${value}`).toContain(`"${value}"`);
    }
    for (const readme of [join(REPO, 'README.md'), join(EXTENSION, 'README.md')]) {
      const text = readFileSync(readme, 'utf8');
      for (const c of manifest.contributes.commands.filter((c) => c.command !== 'retrovisor.showTimeline')) expect(text, `${readme}: ${c.title}`).toContain(c.title);
    }
  });
});

describe('the extension bundles', () => {
  beforeAll(() => {
    const r = spawnSync(process.execPath, [join(EXTENSION, 'build.mjs')], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`extension/build.mjs failed:\n${r.stdout}\n${r.stderr}`);
  }, 60_000);

  it('need only Node’s own modules and vscode', () => {
    const allowed = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'vscode']);
    for (const bundle of ['extension.js', 'adapter.js', 'terminal-client.js']) {
      const text = readFileSync(join(EXTENSION, 'dist', bundle), 'utf8');
      const required = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
      expect(required.length, bundle).toBeGreaterThan(0);
      expect(required.filter((r) => !allowed.has(r)), bundle).toEqual([]);
      if (bundle !== 'extension.js') expect(required).not.toContain('vscode');
      // ES-module sources use import.meta.url; a CommonJS bundle must not leave it empty.
      expect(text, bundle).not.toMatch(/import\.meta/);
    }
  });

  it('serve DAP from a copy outside the repository (the "process" adapter setting)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-adapter-bundle-'));
    copyFileSync(join(EXTENSION, 'dist', 'adapter.js'), join(dir, 'adapter.js'));
    const dc = new DebugClient('node', join(dir, 'adapter.js'), 'retrovisor', { cwd: dir });
    await dc.start();
    try {
      await dc.initializeRequest({ adapterID: 'retrovisor', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
      const stopped = dc.waitForEvent('stopped');
      await dc.launchRequest({ recording: join(REPO, 'recordings', 'timer.rvr'), console: 'none' } as never);
      await dc.configurationDoneRequest();
      expect((await stopped).body.description).toBe('the guest exited with status 0');
      const events = (await dc.customRequest('timelineEvents', {})).body as { events: { kind: string }[] };
      expect(events.events.filter((e) => e.kind === 'interrupt').length).toBe(11);
    } finally {
      await dc.stop();
    }
  });
});

describe('the repository’s example launch configurations (.vscode/launch.json)', () => {
  const text = readFileSync(join(REPO, '.vscode', 'launch.json'), 'utf8');
  // JSON with comments: whole-line comments only.
  const launch = JSON.parse(text.split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n')) as { configurations: Record<string, unknown>[] };
  const examples = launch.configurations.filter((c) => c['type'] === 'retrovisor');
  const resolved = (c: Record<string, unknown>) => JSON.parse(JSON.stringify(c).replaceAll('${workspaceFolder}', REPO)) as Record<string, unknown>;

  it('include one that develops the extension, and valid Retrovisor ones', () => {
    expect(launch.configurations.find((c) => c['type'] === 'extensionHost')?.['args']).toContain('--extensionDevelopmentPath=${workspaceFolder}/extension');
    expect(examples.length).toBeGreaterThanOrEqual(4);
    const check = validator();
    for (const c of examples) expect(check(c), `${String(c['name'])}: ${JSON.stringify(check.errors)}`).toBe(true);
  });

  it.each(examples.map((c) => [String(c['name']), c] as const))('%s launches, and finds the guest’s own sources', async (_name, c) => {
    const args = resolved(c);
    const dc = new DebugClient('node', join(REPO, 'dist', 'adapter', 'src', 'stdio.js'), 'retrovisor', { cwd: tmpdir() });
    await dc.start();
    try {
      await dc.initializeRequest({ adapterID: 'retrovisor', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
      const stopped = dc.waitForEvent('stopped');
      // VS Code fills in cwd (the workspace folder) through the extension's configuration provider.
      await dc.launchRequest({ ...args, cwd: REPO, stopOnEntry: true, console: 'none' } as never);
      await dc.configurationDoneRequest();
      expect((await stopped).body.reason).toBe('entry');
      const sources = ((await dc.send('loadedSources', {})) as DebugProtocol.LoadedSourcesResponse).body.sources;
      // Every source file of the guest's own directory that the debug information names is found there.
      const target = String(args['program'] ?? args['recording']);
      const guest = /guests\/([\w-]+)\/build\//.exec(target)?.[1] ?? /([\w-]+)\.(elf|rvr)$/.exec(target)![1]!;
      const own = new Set(readdirSync(join(REPO, 'guests', guest)).filter((f) => /\.(c|S)$/.test(f)));
      const named = sources.filter((s) => own.has(s.name ?? ''));
      expect(named.length, JSON.stringify(sources.map((s) => s.name))).toBeGreaterThan(0);
      for (const s of named) expect(s.path, s.name).toBe(join(REPO, 'guests', guest, s.name!));
    } finally {
      await dc.stop();
    }
  });
});
