import { analyseFunction, type FunctionAnalysis } from '../../src/analysis/ownership/engine.js';
import { judgeLeaks } from '../../src/analysis/ownership/leaks.js';
import { analysePatch } from '../../src/analysis/ownership/patch-analysis.js';
import { returnKindOf } from '../../src/analysis/ownership/patch-analysis.js';
import { FunctionSummaries } from '../../src/analysis/ownership/summaries.js';
import { buildCSource } from '../../src/parsers/c.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';
import { modifiedFileChange } from '../helpers/file-change.js';
import { cfgOf, functionNamed } from './build.js';
import { lineOf } from './line-of.js';

beforeAll(async () => {
  await initTreeSitter();
});

interface ExitSummary {
  line: number | null;
  kind: string;
  category: string;
  outcomes: string[];
}

function analyse(code: string, name: string, budget?: number): { analysis: FunctionAnalysis; exits: ExitSummary[]; leakLines: (number | null)[] } {
  const { cfg, source } = cfgOf(code, name);
  try {
    const analysis = analyseFunction({
      cfg,
      returnKind: returnKindOf(functionNamed(source, name)),
      summaries: new FunctionSummaries([source]),
      inherited: [],
      isUnseenRow: (row) => source.postLineOfRow(row) === null,
      budget,
    });
    const exits = analysis.exits.map((exit) => ({
      line: source.postLineOfRow(exit.node.row),
      kind: exit.node.kind,
      category: exit.category,
      outcomes: exit.outcomes.map((outcome) => `${analysis.sites[outcome.site].api}:${outcome.state}`),
    }));
    const leaks = judgeLeaks(analysis, { wholeFileShown: true, fieldReleased: () => false, heldAcrossCalls: () => null });
    return { analysis, exits, leakLines: leaks.map((leak) => (leak.exit ? source.postLineOfRow(leak.exit.row) : null)) };
  } finally {
    source.free();
  }
}

describe('acquire/release engine', () => {
  it('an ERR_PTR result is not held on the IS_ERR() branch', () => {
    const code = `static int f(const void __user *u, size_t n)
{
	void *buf = memdup_user(u, n);

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	consume(buf, n);
	kfree(buf);
	return 0;
}
`;
    const { exits } = analyse(code, 'f');
    expect(exits).toEqual(
      expect.arrayContaining([
        { line: lineOf(code, 'return PTR_ERR(buf);'), kind: 'return', category: 'error', outcomes: [] },
        { line: lineOf(code, 'return 0;'), kind: 'return', category: 'success', outcomes: ['memdup_user:released'] },
      ]),
    );
  });

  it('kernel_thread() takes the module reference along only when it succeeds', () => {
    const code = `static int start(int (*fn)(void *), void *arg)
{
	int pid;

	if (!try_module_get(THIS_MODULE))
		return -EBUSY;
	pid = kernel_thread(fn, arg, 0);
	if (pid < 0)
		return pid;
	return 0;
}
`;
    const { exits, leakLines } = analyse(code, 'start');
    expect(exits.find((exit) => exit.line === lineOf(code, 'return pid;'))?.outcomes).toEqual(['try_module_get:held']);
    expect(exits.find((exit) => exit.line === lineOf(code, 'return 0;'))?.outcomes).toEqual(['try_module_get:handed-off']);
    expect(exits.find((exit) => exit.line === lineOf(code, 'return -EBUSY;'))?.outcomes).toEqual([]);
    // Held on the error path, handed off on the other: the error path leaks.
    expect(leakLines).toEqual([lineOf(code, 'return pid;')]);
  });

  it('two tests of the same key agree: the path that takes the lock releases it', () => {
    const code = `static void f(struct foo *foo, bool locked)
{
	if (!locked)
		mutex_lock(&foo->lock);
	foo->n++;
	if (!locked)
		mutex_unlock(&foo->lock);
}
`;
    const { exits } = analyse(code, 'f');
    expect(exits.map((exit) => exit.outcomes.join(',')).sort()).toEqual(['', 'mutex_lock:released']);
  });

  it('says nothing when the path budget runs out', () => {
    const code = `static int f(struct foo *foo)
{
	char *p = kmalloc(16, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	if (foo->a)
		return -EINVAL;
	kfree(p);
	return 0;
}
`;
    expect(analyse(code, 'f').leakLines).toEqual([lineOf(code, 'return -EINVAL;')]);
    const bounded = analyse(code, 'f', 3);
    expect(bounded.analysis.complete).toBe(false);
    expect(bounded.leakLines).toEqual([]);
  });

  it('a stored pointer is handed off; a pointer kept in a local structure is not', () => {
    const code = `static int f(struct foo *foo)
{
	struct foo_args args = {};
	char *p = kmalloc(16, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	args.buf = p;
	if (foo->a) {
		foo->buf = p;
		return 0;
	}
	return 0;
}
`;
    const { exits } = analyse(code, 'f');
    expect(exits.map((exit) => `${exit.line}:${exit.outcomes.join(',')}`).sort()).toEqual([
      `${lineOf(code, 'return 0;', 1)}:kmalloc:handed-off`,
      `${lineOf(code, 'return 0;', 2)}:kmalloc:held`,
      `${lineOf(code, 'return -ENOMEM;')}:`,
    ]);
  });
});

describe('functions the patch shows in part', () => {
  it('a goto to a label the hunk does not show judges nothing on that path', async () => {
    const file = modifiedFileChange('drivers/misc/foo.c', [
      {
        newStart: 200,
        sectionHeading: 'static int foo_probe(struct platform_device *pdev)',
        lines: [
          ' \tbuf = kzalloc(64, GFP_KERNEL);',
          ' \tif (!buf)',
          ' \t\treturn -ENOMEM;',
          '+\tif (foo_quirk(pdev))',
          '+\t\tgoto err_free;',
          ' \tret = foo_init(pdev, buf);',
          ' \tif (ret) {',
          ' \t\tkfree(buf);',
          ' \t\treturn ret;',
          ' \t}',
        ],
      },
    ]);
    const source = buildCSource(file);
    if (source === null) throw new Error('no source');
    const current = { sources: [source] };
    try {
      expect(analysePatch(current, [current]).leaks).toEqual([]);
    } finally {
      source.free();
    }
  });
});
