/**
 * The Electron shell's pure rules (main/index.ts applies them; plain Node, so tests run them):
 * the app's own URL scheme, which file of the built renderer a URL of it serves, and which
 * frames may call the Api over IPC.
 */
import { join, relative } from 'node:path';
import { isWithin } from './api/paths';

/** The renderer is served as app://knowrec/…, a standard, secure scheme of the app's own. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'knowrec';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * The file under `root` (the built renderer) that `url` names, or null: another scheme or host,
 * a path that does not decode, holds a NUL or a backslash, or leads outside `root` (`..`,
 * encoded or not). The bare origin serves index.html.
 */
export function appFileFor(url: string, root: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '' || path === '/') path = '/index.html';
  const file = join(root, path);
  if (relative(root, file) === '' || !isWithin(root, file)) return null;
  return file;
}

/**
 * True when an IPC call comes from the app's own page: a top-level frame whose URL is
 * app://knowrec/…, or, when `devOrigin` is given (development only), the dev server's origin.
 * A missing frame (navigated away or destroyed) is refused.
 */
export function isTrustedSender(frame: { readonly url: string; readonly isTopLevel: boolean } | null, devOrigin: string | null): boolean {
  if (frame === null || !frame.isTopLevel) return false;
  let u: URL;
  try {
    u = new URL(frame.url);
  } catch {
    return false;
  }
  if (u.protocol === `${APP_SCHEME}:`) return u.host === APP_HOST && u.username === '' && u.password === '';
  return devOrigin !== null && (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === devOrigin;
}

/** The dev server's origin from ELECTRON_RENDERER_URL, or null when there is none or it does not parse. */
export function devServerOrigin(url: string | undefined): string | null {
  if (url === undefined || url === '') return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}
