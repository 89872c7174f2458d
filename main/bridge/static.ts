/**
 * Serves the built renderer (out/renderer) read-only. Every request path is decoded, resolved
 * inside the root and checked again after following symlinks: nothing outside the root is served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { sendText } from './http';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

function inside(root: string, full: string): boolean {
  const rel = relative(root, full);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Maps a URL path (still percent-encoded, without query) to a file path inside `root`, or null
 * when it is malformed or would leave the root. '/' maps to index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  // Any '..' segment is refused outright, before and after resolution.
  if (decoded.split('/').some((seg) => seg === '..')) return null;
  const rootAbs = resolve(root);
  const full = resolve(rootAbs, '.' + sep + decoded.replace(/^\/+/, ''));
  if (!inside(rootAbs, full)) return null;
  return full === rootAbs || decoded.endsWith('/') ? resolve(full, 'index.html') : full;
}

export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendText(res, 405, 'Method not allowed: the workbench serves files with GET only.');
    return;
  }
  const urlPath = (req.url ?? '/').split('?')[0];
  const file = resolveStaticPath(root, urlPath);
  if (file === null) {
    sendText(res, 403, 'Forbidden: the path leaves the workbench folder.');
    return;
  }
  let target = file;
  try {
    // A path without an extension that is not a file is a page of the app: serve index.html.
    if (extname(file) === '' && !(await isFile(file))) target = resolve(root, 'index.html');
    const [rootReal, targetReal] = await Promise.all([realpath(resolve(root)), realpath(target)]);
    if (!inside(rootReal, targetReal)) {
      sendText(res, 403, 'Forbidden: the path leaves the workbench folder.');
      return;
    }
    if (!(await isFile(targetReal))) throw new Error('not a file');
    target = targetReal;
  } catch {
    if (target === resolve(root, 'index.html')) {
      sendText(res, 503, `The workbench page is not built (no ${target}). Run: npm run build`);
    } else {
      sendText(res, 404, `Not found: ${urlPath}`);
    }
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(target);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
