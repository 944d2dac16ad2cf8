import { createLogUpdate } from 'log-update';
import { emitKeypressEvents } from 'node:readline';
import type { CliIo } from '../command.js';
import { screen } from './top-screen.js';
import { REFRESH_MS, SORTS, sortSteps, type TopView } from './top-view.js';

// The terminal's alternate screen, as top and less use: leaving it gives the shell back as it was.
const ENTER_ALT = '\u001b[?1049h\u001b[H';
const LEAVE_ALT = '\u001b[?1049l';

/** The full-screen view: redrawn each second; `q` quits, `s` changes the order, `p` holds the figures. */
export function topTerminal(
  io: CliIo,
  url: string,
  first: TopView,
  poll: () => Promise<TopView>,
  count?: number,
): Promise<number> {
  const out = io.stdout as NodeJS.WriteStream;
  const stdin = process.stdin;
  let view = first;
  let sort = 0;
  let paused = false;
  let problem: string | undefined;
  let polls = 1;
  out.write(ENTER_ALT);
  const log = createLogUpdate(out);
  const draw = () =>
    log(screen(view, sortSteps(view.steps, SORTS[sort]!), { url, sort: SORTS[sort]!, paused, problem }));

  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const quit = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stdin.off('keypress', onKey);
      stdin.setRawMode(false);
      stdin.pause();
      out.off('resize', draw);
      process.off('SIGTERM', quit).off('SIGHUP', quit);
      log.done();
      out.write(LEAVE_ALT);
      resolve(0);
    };
    const onKey = (text: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
      const name = key?.name ?? text;
      if (name === 'q' || (key?.ctrl === true && name === 'c')) return quit();
      if (name === 's') sort = (sort + 1) % SORTS.length;
      else if (name === 'p') paused = !paused;
      else return;
      draw();
    };
    const tick = async () => {
      try {
        const next = await poll();
        problem = undefined;
        // Paused, the figures shown stay; the polls go on so the rates after it are true.
        if (!paused) view = next;
      } catch (err) {
        problem = (err as Error).message;
      }
      if (done) return;
      draw();
      if (count !== undefined && ++polls >= count) return quit();
      timer = setTimeout(() => void tick(), REFRESH_MS);
    };
    emitKeypressEvents(stdin);
    stdin.setRawMode(true);
    stdin.on('keypress', onKey).resume();
    out.on('resize', draw);
    process.once('SIGTERM', quit).once('SIGHUP', quit);
    draw();
    if (count === 1) return quit();
    timer = setTimeout(() => void tick(), REFRESH_MS);
  });
}
