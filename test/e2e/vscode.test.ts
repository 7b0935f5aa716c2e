/**
 * The VS Code extension end to end, in a real VS Code: code-server serves the
 * workbench, Debian's Chromium shows it, Playwright drives it (after
 * shared/recipes/vscode-e2e). The .vsix built by `npm run package` is
 * installed into a fresh code-server, and a person's session is played:
 * breakpoint, launch, Call Stack and Variables, Step Back, Reverse Step Out,
 * Reverse Continue to a second breakpoint, the Timeline view and a click on an
 * event there; the saved recording reopened from the Explorer, the program
 * recorded from the Explorer; the mini-kernel's recording, its Timeline, a
 * click on a trap, Go to Instruction Count. Every step checks what the
 * workbench shows afterwards, so the test fails when a step does not happen.
 *
 * Runs with RETROVISOR_E2E=1 (`npm run test:e2e`; .ci/run does), after
 * test/e2e/setup.sh installed code-server, Node 24 and Chromium; with the
 * variable set, a missing prerequisite fails the test instead of skipping it.
 * RETROVISOR_E2E_SCREENSHOTS=DIR also copies the screenshots to DIR (the
 * README's come from here: RETROVISOR_E2E_SCREENSHOTS=docs/images).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';
import { CHROMIUM, CodeServer, E2E_DIR, missingPrerequisites } from './support/code-server.js';
import { Workbench, until } from './support/workbench.js';

const ENABLED = process.env['RETROVISOR_E2E'] === '1';
const SCREENSHOTS = process.env['RETROVISOR_E2E_SCREENSHOTS'];
const EXTENSION = join(REPO, 'extension');
const VERSION = (JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8')) as { version: string }).version;
const SOURCE = join(REPO, 'guests', 'symbols', 'symbols.c');

/** The line of `text` in symbols.c (1-based). */
function lineOf(text: string): number {
  const i = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no line "${text}" in symbols.c`);
  return i + 1;
}

/** The last icount of recordings/mini-kernel.rvr (retrovisor info). */
const MINI_KERNEL_END = 2_657_535;

const L = {
  recurseNext: lineOf('struct point next = {'),
  recurseIf: lineOf('if (depth == 0) return leaf(depth, next);'),
  mainLongest: lineOf('total += longest_name(g_nodes);'),
  mainRecurse: lineOf('total += recurse(3, origin);'),
};

describe.skipIf(!ENABLED)('the VS Code extension in a real VS Code (code-server + Chromium)', () => {
  let runDir: string;
  let server: CodeServer;
  let browser: Browser | undefined;
  let page: Page;
  let wb: Workbench;
  const started = Date.now();
  const log = (text: string) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);

  /** Runs one step; on failure saves a screenshot and the page, and names the step. */
  async function step(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
      log(`ok   ${name}`);
    } catch (e) {
      log(`FAIL ${name}: ${(e as Error).message.split('\n')[0]}`);
      await page?.screenshot({ path: join(runDir, 'failure.png') }).catch(() => undefined);
      if (page !== undefined) writeFileSync(join(runDir, 'failure.html'), await page.content().catch(() => ''));
      throw new Error(`step "${name}" failed (see ${runDir}/failure.png): ${(e as Error).message}`);
    }
  }

  async function screenshot(name: string): Promise<void> {
    await page.mouse.move(5, 450);
    await page.waitForTimeout(300);
    const file = join(runDir, `${name}.png`);
    await page.screenshot({ path: file });
    if (SCREENSHOTS !== undefined) {
      mkdirSync(resolve(REPO, SCREENSHOTS), { recursive: true });
      copyFileSync(file, resolve(REPO, SCREENSHOTS, `${name}.png`));
    }
  }

  beforeAll(async () => {
    const missing = missingPrerequisites();
    if (missing.length > 0) throw new Error(`RETROVISOR_E2E=1 but missing: ${missing.join(', ')}. Run test/e2e/setup.sh.`);
    mkdirSync(E2E_DIR, { recursive: true });
    runDir = mkdtempSync(join(E2E_DIR, 'run-'));
    log(`run folder ${runDir}`);

    // The .vsix under test, from the current sources (`npm run package` without the tsc step, done by test:e2e).
    const vsix = join(runDir, `retrovisor-${VERSION}.vsix`);
    const pack = spawnSync(join(REPO, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], { cwd: EXTENSION, encoding: 'utf8', timeout: 120_000 });
    if (pack.status !== 0) throw new Error(`vsce package failed:\n${pack.stdout}\n${pack.stderr}`);
    log(`packaged ${vsix}`);

    // The workspace: the symbols guest's sources and its -O0 build, laid out as in this repository
    // (the debug information names guests/symbols/symbols.c), with a launch configuration.
    const ws = join(runDir, 'workspace');
    const guest = join(ws, 'guests', 'symbols');
    mkdirSync(join(guest, 'build'), { recursive: true });
    for (const f of ['symbols.c', 'shapes.h', 'lists.c']) copyFileSync(join(REPO, 'guests', 'symbols', f), join(guest, f));
    copyFileSync(join(REPO, 'guests', 'symbols', 'build', 'symbols-O0.elf'), join(guest, 'build', 'symbols-O0.elf'));
    // The mini-kernel's recording (traps, interrupts, privilege changes) and its sources.
    for (const d of ['mini-kernel', 'common']) cpSync(join(REPO, 'guests', d), join(ws, 'guests', d), { recursive: true });
    mkdirSync(join(ws, 'recordings'));
    copyFileSync(join(REPO, 'recordings', 'mini-kernel.rvr'), join(ws, 'recordings', 'mini-kernel.rvr'));
    // An interactive guest, for the console in the editor's terminal.
    copyFileSync(join(REPO, 'guests', 'build', 'uart-echo.elf'), join(ws, 'uart-echo.elf'));
    cpSync(join(REPO, 'test', 'e2e', 'workspace', '.vscode'), join(ws, '.vscode'), { recursive: true });

    server = new CodeServer(runDir);
    server.installExtension(vsix);
    log('installed the .vsix');
    await server.start(ws);
    log(`code-server at ${server.url}`);

    const home = join(runDir, 'chromium-home');
    mkdirSync(home, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home },
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(30_000);
    wb = new Workbench(page);
  }, 240_000);

  let passed = false;

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    server?.stop();
    if (runDir === undefined) return;
    // After a pass only the screenshots are worth keeping (the rest is VS Code state and a copy of the workspace).
    if (passed) for (const d of ['data', 'extensions', 'tmp', 'workspace', 'chromium-home']) rmSync(join(runDir, d), { recursive: true, force: true });
    log(`${passed ? 'screenshots' : 'artifacts'} in ${runDir}`);
  });

  it('debugs a recorded guest forwards and backwards, and seeks from the timeline', async () => {
    await step('the workbench opens the workspace', async () => {
      await page.goto(server.url, { waitUntil: 'domcontentloaded' });
      await wb.waitReady('guests');
    });

    await step(`open symbols.c and set a breakpoint on line ${L.recurseIf} (in recurse)`, async () => {
      await wb.openFile('symbols.c', 'hello, symbols');
      await wb.toggleBreakpoint(L.recurseIf);
    });

    await step('start debugging (F5): paused on the breakpoint, recurse at the top of the Call Stack', async () => {
      await wb.startDebugging();
      await page.getByText(/Paused on breakpoint/i).first().waitFor({ timeout: 60_000 });
      const stack = await until('Call Stack', () => wb.callStack(), (rows) => rows.length >= 2 && rows[0]!.startsWith('recurse'));
      expect(stack[0]).toMatch(new RegExp(`^recurse symbols\\.c ${L.recurseIf}:1`));
      expect(stack[1]).toMatch(/^main symbols\.c \d+:1/);
      // The frame's source is the workspace's file (found through the launch cwd), and no other copy.
      expect(await until('editor path', () => wb.activeEditorPath(), (p) => p.endsWith('symbols.c'))).toBe('guests/symbols/symbols.c');
    });

    await step('Variables shows the local next = {x = 4, y = 8}', async () => {
      await until('Variables', () => wb.variables(), (rows) => rows.some((r) => /^next\W+\{x = 4, y = 8\}$/.test(r)));
      expect(await until('highlighted line', () => wb.highlightedLine(), (l) => l !== undefined)).toBe(L.recurseIf);
    });

    let atBreakpoint = 0;
    await step('the status bar shows the instruction count', async () => {
      atBreakpoint = await until('status-bar icount', () => wb.statusIcount(), (n) => n !== undefined && n > 0) as number;
      await screenshot('vscode-breakpoint');
    });

    await step(`Step Back: line ${L.recurseNext} is highlighted and the instruction count went down`, async () => {
      await wb.toolbar('debug-step-back');
      await until('highlighted line', () => wb.highlightedLine(), (l) => l === L.recurseNext);
      const stack = await until('Call Stack', () => wb.callStack(), (rows) => rows[0]?.startsWith(`recurse symbols.c ${L.recurseNext}:`) === true);
      expect(stack[0]).toMatch(/^recurse /);
      const icount = await until('status-bar icount', () => wb.statusIcount(), (n) => n !== undefined && n < atBreakpoint);
      expect(icount).toBeLessThan(atBreakpoint);
    });

    await step(`Reverse Step Out (the extension's toolbar button): back in main at the call, line ${L.mainRecurse}`, async () => {
      const before = (await wb.statusIcount())!;
      await wb.toolbarByLabel('Reverse Step Out');
      const stack = await until('Call Stack', () => wb.callStack(), (rows) => rows[0]?.startsWith('main') === true);
      expect(stack).toHaveLength(1);
      expect(stack[0]).toMatch(new RegExp(`^main symbols\\.c ${L.mainRecurse}:1`));
      expect(await until('highlighted line', () => wb.highlightedLine(), (l) => l === L.mainRecurse)).toBe(L.mainRecurse);
      expect(await until('status-bar icount', () => wb.statusIcount(), (n) => n !== undefined && n < before)).toBeLessThan(before);
    });

    let atSecondBreakpoint = 0;
    await step(`Reverse Continue to a second breakpoint, on line ${L.mainLongest} in main`, async () => {
      await wb.toggleBreakpoint(L.mainLongest);
      const before = (await wb.statusIcount())!;
      await wb.toolbar('debug-reverse-continue');
      const stack = await until('Call Stack', () => wb.callStack(), (rows) => rows[0]?.startsWith(`main symbols.c ${L.mainLongest}:`) === true);
      expect(stack[0]).toMatch(new RegExp(`^main symbols\\.c ${L.mainLongest}:1`));
      expect(await until('highlighted line', () => wb.highlightedLine(), (l) => l === L.mainLongest)).toBe(L.mainLongest);
      atSecondBreakpoint = await until('status-bar icount', () => wb.statusIcount(), (n) => n !== undefined && n < before) as number;
      await screenshot('vscode-reverse-continue');
    });

    await step('open the Timeline view: the recording’s events, the position marked', async () => {
      await wb.runCommand('Retrovisor: Show Timeline');
      const view = wb.webview();
      await view.locator('#list .event').first().waitFor({ timeout: 30_000 });
      const position = await until('timeline position', async () => Number(await view.locator('#summary').getAttribute('data-position')), (n) => n === atSecondBreakpoint);
      expect(position).toBe(atSecondBreakpoint);
      // The guest read its command line before main: that input is on the timeline, before the position.
      const input = view.locator('#list .event[data-kind="input"]').first();
      expect(await input.innerText()).toMatch(/command-line/);
      expect(Number(await input.getAttribute('data-icount'))).toBeLessThan(atSecondBreakpoint);
      await expect(view.locator('#lanes .lane[data-kind="input"] .marker').count()).resolves.toBeGreaterThan(0);
    });

    await step('click the command-line input on the timeline: the session seeks there', async () => {
      const view = wb.webview();
      const input = view.locator('#list .event[data-kind="input"]').first();
      const target = Number(await input.getAttribute('data-icount'));
      await input.click();
      const icount = await until('status-bar icount', () => wb.statusIcount(), (n) => n === target);
      expect(icount).toBe(target);
      await until('current timeline row', async () => view.locator('#list .event.current').first().getAttribute('data-icount'), (v) => Number(v) === target);
      // The guest is before main now: main is no longer on the Call Stack.
      const stack = await until('Call Stack', () => wb.callStack(), (rows) => rows.length > 0 && !rows.some((r) => r.startsWith('main ')));
      expect(stack.some((r) => r.startsWith('main '))).toBe(false);
    });

    await step('stop the session (Shift+F5): its recording is saved (recordTo)', async () => {
      await wb.stopDebugging();
      await wb.revealInExplorer('symbols.rvr');
    });

    await step('right-click the recording, Open Recording: the replay stops at the same breakpoint, at the same icount', async () => {
      await wb.explorerContextMenu('symbols.rvr', 'Open Recording');
      await page.waitForSelector('.debug-toolbar', { timeout: 60_000 });
      await wb.showRunAndDebug();
      // The breakpoints are still set: the replay runs to the first hit, as the live run did.
      const stack = await until('Call Stack', () => wb.callStack(), (rows) => rows[0]?.startsWith('main') === true);
      expect(stack[0]).toMatch(new RegExp(`^main symbols\\.c ${L.mainLongest}:1`));
      expect(await until('status-bar icount', () => wb.statusIcount(), (n) => n === atSecondBreakpoint)).toBe(atSecondBreakpoint);
      await wb.stopDebugging();
    });

    await step('right-click the program, Record and Debug Program: a live session, saved beside it when stopped', async () => {
      await wb.expandInExplorer(['guests', 'symbols', 'build']);
      await wb.explorerContextMenu('symbols-O0.elf', 'Record and Debug Program');
      await page.waitForSelector('.debug-toolbar', { timeout: 60_000 });
      await wb.showRunAndDebug();
      const stack = await until('Call Stack', () => wb.callStack(), (rows) => rows[0]?.startsWith('main') === true);
      expect(stack[0]).toMatch(new RegExp(`^main symbols\\.c ${L.mainLongest}:1`));
      expect(await until('status-bar icount', () => wb.statusIcount(), (n) => n === atSecondBreakpoint)).toBe(atSecondBreakpoint);
      await wb.stopDebugging();
      await wb.revealInExplorer('symbols-O0.rvr');
    });

    await step('replay the mini-kernel recording (launch.json): it runs to its end', async () => {
      await wb.showRunAndDebug();
      await wb.runCommand('Debug: Select and Start Debugging');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Replay mini-kernel' }).first().click();
      await page.waitForSelector('.debug-toolbar', { timeout: 60_000 });
      const end = await until('status-bar icount', () => wb.statusIcount(), (n) => n !== undefined && n > 0);
      expect(end).toBe(MINI_KERNEL_END);
    });

    await step('the Timeline shows its inputs, traps, interrupts, privilege changes and console output', async () => {
      const view = wb.webview();
      await until('timeline lanes', async () => view.locator('#lanes .lane').evaluateAll((lanes) => lanes.map((l) => (l as HTMLElement).dataset['kind'])),
        (kinds) => ['input', 'trap', 'interrupt', 'privilege', 'console', 'end'].every((k) => kinds.includes(k)));
      const firstTrap = view.locator('#list .event[data-kind="trap"]').first();
      expect(await firstTrap.innerText()).toMatch(/environment call from U-mode/);
    });

    await step('click the first trap on the timeline: the session goes to the trap handler', async () => {
      const view = wb.webview();
      const trap = view.locator('#list .event[data-kind="trap"]').first();
      const target = Number(await trap.getAttribute('data-icount'));
      await trap.click();
      expect(await until('status-bar icount', () => wb.statusIcount(), (n) => n === target)).toBe(target);
      const stack = await until('Call Stack', () => wb.callStack(), (rows) => rows[0]?.startsWith('kernel_trap_entry') === true);
      const line = Number(/trap\.S (\d+):1/.exec(stack[0]!)?.[1]);
      expect(line).toBeGreaterThan(0);
      expect(await until('highlighted line', () => wb.highlightedLine(), (l) => l === line)).toBe(line);
      expect(await wb.activeEditorPath()).toBe('guests/mini-kernel/trap.S');
      await until('current timeline row', async () => view.locator('#list .event.current').first().getAttribute('data-icount'), (v) => Number(v) === target);
      await screenshot('vscode-timeline');
    });

    await step('Go to Instruction Count (click the status bar): the session goes there', async () => {
      const view = wb.webview();
      const interrupt = view.locator('#list .event[data-kind="interrupt"]').first();
      const target = Number(await interrupt.getAttribute('data-icount'));
      await page.locator('[aria-label^="Retrovisor instruction count"]').first().click();
      await page.waitForSelector('.quick-input-widget input');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(String(target));
      await page.keyboard.press('Enter');
      expect(await until('status-bar icount', () => wb.statusIcount(), (n) => n === target)).toBe(target);
      await until('current timeline row', async () => view.locator('#list .event.current').first().getAttribute('data-kind'), (k) => k === 'interrupt');
    });

    await step('stop the replay (Shift+F5)', async () => {
      await wb.stopDebugging();
    });

    await step('console "integratedTerminal": the guest talks through a terminal in the editor', async () => {
      await wb.showRunAndDebug();
      await wb.runCommand('Debug: Select and Start Debugging');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'uart-echo in a terminal' }).first().click();
      await page.waitForSelector('.debug-toolbar', { timeout: 60_000 });
      await until('terminal text', () => wb.terminalText(), (t) => t.includes('uart-echo: type text'));
      await page.locator('.terminal-wrapper.active .xterm').first().click();
      await page.keyboard.type('hi there');
      await page.keyboard.press('Enter');
      await until('terminal text', () => wb.terminalText(), (t) => t.includes('HI THERE'));
      await page.keyboard.type('q');
      const text = await until('terminal text', () => wb.terminalText(), (t) => t.includes("got 'q' after 9 bytes, powering off"));
      expect(text).toContain('HI THERE');
      await wb.stopDebugging();
    });
    passed = true;
  }, 300_000);
});

