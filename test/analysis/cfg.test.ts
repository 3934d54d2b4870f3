import { enumeratePaths } from '../../src/analysis/flow/paths.js';
import type { Cfg } from '../../src/analysis/flow/cfg.js';
import type { CSource } from '../../src/model/source.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';
import { cfgOf } from './build.js';
import { lineOf } from './line-of.js';

beforeAll(async () => {
  await initTreeSitter();
});

/** Each path as the post-image lines it passes and how it ends. */
function pathsOf(code: string, name: string): { lines: number[]; end: string }[] {
  const { cfg, source } = cfgOf(code, name);
  try {
    return describePaths(cfg, source);
  } finally {
    source.free();
  }
}

function describePaths(cfg: Cfg, source: CSource): { lines: number[]; end: string }[] {
  return enumeratePaths(cfg).map((path) => ({
    lines: path.rows.map((row) => source.postLineOfRow(row) ?? -1),
    end: `${path.end.kind}@${source.postLineOfRow(path.end.row)}`,
  }));
}

const ends = (paths: { end: string }[]): string[] => paths.map((path) => path.end).sort();

describe('control-flow graph', () => {
  it('if/else gives one path per branch', () => {
    const code = `int f(int a)
{
	if (a)
		x();
	else
		y();
	return 0;
}
`;
    const paths = pathsOf(code, 'f');
    expect(paths).toHaveLength(2);
    expect(paths.map((path) => path.lines)).toEqual(expect.arrayContaining([[3, 4, 7], [3, 6, 7]]));
  });

  it('&& and || are taken apart into separate tests', () => {
    const code = `int f(int a, int b)
{
	if (a && b)
		return 1;
	return 0;
}
`;
    expect(ends(pathsOf(code, 'f'))).toEqual(['return@4', 'return@5', 'return@5']);
  });

  it('switch falls through from case to case and goes past the end without default', () => {
    const code = `int f(int a)
{
	switch (a) {
	case 1:
		one();
	case 2:
		two();
		break;
	case 3:
		return 3;
	}
	return 0;
}
`;
    const paths = pathsOf(code, 'f');
    expect(paths.map((path) => path.lines)).toEqual(
      expect.arrayContaining([
        [lineOf(code, 'one();'), lineOf(code, 'two();'), lineOf(code, 'return 0;')],
        [lineOf(code, 'two();'), lineOf(code, 'return 0;')],
        [lineOf(code, 'return 3;')],
        [lineOf(code, 'return 0;')],
      ]),
    );
    expect(paths).toHaveLength(4);
  });

  it('loops run zero or one time', () => {
    const code = `int f(int n)
{
	int i;

	for (i = 0; i < n; i++)
		work(i);
	return 0;
}
`;
    const paths = pathsOf(code, 'f');
    expect(paths).toHaveLength(2);
    expect(paths.some((path) => path.lines.includes(lineOf(code, 'work(i);')))).toBe(true);
    expect(paths.some((path) => !path.lines.includes(lineOf(code, 'work(i);')))).toBe(true);
  });

  it('an endless loop is only left by break', () => {
    const code = `int f(void)
{
	for (;;) {
		if (done())
			break;
		work();
	}
	return 0;
}
`;
    expect(ends(pathsOf(code, 'f'))).toEqual(['dead@3', 'return@8']);
  });

  it('goto follows the unwinding ladder from its label', () => {
    const code = `int f(void)
{
	int err;

	err = a();
	if (err)
		goto err_a;
	err = b();
	if (err)
		goto err_b;
	return 0;
err_b:
	undo_a();
err_a:
	return err;
}
`;
    const paths = pathsOf(code, 'f');
    expect(paths.map((path) => path.lines)).toEqual(
      expect.arrayContaining([
        [5, 6, lineOf(code, 'return err;')],
        [5, 6, 8, 9, lineOf(code, 'undo_a();'), lineOf(code, 'return err;')],
        [5, 6, 8, 9, lineOf(code, 'return 0;')],
      ]),
    );
  });

  it('a goto to a label the snippet does not show ends in unknown', () => {
    const code = `int f(void)
{
	if (a())
		goto elsewhere;
	return 0;
}
`;
    expect(ends(pathsOf(code, 'f'))).toEqual(['return@5', 'unknown@4']);
  });

  it('do_exit() ends the task, panic() and BUG_ON() crash, and a __noreturn prototype of the patch exits', () => {
    const code = `void fatal_error(int code) __noreturn;

int f(int a)
{
	BUG_ON(!a);
	if (a == 1)
		do_exit(0);
	if (a == 2)
		panic("bad");
	if (a == 3)
		fatal_error(a);
	return 0;
}
`;
    expect(ends(pathsOf(code, 'f'))).toEqual(['crash@5', 'crash@9', 'exit-call@11', 'exit-call@7', 'return@12']);
  });

  it('#ifdef/#else branches are alternatives', () => {
    const code = `int f(void)
{
#ifdef CONFIG_FOO
	foo();
#else
	bar();
#endif
	return 0;
}
`;
    const paths = pathsOf(code, 'f');
    expect(paths.map((path) => path.lines)).toEqual(expect.arrayContaining([[4, 8], [6, 8]]));
  });

  it('for_each_child_of_node() takes and drops the reference of its variable', () => {
    const code = `int f(struct device_node *np)
{
	struct device_node *child;

	for_each_child_of_node(np, child) {
		if (match(child))
			break;
	}
	return 0;
}
`;
    const { cfg, source } = cfgOf(code, 'f');
    const iterate = cfg.nodes.flatMap((node) => node.events).filter((event) => event.type === 'iterate');
    source.free();
    expect(iterate.map((event) => (event.type === 'iterate' ? `${event.phase}:${event.variable}` : ''))).toEqual(
      expect.arrayContaining(['enter:child', 'leave:child']),
    );
  });

  it('__free() declarations are remembered as released by the compiler', () => {
    const code = `int f(size_t len)
{
	char *buf __free(kfree) = kmalloc(len, GFP_KERNEL);

	return buf ? 0 : -ENOMEM;
}
`;
    const { cfg, source } = cfgOf(code, 'f');
    source.free();
    expect([...cfg.autoManaged]).toEqual(['buf']);
  });
});
