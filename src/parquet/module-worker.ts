/**
 * Starts a worker thread on a module of this package, given the module's URL as seen from
 * the caller (`new URL('./x.js', import.meta.url)`).
 *
 * Built code (dist/) runs the .js module directly. When the caller itself is a .ts file (the
 * sources run by vitest, which transforms only its own thread), Node 20 cannot load TypeScript
 * in a worker; the worker then first registers a module hook that transpiles this package's
 * .ts files with the TypeScript compiler, a dev dependency present wherever sources are run.
 */
import { Worker } from 'node:worker_threads';

/** Module hooks (run on Node's loader thread): `./x.js` imported from a .ts file -> `./x.ts`; .ts -> transpiled ESM. */
const TS_HOOKS = `
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
let ts;
export async function resolve(specifier, context, next) {
  if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  ts ??= createRequire(file)('typescript');
  const out = ts.transpileModule(await readFile(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
`;

const dataUrl = (js: string): URL => new URL(`data:text/javascript,${encodeURIComponent(js)}`);

export function startModuleWorker(moduleUrl: URL): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl);
  const boot = `import { register } from 'node:module';
register(${JSON.stringify(dataUrl(TS_HOOKS).href)});
await import(${JSON.stringify(moduleUrl.href)});`;
  return new Worker(dataUrl(boot));
}

/** The URL of sibling module `name` (given as `x.js`) of `callerUrl`, as a .ts file when the caller is one. */
export function siblingModule(name: string, callerUrl: string): URL {
  return new URL(callerUrl.endsWith('.ts') ? name.replace(/\.js$/, '.ts') : name, callerUrl);
}
