/**
 * The Electron shell's pure rules (main/app-security.ts; Electron itself cannot run here): the
 * app:// resolver refuses traversal, and only the app's own top-level page may call the Api. Also
 * the path helpers of main/api/paths.ts.
 */
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_URL, appFileFor, devServerOrigin, isTrustedSender } from '../../main/app-security';
import { folderName, isWithin, PathPolicy, realPathOf } from '../../main/api/paths';

const ROOT = '/opt/knowrec/out/renderer';

describe('appFileFor (app://knowrec/ → a file of the built renderer)', () => {
  it('serves the files under the root, and index.html for the bare origin', () => {
    expect(appFileFor(APP_URL, ROOT)).toBe(join(ROOT, 'index.html'));
    expect(appFileFor('app://knowrec/', ROOT)).toBe(join(ROOT, 'index.html'));
    expect(appFileFor('app://knowrec', ROOT)).toBe(join(ROOT, 'index.html'));
    expect(appFileFor('app://knowrec/assets/index-abc.js?v=1#x', ROOT)).toBe(join(ROOT, 'assets', 'index-abc.js'));
    expect(appFileFor('app://knowrec/assets/a%20b.css', ROOT)).toBe(join(ROOT, 'assets', 'a b.css'));
  });

  it('refuses traversal, encoded or not, other hosts and schemes, NUL and backslashes', () => {
    // the URL parser already folds plain dot segments: the result stays inside the root
    expect(appFileFor('app://knowrec/../../etc/passwd', ROOT)).toBe(join(ROOT, 'etc', 'passwd'));
    expect(appFileFor('app://knowrec/%2e%2e/%2e%2e/etc/passwd', ROOT)).toBe(join(ROOT, 'etc', 'passwd'));
    // an encoded slash is no separator for the parser, but is one once decoded
    for (const url of [
      'app://knowrec/assets/%2E%2E%2F%2E%2E%2F..%2Fetc%2Fpasswd',
      'app://knowrec/..%2f..%2fsecret',
      'app://knowrec/a%00.js',
      'app://knowrec/..%5c..%5cwin.ini',
      'app://knowrec/%E0%A4%A',
      'app://other/index.html',
      'app://user@knowrec.evil/index.html',
      'file:///etc/passwd',
      'https://knowrec/index.html',
      'not a url',
    ]) {
      expect(appFileFor(url, ROOT), url).toBeNull();
    }
  });
});

describe('isTrustedSender (IPC callers)', () => {
  it('accepts only the top-level app page, and the dev server when one is given', () => {
    expect(isTrustedSender({ url: 'app://knowrec/index.html', isTopLevel: true }, null)).toBe(true);
    expect(isTrustedSender({ url: 'app://knowrec/index.html', isTopLevel: false }, null)).toBe(false);
    expect(isTrustedSender(null, null)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', isTopLevel: true }, 'http://localhost:5173')).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/', isTopLevel: true }, null)).toBe(false);
    for (const url of ['file:///opt/knowrec/out/renderer/index.html', 'https://evil.example/', 'app://evil/index.html', 'app://x@knowrec/', 'about:blank', 'data:text/html,hi', '', 'http://localhost:5174/']) {
      expect(isTrustedSender({ url, isTopLevel: true }, 'http://localhost:5173'), url).toBe(false);
    }
  });

  it('takes the dev origin only from an http(s) ELECTRON_RENDERER_URL', () => {
    expect(devServerOrigin('http://localhost:5173/index.html')).toBe('http://localhost:5173');
    expect(devServerOrigin(undefined)).toBeNull();
    expect(devServerOrigin('')).toBeNull();
    expect(devServerOrigin('file:///x')).toBeNull();
    expect(devServerOrigin('::')).toBeNull();
  });
});

describe('path helpers', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'knowrec-paths-')));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('isWithin is by path segment, not by prefix', () => {
    expect(isWithin('/a/b', '/a/b')).toBe(true);
    expect(isWithin('/a/b', '/a/b/c/d')).toBe(true);
    expect(isWithin('/a/b', '/a/bc')).toBe(false);
    expect(isWithin('/a/b', '/a')).toBe(false);
    expect(isWithin('/a/b', '/a/b/../c')).toBe(false);
    expect(isWithin('/a/b', '/a/b/..foo')).toBe(true);
  });

  it('realPathOf resolves links, keeps the missing rest, and gives up on dangling links', () => {
    symlinkSync('/etc', join(dir, 'etc-link'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    expect(realPathOf(join(dir, 'etc-link', 'x', 'y'))).toBe(join(realpathSync('/etc'), 'x', 'y'));
    expect(realPathOf(join(dir, 'new', 'w.sqlite'))).toBe(join(dir, 'new', 'w.sqlite'));
    expect(realPathOf(join(dir, 'dangling'))).toBeNull();
    expect(realPathOf(join(dir, 'dangling', 'below'))).toBeNull();
  });

  it('PathPolicy: unrestricted without roots; with roots one refusal for everything outside', () => {
    expect(new PathPolicy(undefined, 'x').check('rel/w.sqlite')).toBe(join(process.cwd(), 'rel', 'w.sqlite'));
    const p = new PathPolicy([dir], 'add one');
    expect(p.check(join(dir, 'a', 'b.sqlite'))).toBe(join(dir, 'a', 'b.sqlite'));
    expect(() => p.check('/etc/passwd')).toThrow(/outside the folders this workbench may use.*add one/);
    p.allow('/etc/hostname');
    expect(p.check('/etc/hostname')).toBe(realpathSync('/etc/hostname'));
    expect(() => p.check('/etc/passwd')).toThrow(/outside/);
  });

  it('folderName accepts plain names only', () => {
    expect(folderName('ml-100k')).toBe('ml-100k');
    expect(folderName('my data.v2')).toBe('my data.v2');
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', 'a\0b']) expect(() => folderName(bad), JSON.stringify(bad)).toThrow(/cannot be used as a folder name/);
  });
});
