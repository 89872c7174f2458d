/** The desktop app's file chooser as the preload exposes it (`window.files`, preload/api-proxy.ts). */
import { describe, expect, it } from 'vitest';
import { FILE_CHOOSER_CHANNEL } from '../../main/api/contract';
import { buildFileChooser } from '../../preload/api-proxy';

describe('buildFileChooser', () => {
  it('asks the main process on its channel with the role and gives back the picked path', async () => {
    const calls: [string, unknown][] = [];
    const files = buildFileChooser(async (channel, input) => {
      calls.push([channel, input]);
      return '/data/ratings.csv';
    });
    expect(await files.chooseFile('interactions')).toBe('/data/ratings.csv');
    expect(calls).toEqual([[FILE_CHOOSER_CHANNEL, 'interactions']]);
    expect(Object.isFrozen(files)).toBe(true);
  });

  it('reads a cancelled dialog (or anything but a path) as null', async () => {
    for (const answer of [null, undefined, '', 42, { path: '/x' }]) {
      expect(await buildFileChooser(async () => answer).chooseFile('kg')).toBeNull();
    }
  });
});
