/** Entry point that serves DAP on stdio (what a debug client spawns). */
import { serveStdio } from './main.js';

serveStdio();
