// The connection line in the header, from the client's state events. Only a connected page can
// send, so the buttons that send follow the same state.

/**
 * Returns the client's `on.state` handler: it names the state (pointing at the key when the socket
 * never opened), enables `controls` only while connected and calls `onOffline` otherwise.
 * @param {{ line: HTMLElement, keyPanel: { open(): void }, controls: HTMLButtonElement[], onOffline: () => void }} options
 */
export function createConnectionStatus({ line, keyPanel, controls, onOffline }) {
  return function show(state) {
    const text = {
      connecting: 'Connecting…',
      connected: 'Connected',
      reconnecting: `Reconnecting (attempt ${state.attempt})…`,
      offline: `Offline, retrying in ${Math.ceil((state.retryInMs ?? 0) / 1000)} s`,
      closed: 'Closed',
    }[state.name];
    line.textContent = state.neverOpened ? `${text} (is the API key right?)` : text;
    line.dataset.state = state.name;
    if (state.neverOpened && state.attempt >= 2) keyPanel.open();
    const live = state.name === 'connected';
    for (const control of controls) control.disabled = !live;
    if (!live) onOffline();
  };
}
