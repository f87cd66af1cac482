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
