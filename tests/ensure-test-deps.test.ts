import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repo } from './cli-helpers.js';

// scripts/ensure-test-deps.sh, which `pnpm test` runs first, against lists of its own, in temp
// dirs outside the repository. Installing a real Debian package is what it does on a fresh
// machine; here an apt-get on PATH stands for one, so that nothing on this machine changes.
const script = path.join(repo, 'scripts/ensure-test-deps.sh');
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function sandbox(tools: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-deps-'));
  dirs.push(dir);
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  // Only what the script (and the stand-in apt-get) needs: no apt-get unless one is given.
  for (const tool of ['bash', 'dirname', 'id', 'true', 'mkdir', 'chmod'])
    await symlink(`/usr/bin/${tool}`, path.join(bin, tool));
  for (const [name, text] of Object.entries(tools)) {
    await writeFile(path.join(bin, name), `#!/usr/bin/bash\n${text}\n`);
    await chmod(path.join(bin, name), 0o755);
  }
  return { dir, bin };
}

function ensure(dir: string, bin: string, list: string) {
  const env = { PATH: bin, TAPLINE_TEST_DEPS: path.join(dir, 'deps.txt'), SANDBOX: dir };
  return writeFile(env.TAPLINE_TEST_DEPS, list).then(
    () =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile('/usr/bin/bash', [script], { cwd: dir, env }, (err, _stdout, stderr) =>
          resolve({ code: err === null ? 0 : Number(err.code), stderr }),
        ),
      ),
  );
}

// Records its calls; `install` makes each package's executable under $SANDBOX/installed.
const APT = [
  'echo "$*" >> "$SANDBOX/apt.log"',
  '[ "$1" = install ] || exit 0',
  'shift; mkdir -p "$SANDBOX/installed"',
  'for p in "$@"; do [ "$p" = -y ] && continue; printf "#!/usr/bin/bash\\n" > "$SANDBOX/installed/$p"; chmod +x "$SANDBOX/installed/$p"; done',
].join('\n');
const SUDO = '[ "$1" = -n ] && shift; exec "$@"';

describe('scripts/ensure-test-deps.sh', () => {
  it('does nothing when every listed program is there', async () => {
    const { dir, bin } = await sandbox({
      'apt-get': 'echo called >> "$SANDBOX/apt.log"; exit 1',
      sudo: SUDO,
    });
    const result = await ensure(dir, bin, '# comment\n/usr/bin/bash bash\n');
    expect(result).toEqual({ code: 0, stderr: '' });
    await expect(readFile(path.join(dir, 'apt.log'), 'utf8')).rejects.toThrow();
  });

  it('installs what is missing with apt-get update, then apt-get install, and checks it is there', async () => {
    const { dir, bin } = await sandbox({ 'apt-get': APT, sudo: SUDO });
    const list = `/usr/bin/bash bash\n${dir}/installed/tool-a tool-a\n${dir}/installed/tool-b tool-b\n`;
    const result = await ensure(dir, bin, list);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('installing tool-a tool-b');
    expect(await readFile(path.join(dir, 'apt.log'), 'utf8')).toBe('update\ninstall -y tool-a tool-b\n');
  });

  it('fails loudly, naming the packages, when it cannot install them', async () => {
    const noApt = await sandbox();
    const missing = await ensure(noApt.dir, noApt.bin, '/nowhere/tool tool-pkg\n');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('need the Debian package(s): tool-pkg');
    expect(missing.stderr).toContain('no apt-get');

    const failing = await sandbox({ 'apt-get': '[ "$1" = update ] && exit 0; exit 100', sudo: SUDO });
    const broken = await ensure(failing.dir, failing.bin, '/nowhere/tool tool-pkg\n');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('apt-get install failed');

    const empty = await sandbox({ 'apt-get': 'exit 0', sudo: SUDO });
    const notThere = await ensure(empty.dir, empty.bin, '/nowhere/tool tool-pkg\n');
    expect(notThere.code).toBe(1);
    expect(notThere.stderr).toContain('tool-pkg was installed but /nowhere/tool is still missing');
  });

  it("lists chromium, which the dashboard test drives, in the repository's own list", async () => {
    expect(await readFile(path.join(repo, 'scripts/test-deps.txt'), 'utf8')).toMatch(
      /^\/usr\/bin\/chromium chromium$/m,
    );
  });
});
