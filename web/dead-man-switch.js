// The "cancel my open orders if I disconnect" switch. While it is on and the page is connected, it
// arms the server's dead-man switch (`cancelAllAfter`) and renews it well before it would fire, so
// only a page that is gone (closed, crashed, cut off) lets it fire. Turning it off sends 0, which
// disarms it. The choice lasts as long as the tab, so a reload re-arms at once.

import { formatTime } from './format.js';

const TIMEOUT_MS = 15_000;
// Two renewals may be lost before it fires.
const RENEW_EVERY_MS = 5_000;
const STORE = 'dex-order-engine.deadManSwitch';

/**
 * @param {{ toggle: HTMLInputElement, status: HTMLElement, request: (message: object) => Promise<any>,
 *           isConnected: () => boolean, announce: (text: string) => void, storage?: Storage }} options
 */
export function createDeadManSwitch({ toggle, status, request, isConnected, announce, storage = sessionStorage }) {
  let timer = null;
  let triggerAt = 0; // as the server last said; 0 while not armed
  let sent = 0; // a reply to an older send (before a toggle or a reconnect) is not the state any more
  let state = null;

  toggle.checked = storage.getItem(STORE) === 'on';
  toggle.addEventListener('change', () => {
    storage.setItem(STORE, toggle.checked ? 'on' : 'off');
    if (toggle.checked) renew();
    else disarm();
  });
  show('off');

  async function send(timeoutMs) {
    const mine = ++sent;
    let reply;
    try {
      reply = await request({ op: 'cancelAllAfter', timeoutMs });
    } catch {
      return; // the socket is gone: `connected()` sends again on the new one
    }
    if (mine !== sent) return;
    if (reply.type !== 'cancel_all_after') return show('error', `${reply.code}: ${reply.message}`);
    triggerAt = reply.triggerAt;
    show(triggerAt > 0 ? 'armed' : 'off');
  }

  function renew() {
    clearTimeout(timer);
    if (!toggle.checked || !isConnected()) return;
    void send(TIMEOUT_MS);
    timer = setTimeout(renew, RENEW_EVERY_MS);
  }

  function disarm() {
    clearTimeout(timer);
    if (isConnected()) return void send(0);
    sent += 1;
    // Offline the server cannot hear "off": it is sent on reconnect, and until then the switch stands.
    show(triggerAt > Date.now() ? 'off-pending' : 'off');
  }

  function show(next, error = '') {
    const time = document.createElement('time');
    time.dateTime = new Date(triggerAt).toISOString();
    time.textContent = formatTime(triggerAt);
    const parts = {
      off: ['Off.'],
      armed: ['Armed until ', time, `, renewed every ${RENEW_EVERY_MS / 1000} s.`],
      lost: ['Disconnected: unless the page reconnects first, your open orders are cancelled at ', time, '.'],
      'off-pending': ['Off here; the server is told once the page reconnects (until then it still fires at ', time, ').'],
      error: [`Not armed: ${error}`],
    }[next];
    status.replaceChildren(...parts);
    status.dataset.state = next;
    if (next === 'armed' || next === 'lost' || next === 'off-pending') status.dataset.triggerAt = String(triggerAt);
    else delete status.dataset.triggerAt;
    // Renewals only move the time: what is read out is a change of state.
    if (state !== null && next !== state) announce(`Cancel on disconnect: ${status.textContent}`);
    state = next;
  }

  return {
    /** The page (re)connected: arm again, or tell the server "off" if it was turned off meanwhile. */
    connected() {
      if (toggle.checked) renew();
      else if (triggerAt > Date.now()) disarm();
    },
    /** The socket is gone: no renewal can reach the server until it is back. */
    disconnected() {
      clearTimeout(timer);
      sent += 1;
      if (triggerAt > Date.now() && state === 'armed') show('lost');
    },
  };
}
