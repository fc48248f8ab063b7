import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/adapters/embedded/free-port.js';
import { startRedisServer, type LocalRedis } from '../../src/adapters/embedded/redis-server.js';
import { clusterTarget } from '../../src/adapters/redis/connect.js';
import { createLogger } from '../../src/log.js';

const execute = promisify(execFile);

/**
 * A real Redis Cluster of three masters on loopback ports, made with `redis-cli --cluster create`
 * (redis-cli comes with Debian's redis-server). Each node keeps its data (append-only, fsync on
 * every write) and its cluster config in its own directory, so a node killed with SIGKILL comes
 * back on its port with its slots and its keys.
 */
export async function startRedisCluster() {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');
  const root = await mkdtemp(join(tmpdir(), 'dex-redis-cluster-'));
  // Each node has a client port and a cluster bus port, both free. (Without `--cluster-port` the bus
  // is the port + 10000, which Redis refuses above 55535 and which nobody checked was free.)
  const ports = [await freePort(), await freePort(), await freePort()];
  const busPorts = new Map<number, number>();
  for (const port of ports) busPorts.set(port, await freePort());
  const start = (port: number) =>
    startRedisServer({
      dir: join(root, String(port)),
      log,
      port,
      extraArgs: [
        '--cluster-enabled', 'yes',
        '--cluster-port', String(busPorts.get(port)),
        '--cluster-config-file', 'nodes.conf',
        '--cluster-node-timeout', '2000',
        '--appendfsync', 'always',
      ],
    });
  const nodes: LocalRedis[] = await Promise.all(ports.map(start));
  await execute('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
  await waitUntilOk(ports);

  return {
    /** The REDIS_CLUSTER_NODES value, and the one-string target the engine passes around. */
    nodesEnv: ports.map((port) => `127.0.0.1:${port}`).join(','),
    target: clusterTarget(ports.map((port) => ({ host: '127.0.0.1', port }))),
    ports,
    /** The port of the master that holds `key`'s slot. */
    async portOf(key: string): Promise<number> {
      const { stdout } = await execute('redis-cli', ['-p', String(ports[0]), 'cluster', 'keyslot', key]);
      const slot = Number(stdout.trim());
      const { stdout: shards } = await execute('redis-cli', ['-p', String(ports[0]), 'cluster', 'slots']);
      const lines = shards.trim().split('\n');
      // Each range: start, end, then the master's ip and port (and id), in that order.
      for (let i = 0; i + 3 < lines.length; i++) {
        const [from, to, , port] = lines.slice(i, i + 4).map((line) => line.trim());
        if (/^\d+$/.test(from!) && /^\d+$/.test(to!) && Number(from) <= slot && slot <= Number(to) && /^\d+$/.test(port!) && ports.includes(Number(port))) return Number(port);
      }
      throw new Error(`no master found for slot ${slot}`);
    },
    /** Whether `key` exists, asked of the cluster (redis-cli follows the redirection to its master). */
    async exists(key: string): Promise<boolean> {
      const { stdout } = await execute('redis-cli', ['-c', '-p', String(ports[0]), 'exists', key]);
      return stdout.trim() === '1';
    },
    /** The string at `key`, asked of the cluster ('' when there is none). */
    async get(key: string): Promise<string> {
      const { stdout } = await execute('redis-cli', ['-c', '-p', String(ports[0]), 'get', key]);
      return stdout.trim();
    },
    /** Kills a master with SIGKILL (no goodbye) and starts it again on its port, from its own data. */
    async killAndRestart(port: number, downMs: number): Promise<void> {
      const index = ports.indexOf(port);
      const { stdout } = await execute('redis-cli', ['-p', String(port), 'info', 'server']);
      const pid = Number(/process_id:(\d+)/.exec(stdout)?.[1]);
      process.kill(pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      nodes[index] = await start(port);
      await waitUntilOk(ports);
    },
    async close(): Promise<void> {
      await Promise.all(nodes.map((node) => node.close().catch(() => undefined)));
      await rm(root, { recursive: true, force: true });
    },
  };
}

export type RedisClusterFixture = Awaited<ReturnType<typeof startRedisCluster>>;

async function waitUntilOk(ports: readonly number[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const states = await Promise.all(
      ports.map((port) =>
        execute('redis-cli', ['-p', String(port), 'cluster', 'info']).then(
          ({ stdout }) => stdout.includes('cluster_state:ok'),
          () => false,
        ),
      ),
    );
    if (states.every(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the Redis Cluster did not reach cluster_state:ok');
}
