import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CSource, Node } from '../../src/model/source.js';
import type { FileChange } from '../../src/model/types.js';
import { buildCSource, buildCText } from '../../src/parsers/c.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { initTreeSitter, parseC, ParseTimeoutError } from '../../src/parsers/treesitter.js';
import { modifiedFileChange, newFileChange } from '../helpers/file-change.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedDir = path.resolve(repoRoot, '../shared');
const seedMbox = path.join(sharedDir, 'seed/0008-introduce-functions-to-restart-a-process.mbox');

const sources: CSource[] = [];

beforeAll(async () => {
  await initTreeSitter();
});

afterAll(() => {
  for (const source of sources) source.free();
});

function build(file: FileChange): CSource {
  const source = buildCSource(file);
  if (source === null) throw new Error('no post image');
  sources.push(source);
  return source;
}

/** Every ERROR or MISSING node, as "row: text", for readable failures. */
function errorsOf(source: CSource): string[] {
  const found: string[] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) found.push(`${node.startPosition.row}: ${node.type} ${node.text}`);
    for (const child of node.children) if (child !== null && (child.hasError || child.isMissing)) visit(child);
  };
  if (source.tree.rootNode.hasError) visit(source.tree.rootNode);
  return found;
}

function nodesOfType(node: Node, type: string): Node[] {
  return node.descendantsOfType(type).filter((found): found is Node => found !== null);
}

function callNamed(node: Node, name: string): Node {
  const call = nodesOfType(node, 'call_expression').find((found) => found.childForFieldName('function')?.text === name);
  if (call === undefined) throw new Error(`no call to ${name}`);
  return call;
}

const context = (lines: string[]) => lines.map((line) => ` ${line}`);
const added = (lines: string[]) => lines.map((line) => `+${line}`);

describe('a hunk that starts inside a function', () => {
  const file = () =>
    modifiedFileChange('drivers/misc/foo.c', [
      {
        newStart: 120,
        sectionHeading: 'static int foo_probe(struct platform_device *pdev)',
        lines: [
          ...context(['\tstruct foo_priv *priv;', '']),
          ...added(['\tpriv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);', '\tif (!priv)', '\t\treturn -ENOMEM;']),
          '-\tpriv = kzalloc(sizeof(*priv), GFP_KERNEL);',
          ...context(['', '\tplatform_set_drvdata(pdev, priv);', '\treturn 0;', '}']),
        ],
      },
    ]);

  it('parses with the heading as the function head, without errors', () => {
    const source = build(file());
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine, fn.complete])).toEqual([
      ['foo_probe', 120, 128, false],
    ]);
    expect(source.synthesized.join('; ')).toMatch(/signature from @@ line before line 120/);
  });

  it('keeps the hunk statements in the function body at their post-image lines', () => {
    const source = build(file());
    const body = source.functions[0].node.childForFieldName('body');
    expect(body).not.toBeNull();
    const call = callNamed(body as Node, 'devm_kzalloc');
    expect(source.postLineOfRow(call.startPosition.row)).toBe(122);
    expect(source.isAdded(122)).toBe(true);
    expect(source.postLineOfRow(callNamed(body as Node, 'platform_set_drvdata').startPosition.row)).toBe(126);
    expect(source.postLineOfRow(source.functions[0].node.startPosition.row)).toBeNull();
    expect(source.postLineOfRow(source.functions[0].node.endPosition.row)).toBe(128);
  });

  it('opens as many blocks as the hunk closes', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 40,
          sectionHeading: 'static void foo_work(struct work_struct *work)',
          lines: context(['\t\t\tfoo_handle(dev);', '\t\t}', '\t}', '\tmutex_unlock(&dev->lock);', '}']),
        },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine])).toEqual([['foo_work', 40, 44]]);
  });

  it('closes what a hunk that ends inside a function leaves open, and says so', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 10,
          lines: [
            ...context(['static int foo_open(struct inode *inode, struct file *file)', '{', '\tif (!file) {']),
            ...added(['\t\tpr_err("no file\\n");', '\t\treturn -EINVAL;']),
          ],
        },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine, fn.complete])).toEqual([
      ['foo_open', 10, 14, false],
    ]);
    expect(source.synthesized.join('; ')).toMatch(/2 closing brace\(s\) after line 14/);
  });

  it('uses a neutral function when the heading names none', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        { newStart: 50, sectionHeading: '', lines: context(['\tfoo_reset(dev);', '\treturn 0;', '}']) },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.complete])).toEqual([['', false]]);
  });

  it('completes a signature that git cut in the heading', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 300,
          sectionHeading: 'static int foo_set_mode(struct foo_device *fdev, unsig',
          lines: context(['\tint ret;', '', '\tret = foo_write(fdev, mode);', '\treturn ret;', '}']),
        },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => fn.name)).toEqual(['foo_set_mode']);
  });

  it('continues a signature the hunk starts in the middle of', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 77,
          sectionHeading: 'static int foo_xfer(struct foo_device *fdev,',
          lines: context(['\t\t     const u8 *buf, size_t len)', '{', '\treturn foo_send(fdev, buf, len);', '}']),
        },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine, fn.complete])).toEqual([
      ['foo_xfer', 77, 80, false],
    ]);
  });

  it('finishes a call the hunk starts in the middle of', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 20,
          sectionHeading: 'static int foo_init_hw(struct foo_device *fdev)',
          lines: context(['\t\t\t    FOO_CTRL_ENABLE);', '\tif (ret)', '\t\treturn ret;', '']),
        },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions[0].name).toBe('foo_init_hw');
  });

  it('reopens the if or do a hunk closes in its first line', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 200,
          sectionHeading: 'static void foo_resolve(struct foo_device *fdev)',
          lines: context([
            '\t\t} else if (fdev->failed) {',
            '\t\t\tfdev->up = false;',
            '\t\t} else {',
            '\t\t\tfoo_poll(fdev);',
            '\t\t}',
            '\t} while (foo_busy(fdev));',
            '\tdo {',
            '\t\tret = foo_wait(fdev);',
          ]),
        },
        {
          newStart: 300,
          sectionHeading: 'static void foo_pick(struct foo_device *fdev)',
          lines: context(['\telse if (fdev->mode == FOO_SLOW)', '\t\tfdev->rate = 1;', '\treturn;', '}']),
        },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.synthesized.slice(0, 2)).toEqual([
      'signature from @@ line before line 200 and 2 opening brace(s)',
      '2 closing brace(s) after line 207',
    ]);
    expect(source.text.split('\n')[0]).toBe('static void foo_resolve(struct foo_device *fdev) { do { if (1) {');
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine])).toEqual([
      ['foo_resolve', 200, 207],
      ['foo_pick', 300, 303],
    ]);
  });

  it('reads the entries of an initialiser whose heading git cut before "= {"', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 900,
          sectionHeading: 'static const struct of_device_id foo_of_m',
          lines: [
            ...context(['\t{ .compatible = "vendor,foo-a", .data = &foo_a_data },']),
            ...added(['\t{ .compatible = "vendor,foo-b", .data = &foo_b_data },']),
            ...context(['\t{ /* sentinel */ }', '};', 'MODULE_DEVICE_TABLE(of, foo_of_match);']),
          ],
        },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions).toEqual([]);
  });

  it('maps rows of separate hunks to their own lines, with what it invented in between', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        { newStart: 10, sectionHeading: 'static int foo_a(void)', lines: context(['\treturn 1;', '}']) },
        { newStart: 50, sectionHeading: 'static int foo_b(void)', lines: [...added(['\tfoo();']), ...context(['\treturn 2;', '}'])] },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine])).toEqual([
      ['foo_a', 10, 11],
      ['foo_b', 50, 52],
    ]);
    const rows = source.text.split('\n');
    const mapped = rows.map((_, row) => source.postLineOfRow(row)).filter((line) => line !== null);
    expect(mapped).toEqual([10, 11, 50, 51, 52]);
    expect(source.lineText(50)).toBe('\tfoo();');
  });
});

describe('braces the count must not see', () => {
  it('ignores braces in strings, character literals and comments', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 60,
          sectionHeading: 'static void foo_dump(struct foo_device *fdev)',
          lines: context([
            '\tpr_info("{ state %d }\\n", fdev->state); /* } */',
            "\tif (fdev->open == '{')",
            '\t\tfoo_close(fdev); // }}',
            '\t/* a comment that closes nothing: }',
            '\t */',
            '}',
          ]),
        },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine])).toEqual([['foo_dump', 60, 65]]);
    expect(source.synthesized).toEqual(['signature from @@ line before line 60']);
  });

  it('reads a hunk that starts inside a comment', () => {
    const source = build(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 5,
          lines: context([' * @dev: the device', ' * Returns 0 or a negative errno.', ' */', 'int foo_start(struct device *dev)', '{', '\treturn 0;', '}']),
        },
      ]),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.complete])).toEqual([['foo_start', true]]);
  });

  it('counts only the first branch of an #if whose branches each open the block', () => {
    const source = build(
      newFileChange(
        'drivers/misc/foo.c',
        [
          'static int foo_check(struct foo_device *fdev)',
          '{',
          '#ifdef CONFIG_FOO_FAST',
          '\tif (foo_fast_ready(fdev)) {',
          '#else',
          '\tif (foo_ready(fdev)) {',
          '#endif',
          '\t\tfoo_go(fdev);',
          '\t\treturn 0;',
          '\t}',
          '\treturn -EAGAIN;',
          '}',
          '',
        ].join('\n'),
      ),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine, fn.complete])).toEqual([
      ['foo_check', 1, 12, true],
    ]);
    expect(source.synthesized.join('; ')).toMatch(/#if group\(s\) flattened/);
    // The first branch is parsed; the other branch's line is still readable as the patch shows it.
    expect(() => callNamed(source.tree.rootNode, 'foo_fast_ready')).not.toThrow();
    expect(source.lineText(6)).toBe('\tif (foo_ready(fdev)) {');
  });

  it('leaves #if groups with whole branches as preprocessor nodes', () => {
    const source = build(
      newFileChange(
        'drivers/misc/foo.c',
        ['void foo(void)', '{', '#ifdef CONFIG_FOO', '\tfoo_a();', '#else', '\tfoo_b();', '#endif', '}', ''].join('\n'),
      ),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(nodesOfType(source.tree.rootNode, 'preproc_ifdef')).toHaveLength(1);
    expect(source.synthesized).toEqual([]);
  });
});

describe('kernel macros', () => {
  function parsedFunctionBody(statements: string[]): CSource {
    return build(newFileChange('drivers/misc/foo.c', ['static void foo(struct foo_device *fdev)', '{', ...statements, '}', ''].join('\n')));
  }

  it('parses an iterator macro with a block as a call followed by its body', () => {
    const source = parsedFunctionBody([
      '\tstruct foo_item *item;',
      '',
      '\tlist_for_each_entry(item, &fdev->items, node) {',
      '\t\tfoo_put(item);',
      '\t}',
    ]);
    expect(errorsOf(source)).toEqual([]);
    const call = callNamed(source.tree.rootNode, 'list_for_each_entry');
    expect(call.text).toBe('list_for_each_entry(item, &fdev->items, node)');
    expect(call.childForFieldName('arguments')?.namedChildren.map((argument) => argument?.text)).toEqual([
      'item',
      '&fdev->items',
      'node',
    ]);
    const statement = call.parent;
    expect(statement?.type).toBe('expression_statement');
    expect(statement?.nextNamedSibling?.type).toBe('compound_statement');
    expect(statement?.nextNamedSibling?.text).toContain('foo_put(item);');
    // Columns are kept: the call starts where the line shows it.
    expect(call.startPosition.column).toBe(1);
  });

  it('parses iterator and guard macros whose body is one statement or starts on the next line', () => {
    const source = parsedFunctionBody([
      '\tfor_each_child_of_node(fdev->np, child)',
      '\t\tfoo_add(child);',
      '\tscoped_guard(mutex, &fdev->lock)',
      '\t{',
      '\t\tfdev->count++;',
      '\t}',
      '\tguard(spinlock_irqsave)(&fdev->slock);',
    ]);
    expect(errorsOf(source)).toEqual([]);
    expect(callNamed(source.tree.rootNode, 'for_each_child_of_node').parent?.nextNamedSibling?.text).toBe('foo_add(child);');
    expect(callNamed(source.tree.rootNode, 'scoped_guard').parent?.nextNamedSibling?.type).toBe('compound_statement');
  });

  it('reads annotated functions, keeping the annotation in the line text', () => {
    const source = build(
      newFileChange(
        'drivers/misc/foo.c',
        [
          'static int __init foo_init(void)',
          '{',
          '\treturn platform_driver_register(&foo_driver);',
          '}',
          '',
          'static void __exit foo_exit(void)',
          '{',
          '\tplatform_driver_unregister(&foo_driver);',
          '}',
          '',
          'static long foo_ioctl(struct file *file, void __user *argp, u32 __iomem *reg);',
          'static struct foo_device __rcu *foo_current;',
          'static int foo_table[4] __read_mostly;',
          'static DEFINE_MUTEX(foo_lock);',
          'static LIST_HEAD(foo_list);',
          'EXPORT_SYMBOL_GPL(foo_init);',
          'module_platform_driver(foo_driver);',
          '',
        ].join('\n'),
      ),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine, fn.complete])).toEqual([
      ['foo_init', 1, 4, true],
      ['foo_exit', 6, 9, true],
    ]);
    expect(source.lineText(1)).toBe('static int __init foo_init(void)');
    expect(source.text.split('\n')[0]).toHaveLength('static int __init foo_init(void)'.length);
  });

  it('parses SYSCALL_DEFINEn as a function definition', () => {
    const source = build(
      newFileChange(
        'kernel/foo.c',
        ['SYSCALL_DEFINE2(foo, int, fd, const char __user *, name)', '{', '\treturn do_foo(fd, name);', '}', ''].join('\n'),
      ),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.startLine, fn.endLine, fn.complete])).toEqual([
      ['SYSCALL_DEFINE2', 1, 4, true],
    ]);
  });

  it('parses types passed to macros, case ranges and cleanup attributes', () => {
    const source = parsedFunctionBody([
      '\tstruct foo_item *item = container_of(fdev->cur, struct foo_item, node);',
      '\tstruct foo_buf *buf __free(kfree) = NULL;',
      '\tsize_t size = sizeof(struct foo_item) + offsetof(struct foo_item, data);',
      '\tswitch (item->kind) {',
      '\tcase FOO_A ... FOO_C:',
      '\t\tbreak;',
      '\t}',
    ]);
    expect(errorsOf(source)).toEqual([]);
    expect(callNamed(source.tree.rootNode, 'container_of').childForFieldName('arguments')?.namedChildren).toHaveLength(3);
    expect(source.lineText(7)).toBe('\tcase FOO_A ... FOO_C:');
    const rows = source.text.split('\n');
    expect(rows[4]).toContain('sizeof(struct foo_item) + offsetof(struct foo_item, data)');
    expect(rows.every((row, index) => row.length === (source.lineText(index + 1) ?? '').length)).toBe(true);
  });

  it('reads types of several words passed to macros, and top-level macros without their ";"', () => {
    const source = build(
      newFileChange(
        'drivers/misc/foo.c',
        [
          'static unsigned long foo_span(unsigned long a, unsigned long b)',
          '{',
          '\treturn max_t(unsigned long, a, b) - min_t(unsigned long long, a, b) + (unsigned long)a;',
          '}',
          'EXPORT_SYMBOL(foo_span)',
          '',
          'static int foo_count(void)',
          '{',
          '\treturn 0;',
          '}',
          'module_exit(foo_exit)',
          'MODULE_LICENSE("GPL");',
          '',
        ].join('\n'),
      ),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => fn.name)).toEqual(['foo_span', 'foo_count']);
    expect(callNamed(source.tree.rootNode, 'max_t').childForFieldName('arguments')?.namedChildren[0]?.text).toBe('unsigned_long');
    expect(source.text).toContain('(unsigned long)a');
  });

  it('marks noreturn functions', () => {
    const source = build(
      newFileChange(
        'drivers/misc/foo.c',
        [
          'static void __noreturn foo_die(void)',
          '{',
          '\tfor (;;)',
          '\t\tcpu_relax();',
          '}',
          '',
          'static void __attribute__((noreturn)) foo_halt(void)',
          '{',
          '\tfoo_die();',
          '}',
          '',
          'static void foo_stop(void)',
          '{',
          '}',
          '',
        ].join('\n'),
      ),
    );
    expect(errorsOf(source)).toEqual([]);
    expect(source.functions.map((fn) => [fn.name, fn.noreturn])).toEqual([
      ['foo_die', true],
      ['foo_halt', true],
      ['foo_stop', false],
    ]);
  });
});

describe('buildCSource', () => {
  it('gives null for a file without post image', () => {
    const deleted: FileChange = { ...newFileChange('drivers/misc/gone.c', 'int x;\n'), status: 'deleted', postImage: null };
    expect(buildCSource(deleted)).toBeNull();
  });

  it('lists the defines of the file', () => {
    const source = build(newFileChange('drivers/misc/foo.h', '#define FOO_SIZE\t0x100\n#define FOO_MASK\t(FOO_SIZE - 1)\n'));
    expect(source.defines.map((define) => [define.name, define.numeric, define.line])).toEqual([
      ['FOO_SIZE', 256, 1],
      ['FOO_MASK', 255, 2],
    ]);
  });

  it('builds text whose rows are the post-image lines for a whole file', () => {
    const text = 'int a;\n\nint b;\n';
    const built = buildCText(newFileChange('drivers/misc/foo.c', text));
    expect(built.text).toBe('int a;\n\nint b;');
    expect(built.rowToPostLine).toEqual([1, 2, 3]);
    expect(built.synthesized).toEqual([]);
  });
});

describe('parseC', () => {
  it('reports a parse that runs out of time instead of waiting', () => {
    const big = 'int f(void) { return 1 + (2 * (3 - 4)); }\n'.repeat(20000);
    expect(() => parseC(big, 0)).toThrow(ParseTimeoutError);
    // The parser is usable again afterwards.
    const tree = parseC('int x;');
    expect(tree.rootNode.hasError).toBe(false);
    tree.delete();
  });
});

const describeSeed = existsSync(seedMbox) ? describe : describe.skip;
if (!existsSync(seedMbox)) console.warn(`skipping the seed patch tests: ${seedMbox} is absent`);

describeSeed('the seed patch: cpt/rst_process.c (a new file)', () => {
  function seedSource(): CSource {
    const { files } = parseDiff(readFileSync(seedMbox, 'utf8'), { source: seedMbox, firstInputLine: 1 });
    const file = files.find((candidate) => candidate.path === 'cpt/rst_process.c');
    if (file === undefined) throw new Error('cpt/rst_process.c not in the seed patch');
    return build(file);
  }

  it('parses with no ERROR node', () => {
    expect(errorsOf(seedSource())).toEqual([]);
  });

  it('lists its functions with their lines', () => {
    expect(seedSource().functions.map((fn) => [fn.name, fn.startLine, fn.endLine, fn.complete, fn.noreturn])).toEqual([
      ['local_kernel_thread', 31, 46, true, false],
      ['decode_task_flags', 48, 65, true, false],
      ['rst_restore_task_struct', 67, 82, true, false],
      ['rst_restore_fpustate', 84, 124, true, false],
      ['decode_segment', 126, 147, true, false],
      ['rst_restore_registers', 149, 194, true, false],
      ['restart_thread', 196, 236, true, false],
      ['create_root_task', 237, 262, true, false],
      ['rst_restart_process', 264, 277, true, false],
    ]);
  });

  it('finds HOOK_RESERVE and its value', () => {
    expect(seedSource().defines.map((define) => [define.name, define.numeric, define.line])).toEqual([['HOOK_RESERVE', 256, 22]]);
  });
});
