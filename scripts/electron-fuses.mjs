#!/usr/bin/env node
// `npm run fuses [-- --app PATH]`: flips Electron's fuses in an Electron binary (default: the one
// `npm ci` downloaded into node_modules/electron). A build step for a machine with Electron's
// binary: run it after the binary is downloaded (and on a packaged app's binary before signing).
// Needs the dev dependency @electron/fuses (^1.8.0, CommonJS, Node >= 12; 2.x needs Node >= 22.12).
//
// Fuses set (see https://www.electronjs.org/docs/latest/tutorial/fuses):
//   RunAsNode off                        ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node
//   EnableNodeOptionsEnvironmentVariable off   NODE_OPTIONS cannot inject code
//   EnableNodeCliInspectArguments off    --inspect cannot attach a debugger
//   EnableCookieEncryption on            cookies on disk are encrypted with the OS key store
//   GrantFileProtocolExtraPrivileges off file:// gets no extra rights (the page is served as app://)
// Left as they are: OnlyLoadAppFromAsar and EnableEmbeddedAsarIntegrityValidation need the app
// packed as app.asar (a packager's job; `npm start` runs the unpacked build and would not start),
// LoadBrowserProcessSpecificV8Snapshot needs a snapshot file the build does not make.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function fail(message, code = 1) {
  console.error(`electron-fuses: ${message}`);
  process.exit(code);
}

function electronBinary() {
  const i = process.argv.indexOf('--app');
  if (i >= 0) {
    const given = process.argv[i + 1];
    if (given === undefined || given === '') fail('--app needs the path of an Electron binary or .app', 2);
    return given;
  }
  try {
    return require('electron'); // the binary's path, when install.js downloaded it
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (binary === null || !existsSync(binary)) {
  console.error('electron-fuses: no Electron binary here (ELECTRON_SKIP_BINARY_DOWNLOAD?); nothing to do');
  process.exit(0);
}
let fuses;
try {
  fuses = require('@electron/fuses');
} catch {
  fail('@electron/fuses is not installed: npm install --save-dev @electron/fuses@^1.8.0');
}
const { flipFuses, FuseVersion, FuseV1Options } = fuses;
await flipFuses(binary, {
  version: FuseVersion.V1,
  resetAdHocDarwinSignature: process.platform === 'darwin' && process.arch === 'arm64',
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
});
console.error(`electron-fuses: fuses set in ${binary}`);
