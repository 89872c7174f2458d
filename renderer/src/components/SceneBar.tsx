/**
 * Save the explorer's view under a name and bring it back later (kept in this browser's
 * localStorage; see kg-scenes.ts).
 */
import { useState, type FormEvent } from 'react';
import { parseScenes, removeScene, SCENES_KEY, upsertScene, type Scene } from '../kg-scenes';
import { useI18n } from '../i18n';

interface SceneBarProps {
  readonly current: Omit<Scene, 'name' | 'saved'>;
  readonly centreLabel: string;
  readonly onRestore: (scene: Scene) => void;
}

function load(): Scene[] {
  try {
    return parseScenes(window.localStorage.getItem(SCENES_KEY));
  } catch {
    return [];
  }
}

function store(scenes: readonly Scene[]): void {
  try {
    window.localStorage.setItem(SCENES_KEY, JSON.stringify(scenes));
  } catch {
    // storage full or disabled: the scene lives until the page reloads
  }
}

export function SceneBar({ current, centreLabel, onRestore }: SceneBarProps) {
  const [scenes, setScenes] = useState<Scene[]>(load);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState('');
  const { t } = useI18n();
  const save = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const n = (name.trim() === '' ? centreLabel : name).trim();
    if (n === '') return;
    const next = upsertScene(scenes, { ...current, name: n, saved: new Date().toISOString() });
    setScenes(next);
    store(next);
    setName('');
    setChosen(n);
  };
  const picked = scenes.find((s) => s.name === chosen) ?? null;
  return (
    <form className="scene-bar" onSubmit={save} aria-label={t('kg.scenes')}>
      <label htmlFor="kg-scene-name">{t('kg.saveAs')}</label>
      <input id="kg-scene-name" value={name} maxLength={80} placeholder={centreLabel} onChange={(e) => setName(e.target.value)} />
      <button type="submit">{t('kg.saveView')}</button>
      <label htmlFor="kg-scene">{t('kg.saved')}</label>
      <select id="kg-scene" value={chosen} onChange={(e) => setChosen(e.target.value)}>
        <option value="">{t('kg.savedCount', { count: scenes.length })}</option>
        {scenes.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name}
          </option>
        ))}
      </select>
      <button type="button" disabled={picked === null} onClick={() => picked !== null && onRestore(picked)}>
        {t('kg.restore')}
      </button>
      <button
        type="button"
        disabled={picked === null}
        onClick={() => {
          const next = removeScene(scenes, chosen);
          setScenes(next);
          store(next);
          setChosen('');
        }}
      >
        {t('kg.delete')}
      </button>
    </form>
  );
}
