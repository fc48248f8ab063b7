// The API key this browser connects with: taken from the address once (as `npm start` prints it),
// kept in localStorage, and replaced from the key panel in the header.

const STORE = 'dex-order-engine.apiKey';

/** Keeps a key given in the address (`?key=…`) in this browser and takes it out of the address bar. */
export function adoptKeyFromAddress() {
  const params = new URLSearchParams(location.search);
  if (!params.has('key')) return;
  localStorage.setItem(STORE, params.get('key'));
  params.delete('key');
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
}

/** The key kept in this browser; '' when there is none. */
export function readApiKey() {
  return localStorage.getItem(STORE) ?? '';
}

/**
 * The key panel: a pasted key replaces the kept one and `onChange` reconnects with it.
 * @param {{ panel: HTMLDetailsElement, form: HTMLFormElement, input: HTMLInputElement, status: HTMLElement, onChange: () => void }} options
 */
export function createKeyPanel({ panel, form, input, status, onChange }) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    localStorage.setItem(STORE, value);
    input.value = '';
    panel.open = false;
    onChange();
  });
  status.textContent = readApiKey() ? `using key ${readApiKey().slice(0, 16)}…` : 'no key yet';

  return {
    /** Opens the panel, e.g. when the server keeps refusing the key. */
    open() {
      panel.open = true;
    },
  };
}
