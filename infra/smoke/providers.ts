// The providers the services call (Alpaca, Finnhub, Anthropic, Telegram), as the local servers that
// speak their wire formats, reachable from the containers: there is no internet here, and a service
// that cannot reach its provider reports itself unhealthy, as it should.
import { connect, createServer, type Server, type Socket } from 'node:net';

import {
  startAlpacaServer,
  startAnthropicServer,
  startFinnhubServer,
  startTelegramServer,
} from '@trading/simulator';
import { googBars } from '@trading/testkit';
import type Docker from 'dockerode';

/** The local providers and the settings that point the services at them. */
export interface SmokeProviders {
  serviceEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Forward `host:<free port>` to the local server at `url` (they listen on loopback only). */
async function relay(host: string, url: string): Promise<{ url: string; server: Server }> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [inbound, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    inbound.pipe(upstream).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  server.on('close', () => {
    sockets.forEach((s) => s.destroy());
  });
  return { url: `http://${host}:${String(port)}`, server };
}

/**
 * Start the four local providers with the stack's credentials, and relays on the address of the
 * engine's default bridge (which every container can reach the host by).
 */
export async function startSmokeProviders(
  docker: Docker,
  credentials: {
    alpacaKey: string;
    alpacaSecret: string;
    finnhubKey: string;
    anthropicKey: string;
    telegramToken: string;
  },
): Promise<SmokeProviders> {
  const bridge = await docker.getNetwork('bridge').inspect();
  const host =
    (bridge as { IPAM: { Config: { Gateway?: string }[] } }).IPAM.Config[0]?.Gateway ?? '172.17.0.1';
  const alpaca = await startAlpacaServer({
    keyId: credentials.alpacaKey,
    secretKey: credentials.alpacaSecret,
    cash: '100000',
  });
  alpaca.setBars('GOOG', googBars());
  const finnhub = await startFinnhubServer({ token: credentials.finnhubKey });
  const anthropic = await startAnthropicServer({ apiKey: credentials.anthropicKey });
  const telegram = await startTelegramServer({ token: credentials.telegramToken });
  const relays = await Promise.all(
    [alpaca, finnhub, anthropic, telegram].map(async (s) => relay(host, s.url)),
  );
  const [alpacaUrl, finnhubUrl, anthropicUrl, telegramUrl] = relays.map((r) => r.url);
  return {
    serviceEnv: {
      ALPACA_TRADING_URL: alpacaUrl ?? '',
      ALPACA_DATA_URL: alpacaUrl ?? '',
      ALPACA_DATA_STREAM_URL: `${(alpacaUrl ?? '').replace(/^http/, 'ws')}/v2`,
      FINNHUB_BASE_URL: `${finnhubUrl ?? ''}/api/v1`,
      ANTHROPIC_BASE_URL: anthropicUrl ?? '',
      TELEGRAM_BASE_URL: telegramUrl ?? '',
    },
    async close() {
      for (const r of relays) r.server.close();
      await Promise.all([alpaca, finnhub, anthropic, telegram].map(async (s) => s.close()));
    },
  };
}
