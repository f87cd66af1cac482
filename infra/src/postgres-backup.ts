import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

import { HARDENED, LOG_ROTATION } from './container-defaults.js';
import { FileVolume } from './file-volume.js';
import { retainedVolume } from './pinned-images.js';

/** Arguments of {@link PostgresBackup}. */
export interface PostgresBackupArgs {
  network: docker.Network;
  /** The PostgreSQL image (its pg_dump matches the server). */
  image: pulumi.Input<string>;
  user: pulumi.Output<string>;
  password: pulumi.Output<string>;
  database: string;
  intervalHours: number;
  keepDays: number;
}

/** Where the dumps are, in the backup container (the `postgres-backups` volume). */
export const BACKUP_DIR = '/backups';
const SCRIPTS = '/etc/backup';

/** A dump now and every interval after, kept for `BACKUP_KEEP_DAYS` days; stops at once on SIGTERM. */
const BACKUP_SH = `#!/bin/sh
set -eu
PGUSER=$(cat ${SCRIPTS}/postgres_user); PGPASSWORD=$(cat ${SCRIPTS}/postgres_password)
export PGUSER PGPASSWORD
trap 'exit 0' TERM INT
until pg_isready -q; do sleep 2 & wait $!; done
while :; do
  file="${BACKUP_DIR}/$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
  if pg_dump --format=custom --file="$file.part" && mv "$file.part" "$file"; then
    echo "backup: wrote $file ($(wc -c <"$file") bytes)"
  else
    rm -f "$file.part"
    echo "backup: pg_dump failed" >&2
  fi
  find ${BACKUP_DIR} -name '*.dump' -mtime +"$BACKUP_KEEP_DAYS" -delete
  sleep "$((BACKUP_INTERVAL_HOURS * 3600))" & wait $!
done
`;

/**
 * Restore a dump: restore.sh <file in /backups> [database]. Into another database (created when
 * missing) to check a backup; into the platform's own database only with the services stopped.
 */
const RESTORE_SH = `#!/bin/sh
set -eu
file="${BACKUP_DIR}/\${1:?usage: restore.sh <dump file name> [database]}"
db="\${2:-$PGDATABASE}"
PGUSER=$(cat ${SCRIPTS}/postgres_user); PGPASSWORD=$(cat ${SCRIPTS}/postgres_password)
export PGUSER PGPASSWORD
if [ -z "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
  createdb "$db"
fi
pg_restore --clean --if-exists --no-owner --exit-on-error --dbname="$db" "$file"
echo "restore: $file into $db"
`;

/**
 * PostgreSQL backups: a container that runs `pg_dump` (custom format) at start and every
 * `intervalHours`, into the `postgres-backups` volume (kept when the stack is destroyed), and keeps
 * `keepDays` days of dumps. `restore.sh` restores one (infra/README.md, "Backups").
 */
export class PostgresBackup extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly volume: docker.Volume;

  constructor(name: string, args: PostgresBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:PostgresBackup', name, {}, opts);
    this.volume = retainedVolume(`${name}s`, this);
    const files = new FileVolume(
      `${name}-files`,
      {
        dir: SCRIPTS,
        files: {
          'backup.sh': BACKUP_SH,
          'restore.sh': RESTORE_SH,
          postgres_user: args.user,
          postgres_password: args.password,
        },
      },
      { parent: this },
    );
    this.container = new docker.Container(
      name,
      {
        name,
        image: args.image,
        entrypoints: ['/bin/sh', files.paths['backup.sh'] ?? ''],
        envs: [
          'PGHOST=postgres',
          `PGDATABASE=${args.database}`,
          `BACKUP_INTERVAL_HOURS=${String(args.intervalHours)}`,
          `BACKUP_KEEP_DAYS=${String(args.keepDays)}`,
        ],
        volumes: [{ volumeName: this.volume.name, containerPath: BACKUP_DIR }, files.mount],
        uploads: files.uploads,
        ...HARDENED,
        networksAdvanced: [{ name: args.network.name }],
        restart: 'unless-stopped',
        ...LOG_ROTATION,
        memory: 256,
        cpus: '0.5',
      },
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({ volume: this.volume.name });
  }
}
