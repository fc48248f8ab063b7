// Placeholder client: shows the connection state and the server's hello. The trading page replaces it.
const url = new URL('/ws', location.href);
url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
document.getElementById('endpoint').textContent = url.href;
const state = document.getElementById('state');
const log = document.getElementById('log');
const socket = new WebSocket(url);
socket.addEventListener('open', () => (state.textContent = 'connected'));
socket.addEventListener('close', () => (state.textContent = 'disconnected'));
socket.addEventListener('message', (event) => (log.textContent += `${event.data}\n`));
