import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

/** Arguments of {@link FileVolume}. */
export interface FileVolumeArgs {
  /** Where the files appear in the container. */
  dir: string;
  /** File name → content; secret contents stay secrets in the state. */
  files: Record<string, pulumi.Input<string>>;
}

/**
 * Files (credentials, configuration) for a container with a read-only root filesystem: a named
 * volume mounted at `dir` that the container's creation fills through Docker's API (`uploads`).
 * Docker refuses uploads into a read-only root, and an environment variable is readable by anyone
 * who can `docker inspect`; a file in this volume is neither. The files are root's (0644), so the
 * services, which run as uid 1000, can read them but not change them.
 */
export class FileVolume extends pulumi.ComponentResource {
  readonly volume: docker.Volume;
  /** The mount for the container's `volumes`. */
  readonly mount: docker.types.input.ContainerVolume;
  /** The container's `uploads`. */
  readonly uploads: docker.types.input.ContainerUpload[];
  /** Each file's path in the container, by file name. */
  readonly paths: Record<string, string>;

  constructor(name: string, args: FileVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:FileVolume', name, {}, opts);
    this.volume = new docker.Volume(name, { name }, { parent: this });
    this.mount = { volumeName: this.volume.name, containerPath: args.dir };
    this.paths = Object.fromEntries(Object.keys(args.files).map((file) => [file, `${args.dir}/${file}`]));
    this.uploads = Object.entries(args.files).map(([file, content]) => ({
      file: `${args.dir}/${file}`,
      content,
    }));
    this.registerOutputs({ volume: this.volume.name });
  }
}

/** `API_AUTH_TOKEN` → `api_auth_token`: a credential's file name. */
export const secretFileName = (envName: string): string => envName.toLowerCase();
