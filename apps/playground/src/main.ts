import { mountCharPage } from './ui/char-page.js';
import { mountSinePage } from './ui/sine-page.js';
import './style.css';

// Two pages in one document, picked by the URL hash (#char, #sine).

function show(): void {
  const page = location.hash === '#sine' ? 'sine' : 'char';
  for (const id of ['char', 'sine']) {
    document.getElementById(`page-${id}`)!.hidden = id !== page;
    document.getElementById(`tab-${id}`)!.classList.toggle('active', id === page);
  }
}

mountCharPage();
mountSinePage();
window.addEventListener('hashchange', show);
show();
if (!crossOriginIsolated)
  document.getElementById('isolation')!.textContent =
    'This page is not cross-origin isolated, so tfjs-wasm runs on one thread: serve it with COOP/COEP headers (pnpm playground does).';
