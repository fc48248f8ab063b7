import { parseArgs } from 'node:util';

export interface OrderTemplate {
  readonly pair: string;
  readonly side: 'buy' | 'sell';
  readonly amount: string;
}

export interface LoadOptions {
  readonly url: string;
  readonly key: string | undefined;
  readonly connections: number;
  /** Total orders to send; or, with `durationS`, the run stops sending at the deadline. */
  readonly orders: number | undefined;
  readonly durationS: number | undefined;
  /** Offered rate, orders per second (open loop: sends keep their schedule whatever the server does). */
  readonly rate: number;
  readonly mix: readonly OrderTemplate[];
  readonly slippageBps: number;
  /** How long to wait, after the last send, for every order to end. */
  readonly settleTimeoutS: number;
  readonly json: string | undefined;
  readonly html: string | undefined;
  readonly quiet: boolean;
  /** Step the offered rate from `rate` up to learn the capacity (each step `durationS`, default 15 s). */
  readonly findCapacity: boolean;
}

export const USAGE = `npm run load -- [options]
  --url ws://127.0.0.1:3000/ws   target (only this address is contacted)
  --key dex_…                    API key (or $DEX_API_KEY; sent as the WebSocket subprotocol)
  --connections 20               WebSocket connections, orders spread round-robin
  --orders 1000 | --duration 60  how many orders, or for how many seconds to send (max 900)
  --rate 500                     offered orders per second (open loop)
  --mix SOL/USDC:buy:1,SOL/USDC:sell:0.5,JUP/USDC:buy:100   pair:side:amount, picked in turn
  --slippage 500                 slippageBps of every order
  --settle-timeout 30            seconds to wait for the last orders to end
  --json FILE  --html FILE       raw figures / a self-contained report
  --quiet                        no progress line
  --find-capacity                step the rate from --rate (doubling, then bisecting; each step
                                 --duration s, default 15) and report the capacity C: the highest
                                 rate whose steady confirmed rate keeps up, with refusals by code`;

const DEFAULT_MIX = 'SOL/USDC:buy:0.5,SOL/USDC:sell:0.5,JUP/USDC:buy:50,RAY/USDC:sell:20,SOL/USDT:buy:0.25';

/** Parses and checks the command line; throws with a one-line reason. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): LoadOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:3000/ws' },
      key: { type: 'string' },
      connections: { type: 'string', default: '20' },
      orders: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string', default: '500' },
      mix: { type: 'string', default: DEFAULT_MIX },
      slippage: { type: 'string', default: '500' },
      'settle-timeout': { type: 'string', default: '30' },
      json: { type: 'string' },
      html: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'find-capacity': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const int = (name: string, text: string | undefined, min: number, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
    return value;
  };
  const url = new URL(values.url);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error('--url must be a ws:// or wss:// URL');
  const findCapacity = values['find-capacity'];
  if (findCapacity && values.orders !== undefined) throw new Error('--find-capacity steps by --duration, not --orders');
  if (!findCapacity && values.orders === undefined && values.duration === undefined) throw new Error('give --orders or --duration');
  const mix = values.mix.split(',').map((entry) => {
    const [pair, side, amount] = entry.split(':');
    if (!pair || (side !== 'buy' && side !== 'sell') || !amount || !(Number(amount) > 0)) throw new Error(`--mix entry "${entry}" must be PAIR:buy|sell:AMOUNT`);
    return { pair, side, amount } as const;
  });
  return {
    url: url.toString(),
    key: values.key ?? env.DEX_API_KEY,
    connections: int('connections', values.connections, 1, 50_000),
    orders: values.orders === undefined ? undefined : int('orders', values.orders, 1, 10_000_000),
    durationS: values.duration === undefined ? undefined : int('duration', values.duration, 1, 900),
    rate: int('rate', values.rate, 1, 1_000_000),
    mix,
    slippageBps: int('slippage', values.slippage, 1, 5000),
    settleTimeoutS: int('settle-timeout', values['settle-timeout'], 1, 600),
    json: values.json,
    html: values.html,
    quiet: values.quiet,
    findCapacity,
  };
}
