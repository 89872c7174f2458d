import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createApiClient } from './api-client';
import { initI18n } from './i18n';
import './styles.css';

initI18n();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks <div id="root">');
createRoot(root).render(
  <StrictMode>
    <App api={createApiClient()} />
  </StrictMode>,
);
