// Injected by build.mjs into the CommonJS bundles: what import.meta.url is in the ES module sources.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
