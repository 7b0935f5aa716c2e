/**
 * Test setup (vitest setupFiles): the whole suite runs with binary
 * translation on or off, chosen by RETROVISOR_JIT (1, the default, or 0).
 * With translation on, harts translate code at first sight (hotThreshold 0)
 * instead of after it has run a while, so even one-instruction hart tests
 * run translated code. Processes the tests start (the CLI) read the same
 * variable for the default of --jit.
 */
import { setDefaultTranslation } from '../../src/hart/translation-cache.js';

export const TRANSLATING = process.env['RETROVISOR_JIT'] !== '0';

setDefaultTranslation(TRANSLATING ? { enabled: true, hotThreshold: 0 } : { enabled: false });
