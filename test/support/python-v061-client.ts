/**
 * A client that behaves as the stock Python SDK v0.6.1 does on the wire (PROTOCOL.md §1, §2, §5, §9):
 * it reads only the environment, decodes the key in the older format (`SLUG:PEM`, so a `dev:` key
 * fails with v0.6.1's message), refuses a custom domain unless TERACRON_ALLOW_CUSTOM_DOMAIN is set,
 * speaks HTTPS only (trusting REQUESTS_CA_BUNDLE when given), sends no X-Project-Mode, and posts
 * traces and events where the published wheel does (/v1/traces, /v1/events).
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { encryptEnvelope } from '../../lib/core/crypto/envelope';
import { encodeMetricsBatch } from '../../lib/core/encoding/metrics-protobuf';
import type { MetricsSnapshot, SpanRecord, WorkflowEventRecord } from '../../lib/core/types';

const SLUG = /^[a-z]+-[a-z]+-[0-9]{3}$/;
const USER_AGENT = 'teracron-sdk-python/0.6.1 python/3.11.7';
const TRUE = new Set(['1', 'true', 'yes']);

export type Env = Record<string, string | undefined>;

export class V061Client {
  readonly slug: string;
  private readonly publicKeyPem: string;
  private readonly origin: string;
  private readonly ca: string | undefined;

  constructor(env: Env) {
    const key = (env.TERACRON_API_KEY ?? '').trim();
    if (!key.startsWith('tcn_')) throw new Error('TERACRON_API_KEY must start with tcn_');
    const payload = Buffer.from(key.slice(4), 'base64url').toString('utf8');
    const colon = payload.indexOf(':');
    if (colon < 0) throw new Error('API key payload has no separator');
    const slug = payload.slice(0, colon);
    if (!SLUG.test(slug)) throw new Error(`invalid slug component: '${slug}'`);
    this.slug = slug;
    this.publicKeyPem = payload.slice(colon + 1);
    let domain = (env.TERACRON_DOMAIN ?? 'www.teracron.com').trim().replace(/^https?:\/\//, '').split('/')[0]!;
    if (domain === '') domain = 'www.teracron.com';
    const host = domain.split(':')[0]!.toLowerCase();
    const allowed = host === 'teracron.com' || host.endsWith('.teracron.com') || TRUE.has((env.TERACRON_ALLOW_CUSTOM_DOMAIN ?? '').toLowerCase());
    if (!allowed) throw new Error(`domain ${host} is not a teracron.com domain; set TERACRON_ALLOW_CUSTOM_DOMAIN=1`);
    this.origin = `https://${domain}`;
    this.ca = env.REQUESTS_CA_BUNDLE ? readFileSync(env.REQUESTS_CA_BUNDLE, 'utf8') : undefined;
  }

  sendMetrics(snapshots: MetricsSnapshot[]): Promise<number> {
    return this.post('/api/ingest', encodeMetricsBatch(snapshots, { sdkVersion: '0.6.1', runtimeVersion: '3.11.7' }));
  }

  sendSpans(spans: SpanRecord[]): Promise<number> {
    return this.post('/v1/traces', Buffer.from(JSON.stringify({ type: 'trace', project_slug: this.slug, spans })));
  }

  sendEvents(events: WorkflowEventRecord[]): Promise<number> {
    return this.post('/v1/events', Buffer.from(JSON.stringify({ type: 'event', project_slug: this.slug, events })));
  }

  private post(path: string, plaintext: Buffer): Promise<number> {
    const body = encryptEnvelope(plaintext, this.publicKeyPem);
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${this.origin}${path}`,
        { method: 'POST', ca: this.ca, agent: false, headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length), 'x-project-slug': this.slug, 'user-agent': USER_AGENT } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}
