/** Entry point that serves DAP on stdio (what a debug client spawns). */
import { setDefaultTranslation } from '../../src/hart/translation-cache.js';
import { serveStdio } from './main.js';

// RETROVISOR_JIT=0 turns binary translation off, as it does for the retrovisor command (CI runs the DAP tests both ways).
if (process.env['RETROVISOR_JIT'] === '0') setDefaultTranslation({ enabled: false });
serveStdio();
