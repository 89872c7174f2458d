/**
 * electron-vite build: out/main (Electron main, CommonJS, node deps external; plus the job,
 * training and encoder worker entries),
 * out/preload (sandboxed preload, self-contained), out/renderer (React page, also served by
 * the browser bridge).
 */
import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/** The built page may load only its own scripts and styles and talk only to its own origin. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

/** Adds the CSP at build time only (the dev server injects inline scripts for hot reload). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'knowrec:csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  main: {
    // Native and large packages stay in node_modules and are require()d at run time.
    plugins: [externalizeDepsPlugin({ include: ['better-sqlite3', 'onnxruntime-node'] })],
    build: {
      outDir: 'out/main',
      // Worker threads are separate entries beside index.js, each named as its source file (see
      // main/core/worker-launcher.ts): the job worker (import, evaluate, fit, fine-tune off the
      // main thread) and the encoder and training workers it starts, the what-if worker, and the
      // dataset worker (the Api's in-memory dataset, read off the main thread), and the products
      // worker (native item-matrix products that large catalogs' scorers wait for).
      lib: {
        entry: {
          index: resolve(__dirname, 'main/index.ts'),
          'job-worker': resolve(__dirname, 'main/jobs/job-worker.ts'),
          'what-if-worker': resolve(__dirname, 'main/jobs/what-if-worker.ts'),
          'dataset-worker': resolve(__dirname, 'main/jobs/dataset-worker.ts'),
          'kg-index-worker': resolve(__dirname, 'main/jobs/kg-index-worker.ts'),
          'encode-worker': resolve(__dirname, 'main/core/encode/encode-worker.ts'),
          'train-worker': resolve(__dirname, 'main/core/train/train-worker.ts'),
          'ann-build-worker': resolve(__dirname, 'main/core/index/ann-build-worker.ts'),
          'matvec-worker': resolve(__dirname, 'main/core/models/matvec-worker.ts'),
        },
      },
    },
  },
  preload: {
    // A sandboxed preload can require only 'electron': everything else is bundled.
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve(__dirname, 'preload/index.ts') },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), contentSecurityPolicy()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      emptyOutDir: true,
      // minified (esbuild): a third of the bytes to fetch and parse before the first view renders
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
