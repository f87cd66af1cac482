import { createClient } from 'redis';

/**
 * Consumer-group state of a stream: entries pending acknowledgement, and whether the group has
 * read up to the stream's newest entry (compared by id: XINFO's `lag` is unknown once a stream was
 * trimmed, which the broker does on every add).
 */
export async function groupState(
  redisUrl: string,
  stream: string,
  group: string,
): Promise<{ pending: number; lag: number }> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    const info = (await client.xInfoStream(stream).catch(() => undefined)) as
      { 'last-generated-id'?: string; lastGeneratedId?: string } | undefined;
    if (!info) return { pending: 0, lag: 0 };
    const groups = (await client.xInfoGroups(stream)) as unknown as Record<string, unknown>[];
    const g = groups.find((x) => x.name === group);
    if (!g) return { pending: 0, lag: Number.POSITIVE_INFINITY };
    const newest = String(info['last-generated-id'] ?? info.lastGeneratedId);
    const delivered = String(g['last-delivered-id'] ?? g.lastDeliveredId);
    return { pending: Number(g.pending), lag: newest === delivered ? 0 : 1 };
  } finally {
    await client.close();
  }
}
