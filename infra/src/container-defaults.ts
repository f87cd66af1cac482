/**
 * Log rotation for every container: Docker's json-file driver keeps at most three 10 MB files, so
 * no container's logs can fill the host's disk.
 */
export const LOG_ROTATION = {
  logDriver: 'json-file',
  logOpts: { 'max-size': '10m', 'max-file': '3' },
};

/**
 * Seconds a container gets between SIGTERM and SIGKILL, on `docker stop` and host reboots too (not
 * only when Pulumi destroys it): longer than the API's drain (API_DRAIN_MS, 30 s by default).
 */
export const STOP_GRACE_SECONDS = 40;

/**
 * What every container of the platform runs with: a read-only root filesystem (writable places are
 * volumes and a small /tmp), no privilege escalation, no capabilities unless one is added back.
 */
export const HARDENED = {
  readOnly: true,
  tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m' },
  privileged: false,
  securityOpts: ['no-new-privileges:true'],
  capabilities: { drops: ['ALL'] },
};
