import cliProgress from 'cli-progress';

/** Where commands write: a terminal (with progress bars) or a buffer in tests. */
export interface Output {
  line(text?: string): void;
  error(text: string): void;
  /** A progress bar for long work; a plain line per update when not on a terminal. */
  progress(label: string, total: number): { update(done: number, detail?: string): void; stop(): void };
}

export function terminalOutput(): Output {
  const tty = Boolean(process.stdout.isTTY);
  return {
    line: (text = '') => process.stdout.write(`${text}\n`),
    error: (text) => process.stderr.write(`${text}\n`),
    progress(label, total) {
      if (!tty) {
        let last = -1;
        return {
          update(done, detail) {
            if (done === last) return;
            last = done;
            process.stdout.write(`${label}: ${done}/${total || '?'}${detail ? ` ${detail}` : ''}\n`);
          },
          stop() {},
        };
      }
      const bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {value}/{total} {detail}`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0, { detail: '' });
      return {
        update: (done, detail = '') => {
          if (done > bar.getTotal()) bar.setTotal(done);
          bar.update(done, { detail });
        },
        stop: () => bar.stop(),
      };
    },
  };
}

/** Captures everything, for tests. */
export function bufferOutput(): Output & { readonly text: () => string } {
  const lines: string[] = [];
  return {
    line: (text = '') => lines.push(text),
    error: (text) => lines.push(text),
    progress: (label, total) => ({ update: (done) => lines.push(`${label}: ${done}/${total}`), stop() {} }),
    text: () => lines.join('\n'),
  };
}
