import { type ChildProcess, spawn } from 'node:child_process';

/** A TypeScript script run as a child process, with its stdout lines observable. */
export interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  /** Resolves when a line equal to `line` has been printed. */
  waitFor(line: string, timeoutMs?: number): Promise<void>;
}

export function runTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.line === line)) w.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    exited,
    waitFor: async (line, timeoutMs = 20_000) =>
      lines.includes(line)
        ? undefined
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`child never printed "${line}"; got ${JSON.stringify(lines)}`)),
              timeoutMs,
            );
            waiters.push({
              line,
              resolve: () => {
                clearTimeout(timer);
                resolve();
              },
            });
          }),
  };
}
