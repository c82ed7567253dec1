/**
 * The UI's files, read once at start from the package: the page, the stylesheet and the ES modules
 * built from lib/agent/dev/ui/web (`npm run build:ui` puts them in dist/lib/agent/dev/ui/public).
 * Served with a Content-Security-Policy that allows this origin only: the page needs nothing else.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface UiAsset {
  contentType: string;
  body: Buffer;
  headers: Record<string, string>;
}

export const UI_DIR = path.join(__dirname, 'public');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Path → asset: `/` and `/index.html` for the page, `/assets/NAME` for the rest. */
export async function loadUiAssets(dir = UI_DIR): Promise<ReadonlyMap<string, UiAsset>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => CONTENT_TYPES[path.extname(name)] !== undefined);
  } catch {
    names = [];
  }
  if (!names.includes('index.html')) throw new Error(`The local Teracron's UI files are missing from ${dir}; build them with \`npm run build\` (or reinstall the package).`);
  const assets = new Map<string, UiAsset>();
  for (const name of names) {
    const asset = { contentType: CONTENT_TYPES[path.extname(name)]!, body: await readFile(path.join(dir, name)), headers: name === 'index.html' ? PAGE_HEADERS : {} };
    if (name === 'index.html') {
      assets.set('/', asset);
      assets.set('/index.html', asset);
    } else {
      assets.set(`/assets/${name}`, asset);
    }
  }
  return assets;
}
