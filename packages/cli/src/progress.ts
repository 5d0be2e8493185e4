/** One status line on stderr while a model loads and runs — only when stderr is a terminal. */
import type { CliStream } from './io.js';

export interface Progress {
  update(message: string): void;
  /** Erases the line. */
  done(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(stream: CliStream, enabled: boolean): Progress {
  if (!enabled || !stream.isTTY) return { update() {}, done() {} };
  let message = '';
  let frame = 0;
  let shown = false;
  const started = Date.now();
  const draw = () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    const line = `${FRAMES[frame++ % FRAMES.length]} ${message} (${seconds}s)`;
    stream.write(`\r\x1b[K${line.slice(0, width)}`);
    shown = true;
  };
  const timer = setInterval(draw, 120);
  (timer as { unref?: () => void }).unref?.();
  return {
    update(next) {
      message = next;
      draw();
    },
    done() {
      clearInterval(timer);
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
