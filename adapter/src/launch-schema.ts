/**
 * The launch configuration attributes, as JSON Schema: the one description of
 * `LaunchArguments` (session.ts) that editors show (docs/launch-configuration.md
 * is the longer reference). The VS Code extension's
 * manifest (extension/package.json, contributes.debuggers) carries exactly
 * this object; test/extension-manifest.test.ts checks that both agree with
 * each other and with the `LaunchArguments` interface.
 */

export interface AttributeSchema {
  readonly type: 'string' | 'boolean' | 'number' | 'array' | 'object';
  readonly description: string;
  readonly default?: unknown;
  readonly enum?: readonly string[];
  readonly enumDescriptions?: readonly string[];
  readonly items?: { readonly type: 'string' };
  readonly additionalProperties?: { readonly type: 'string' };
  readonly pattern?: string;
  readonly patternErrorMessage?: string;
  readonly minimum?: number;
}

/** Every launch attribute the adapter understands. */
export const LAUNCH_ATTRIBUTES: Readonly<Record<string, AttributeSchema>> = {
  program: {
    type: 'string',
    description: 'A RISC-V ELF (RV32IMAC) to run live. The run is recorded as it goes, so you can step and continue backwards over everything it has done. Give either "program" or "recording".',
    default: '${workspaceFolder}/build/program.elf',
  },
  recording: {
    type: 'string',
    description: 'A .rvr recording to replay and debug backwards and forwards (made with `retrovisor record`, or with "recordTo"). Its past is fixed: variables, registers and memory cannot be changed. Give either "program" or "recording".',
    default: '${workspaceFolder}/run.rvr',
  },
  args: {
    type: 'array',
    items: { type: 'string' },
    description: 'Arguments for the guest program (semihosting GET_CMDLINE). With "program" only: a recording carries its own.',
    default: [],
  },
  memory: {
    type: 'string',
    pattern: '^\\d+[KkMmGg]?$',
    patternErrorMessage: 'a size like 128M',
    description: 'Guest RAM, like 128M or 64M. With "program" only.',
    default: '128M',
  },
  stopOnEntry: {
    type: 'boolean',
    description: 'Stop at the first instruction (icount 0) instead of running to the first breakpoint.',
    default: false,
  },
  semihostRoot: {
    type: 'string',
    description: 'The only directory whose files the guest may open through semihosting. With "program" only: a recording answers file operations from its log.',
    default: '${workspaceFolder}',
  },
  input: {
    type: 'string',
    description: 'A console input script for the guest ("at ICOUNT \\"text\\"", "after \\"prompt\\" \\"text\\"", "eof"; see the README, "Input scripts"). Without it, type "> text" in the Debug Console to send a line to the guest.',
    default: '${workspaceFolder}/input.script',
  },
  console: {
    type: 'string',
    enum: ['integratedTerminal', 'debugConsole', 'none'],
    enumDescriptions: [
      'A terminal in the editor shows the guest\'s output and sends what you type to the guest.',
      'Guest output appears in the Debug Console; "> text" typed there sends text and a newline to the guest.',
      'No console: output is dropped and the guest gets no input.',
    ],
    description: 'Where the guest console is.',
    default: 'debugConsole',
  },
  recordTo: {
    type: 'string',
    description: 'With "program": save the recording of the live session to this .rvr file when the session ends (with any changes made in the debugger, which are recorded inputs).',
    default: '${workspaceFolder}/run.rvr',
  },
  checkpointBudget: {
    type: 'number',
    minimum: 1,
    description: 'Memory for time-travel checkpoints, in MiB. More memory makes stepping backwards over long runs faster.',
    default: 512,
  },
  sourceDirectories: {
    type: 'array',
    items: { type: 'string' },
    description: 'Directories to look for source files in, when the paths in the debug information are relative or do not exist here.',
    default: ['${workspaceFolder}'],
  },
  sourceMap: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Rewrites of source path prefixes in the debug information, e.g. { "/build/src": "${workspaceFolder}/src" } for a program built elsewhere.',
    default: {},
  },
  cwd: {
    type: 'string',
    description: 'The directory relative paths in this configuration are resolved against.',
    default: '${workspaceFolder}',
  },
  clock: {
    type: 'string',
    enum: ['virtual', 'host'],
    enumDescriptions: [
      'Guest time follows the instruction count: the run is deterministic.',
      'Every guest read of the time asks the host clock (and is recorded, so the run still replays exactly).',
    ],
    description: 'Where guest time comes from. With "program" only.',
    default: 'virtual',
  },
};

/** The `configurationAttributes.launch` object of the VS Code debugger contribution. */
export const LAUNCH_SCHEMA = { properties: LAUNCH_ATTRIBUTES } as const;
