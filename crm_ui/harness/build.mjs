// Build both cards for the browser harness into crm_ui/.build/:
//   salesforce.js  the LWC compiled by the LWC rollup plugin, base components stubbed
//   hubspot.js     the React card bundled by esbuild, @hubspot/ui-extensions stubbed
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import lwc from '@lwc/rollup-plugin';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.build');
const lwcDir = join(root, 'salesforce', 'force-app', 'main', 'default', 'lwc');
mkdirSync(out, { recursive: true });

// @salesforce/schema/Object.Field imports resolve to the field reference LDS expects.
const schema = {
  name: 'salesforce-schema',
  resolveId(id) {
    return id.startsWith('@salesforce/schema/') ? `\0${id}` : null;
  },
  load(id) {
    if (!id.startsWith('\0@salesforce/schema/')) {
      return null;
    }
    const [objectApiName, fieldApiName] = id.slice('\0@salesforce/schema/'.length).split('.');
    return `export default ${JSON.stringify({ objectApiName, fieldApiName })};`;
  },
};

// The LWC engine reads process.env.NODE_ENV; a browser has no process: build for production.
const nodeEnv = {
  name: 'node-env',
  renderChunk(code) {
    return { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null };
  },
};

const bundle = await rollup({
  input: join(root, 'harness', 'salesforce', 'main.js'),
  plugins: [
    schema,
    nodeEnv,
    lwc({
      modules: [
        { name: 'c/naCoachCard', path: join(lwcDir, 'naCoachCard', 'naCoachCard.js') },
        { name: 'c/naCoachModel', path: join(lwcDir, 'naCoachModel', 'naCoachModel.js') },
        { dir: join(root, 'harness', 'salesforce', 'stubs') },
      ],
    }),
  ],
  onwarn(warning, warn) {
    if (warning.code !== 'CIRCULAR_DEPENDENCY') {
      warn(warning);
    }
  },
});
await bundle.write({ file: join(out, 'salesforce.js'), format: 'iife', name: 'naSalesforceHarness' });
await bundle.close();

await build({
  entryPoints: [join(root, 'harness', 'hubspot', 'main.jsx')],
  bundle: true,
  format: 'iife',
  outfile: join(out, 'hubspot.js'),
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: {
    '@hubspot/ui-extensions/crm': join(root, 'harness', 'hubspot', 'stubs-crm.jsx'),
    '@hubspot/ui-extensions': join(root, 'harness', 'hubspot', 'stubs.jsx'),
  },
  logLevel: 'warning',
});
console.log(`harness built in ${out}`);
