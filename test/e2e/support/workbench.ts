/**
 * Driving VS Code's workbench in a browser page, and reading back what it
 * shows. The selectors are VS Code internals, not an API: they hold for the
 * pinned code-server (test/e2e/setup.sh); upgrade it deliberately.
 */
import type { FrameLocator, Page } from 'playwright-core';

/** Polls `read` until `accept` holds; throws with the last value read when `timeoutMs` passes. */
export async function until<T>(what: string, read: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  for (;;) {
    try {
      last = await read();
      error = undefined;
      if (accept(last)) return last;
    } catch (e) {
      error = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not so after ${timeoutMs} ms (last seen: ${error !== undefined ? String(error) : JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

export class Workbench {
  constructor(readonly page: Page) {}

  async waitReady(fileInExplorer: string): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench');
    await this.page.waitForSelector(`.explorer-folders-view .monaco-list-row:has-text("${fileInExplorer}")`);
  }

  /** Opens a workspace file by name with Quick Open, and waits for a line of it to show. */
  async openFile(name: string, visibleText: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.page.waitForSelector('.quick-input-widget input');
    await this.page.keyboard.type(name);
    await this.page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${name}")`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.monaco-editor .view-line', { hasText: visibleText }).first().waitFor();
  }

  /** Moves the cursor of the focused editor to a line (Go to Line). */
  async goToLine(line: number): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+G');
    await this.page.waitForSelector('.quick-input-widget input');
    await this.page.keyboard.type(String(line));
    await this.page.keyboard.press('Enter');
    await until(`cursor on line ${line}`, () => this.cursorLine(), (l) => l === line);
  }

  async focusEditor(): Promise<void> {
    await this.page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
  }

  /** The cursor line in the status bar ("Ln 62, Col 1"). */
  async cursorLine(): Promise<number | undefined> {
    const text = await this.page.locator('.statusbar-item[id="status.editor.selection"]').innerText();
    const m = /Ln (\d+)/.exec(text);
    return m === null ? undefined : Number(m[1]);
  }

  /** Toggles a breakpoint on a line (F9) and waits until the glyph shows there. */
  async toggleBreakpoint(line: number): Promise<void> {
    await this.goToLine(line);
    await this.page.keyboard.press('F9');
    await until(`breakpoint glyph on line ${line}`, () => this.breakpointLines(), (lines) => lines.includes(line));
  }

  /** Lines of the active editor with a breakpoint glyph. */
  breakpointLines(): Promise<number[]> {
    return this.linesWith('.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified');
  }

  /** The line the editor highlights as the top stack frame, if one shows. */
  async highlightedLine(): Promise<number | undefined> {
    const lines = await this.linesWith('.view-overlays .debug-top-stack-frame-line');
    return lines.length === 1 ? lines[0] : undefined;
  }

  /** The line numbers of the active editor whose row holds an element matching `selector` (by vertical position). */
  private linesWith(selector: string): Promise<number[]> {
    return this.page.evaluate((sel) => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      if (editor === null) return [];
      const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].map((e) => ({ top: e.getBoundingClientRect().top, line: Number(e.textContent) }));
      const out: number[] = [];
      for (const el of editor.querySelectorAll(sel)) {
        const top = el.getBoundingClientRect().top;
        const hit = numbers.find((n) => Math.abs(n.top - top) < 3);
        if (hit !== undefined && !out.includes(hit.line)) out.push(hit.line);
      }
      return out;
    }, selector);
  }

  /**
   * Opens Run and Debug, then starts debugging with F5 from the editor (the palette's Enter may
   * pick "Select and Start"). With the view open before the session starts, VS Code expands the
   * first scope in Variables when the session stops (it does not when the view opens with it).
   */
  async startDebugging(): Promise<void> {
    await this.page.keyboard.press('Control+Shift+D');
    await this.page.waitForSelector('.debug-pane, .debug-viewlet, .pane-header:has-text("Breakpoints")');
    await this.focusEditor();
    await this.page.keyboard.press('F5');
    await this.page.waitForSelector('.debug-toolbar', { timeout: 60_000 });
  }

  /** Shows the Run and Debug view (Variables, Call Stack, Breakpoints). */
  async showRunAndDebug(): Promise<void> {
    await this.page.keyboard.press('Control+Shift+D');
    await this.page.locator('.debug-call-stack').first().waitFor();
  }

  /** Shows the Explorer and waits for a file of the workspace's top folder to be listed. */
  async revealInExplorer(name: string): Promise<void> {
    await this.page.keyboard.press('Control+Shift+E');
    await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().waitFor();
  }

  /** Expands folders in the Explorer, outermost first (each must be listed once its parent is expanded). */
  async expandInExplorer(folders: readonly string[]): Promise<void> {
    await this.page.keyboard.press('Control+Shift+E');
    for (const name of folders) {
      const row = this.page.locator('.explorer-folders-view .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) }).first();
      await row.waitFor();
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
      await until(`${name} expanded`, async () => row.getAttribute('aria-expanded'), (v) => v === 'true');
    }
  }

  /** Right-clicks a file in the Explorer and picks an entry of its context menu. */
  async explorerContextMenu(name: string, entry: string): Promise<void> {
    await this.revealInExplorer(name);
    await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click({ button: 'right' });
    const item = this.page.locator('.context-view .monaco-menu .action-label', { hasText: new RegExp(`^${entry}$`) }).first();
    await item.waitFor();
    // A menu ignores a click that comes right after it opened (against accidental picks): click until it closes.
    await until(`context menu entry "${entry}" picked`, async () => {
      if (await item.isVisible()) await item.click({ delay: 50 }).catch(() => undefined);
      await this.page.waitForTimeout(300);
      return item.isVisible();
    }, (visible) => !visible, 10_000);
  }

  /** Stops the session (Shift+F5) and waits until the debug toolbar goes. */
  async stopDebugging(): Promise<void> {
    await this.page.keyboard.press('Shift+F5');
    await this.page.waitForSelector('.debug-toolbar', { state: 'hidden', timeout: 30_000 });
  }

  /** The active editor's file as its breadcrumbs show it: relative to the workspace folder for a file inside it. */
  async activeEditorPath(): Promise<string> {
    const items = await this.page.locator('.editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item').allInnerTexts();
    return items.map((t) => t.trim()).filter((t) => t !== '').join('/');
  }

  /** Clicks a debug toolbar button by its codicon (debug-step-back, debug-reverse-continue...). */
  async toolbar(codicon: string): Promise<void> {
    await this.page.locator(`.debug-toolbar .action-item .codicon-${codicon}`).first().click();
  }

  /** Clicks a debug toolbar button by its label. */
  async toolbarByLabel(label: string): Promise<void> {
    await this.page.locator(`.debug-toolbar .action-item a[aria-label^="${label}"]`).first().click();
  }

  /** The Call Stack rows as text (whitespace collapsed). */
  async callStack(): Promise<string[]> {
    const rows = await this.page.locator('.debug-call-stack .monaco-list-row').allInnerTexts();
    return rows.map((r) => r.replace(/\s+/g, ' ').trim());
  }

  /** The Variables rows as text (whitespace collapsed). */
  async variables(): Promise<string[]> {
    const rows = await this.page.locator('.debug-variables .monaco-list-row').allInnerTexts();
    return rows.map((r) => r.replace(/\s+/g, ' ').trim());
  }

  /** The instruction count the Retrovisor status-bar item shows. */
  async statusIcount(): Promise<number | undefined> {
    const item = this.page.locator('[aria-label^="Retrovisor instruction count"]');
    if ((await item.count()) === 0) return undefined;
    const label = await item.first().getAttribute('aria-label');
    const m = /(\d+)$/.exec(label ?? '');
    return m === null ? undefined : Number(m[1]);
  }

  /** The text of the active terminal (the DOM renderer's rows; see the user settings). */
  async terminalText(): Promise<string> {
    const rows = await this.page.locator('.terminal-wrapper.active .xterm-rows > div').allInnerTexts();
    return rows.map((r) => r.replace(/\u00a0/g, ' ').trimEnd()).join('\n');
  }

  /** Runs a command by its exact palette title. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.page.waitForSelector('.quick-input-widget input');
    await this.page.keyboard.type(title);
    await this.page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first().click();
  }

  /** The document inside the (only) webview view: two iframes deep in VS Code's web build. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
  }
}
