import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { parseReference } from './base-images.js';
import { createOptions, durationNs, tarOf } from './container-spec.js';

describe('smoke: a declared container in the Engine API’s terms', () => {
  it('durations: Go-style text to nanoseconds, and a bad one refused', () => {
    expect(durationNs('30s')).to.equal(30e9);
    expect(durationNs('1m30s')).to.equal(90e9);
    expect(durationNs('500ms')).to.equal(5e8);
    expect(durationNs(undefined)).to.equal(undefined);
    expect(() => durationNs('30 seconds')).to.throw(/not a duration/);
  });

  it('maps every declared setting the smoke relies on', () => {
    const options = createOptions(
      {
        name: 'api',
        image: 'declared-image:image-api',
        envs: ['A=1'],
        user: '1000:1000',
        volumes: [
          { volumeName: 'api-secrets', containerPath: '/run/secrets' },
          { hostPath: '/h', containerPath: '/c', readOnly: true },
        ],
        ports: [{ internal: 8000, external: 18000, ip: '127.0.0.1' }],
        networksAdvanced: [
          { name: 'trading-internal', aliases: ['api'] },
          { name: 'trading-monitoring', aliases: ['api'] },
        ],
        healthcheck: {
          tests: ['CMD', 'node', '-e', '1'],
          interval: '30s',
          timeout: '10s',
          retries: 3,
          startPeriod: '60s',
        },
        restart: 'unless-stopped',
        memory: 512,
        memorySwap: 512,
        cpus: '1.0',
        capabilities: { drops: ['ALL'], adds: ['CHOWN'] },
        securityOpts: ['no-new-privileges:true'],
        readOnly: true,
        tmpfs: { '/tmp': 'size=64m' },
        init: true,
        logDriver: 'json-file',
        logOpts: { 'max-size': '10m' },
        stopTimeout: 40,
      },
      'sha256:abc',
    );
    expect(options).to.deep.include({
      name: 'api',
      Image: 'sha256:abc',
      Env: ['A=1'],
      User: '1000:1000',
      StopTimeout: 40,
    });
    expect(options.ExposedPorts).to.deep.equal({ '8000/tcp': {} });
    expect(options.Healthcheck).to.deep.equal({
      Test: ['CMD', 'node', '-e', '1'],
      Interval: 30e9,
      Timeout: 10e9,
      Retries: 3,
      StartPeriod: 60e9,
    });
    expect(options.HostConfig).to.deep.include({
      Binds: ['api-secrets:/run/secrets', '/h:/c:ro'],
      PortBindings: { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '18000' }] },
      RestartPolicy: { Name: 'unless-stopped' },
      Memory: 512 * 2 ** 20,
      MemorySwap: 512 * 2 ** 20,
      NanoCpus: 1e9,
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN'],
      ReadonlyRootfs: true,
      Init: true,
      NetworkMode: 'trading-internal',
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
    });
    // The engine takes one network at creation; the smoke connects the others before the start.
    expect(options.NetworkingConfig).to.deep.equal({
      EndpointsConfig: { 'trading-internal': { Aliases: ['api'] } },
    });
  });

  it('an upload is a tar that tar itself reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-'));
    try {
      writeFileSync(join(dir, 'a.tar'), tarOf('database_url', 'postgres://u:p@h/d\n', 0o644));
      expect(
        execFileSync('tar', ['-xOf', join(dir, 'a.tar'), 'database_url'], { encoding: 'utf8' }),
      ).to.equal('postgres://u:p@h/d\n');
      expect(execFileSync('tar', ['-tvf', join(dir, 'a.tar')], { encoding: 'utf8' })).to.match(
        /^-rw-r--r-- /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads an image reference with a digest, a tag and a registry port', () => {
    expect(parseReference('postgres:16.6-bookworm@sha256:abc')).to.deep.equal({
      repo: 'postgres',
      tag: '16.6-bookworm',
      digest: 'sha256:abc',
    });
    expect(parseReference('prom/prometheus:v2.55.1')).to.deep.include({
      repo: 'prom/prometheus',
      tag: 'v2.55.1',
    });
    expect(parseReference('mirror:5000/node')).to.deep.include({ repo: 'mirror:5000/node', tag: 'latest' });
  });
});
