/**
 * --staged and --git through the whole pipeline: the mails git gives are read back as the
 * patches and series they are.
 */
import { review } from '../../src/index.js';
import { rangeInput } from '../../src/git/range.js';
import { isInputError } from '../../src/git/repository.js';
import { stagedInput } from '../../src/git/staged.js';
import { isolateGitConfig, TempRepo } from './temp-repo.js';

beforeAll(isolateGitConfig);

const DRIVER = ['#include <linux/module.h>', '', 'static int counter;', '', 'int counter_get(void)', '{', '\treturn counter;', '}', ''].join('\n');

describe('git inputs in the pipeline', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.commit('counter: add the driver', { 'drivers/misc/counter.c': DRIVER });
    repo.commit('counter: add a reset\n\nSigned-off-by: Ada Tester <ada@example.org>', {
      'drivers/misc/counter.c': DRIVER + '\nvoid counter_reset(void)\n{\n\tcounter = 0;\n}\n',
    });
    repo.commit('counter: document it\n\nSigned-off-by: Ada Tester <ada@example.org>', {
      'Documentation/misc/counter.rst': 'The counter\n===========\n',
      'drivers/misc/counter.c': `/* The counter driver. */\n${DRIVER}\nvoid counter_reset(void)\n{\n\tcounter = 0;\n}\n`,
    });
  });
  afterEach(() => repo.remove());

  it('reviews --git HEAD~2.. as a series of two, in order', async () => {
    const inputs = await rangeInput(repo.dir, 'HEAD~2..');
    if (isInputError(inputs)) throw new Error(inputs.message);
    const result = await review(inputs);
    expect(result.errors).toEqual([]);
    expect(result.patches.map((entry) => [entry.patch.series, entry.patch.title, entry.patch.author])).toEqual([
      [{ version: 1, number: 1, total: 2 }, 'counter: add a reset', 'Ada Tester <ada@example.org>'],
      [{ version: 1, number: 2, total: 2 }, 'counter: document it', 'Ada Tester <ada@example.org>'],
    ]);
    expect(result.patches[1].patch.files.map((file) => file.path)).toEqual(['Documentation/misc/counter.rst', 'drivers/misc/counter.c']);
    expect(result.patches[0].patch.files[0].postImage?.addedLines).toEqual(new Set([9, 10, 11, 12, 13]));
  });

  it('reviews the staged change as one patch, and nothing when nothing is staged', async () => {
    repo.write('drivers/misc/counter.c', repo.read('drivers/misc/counter.c').replace('counter = 0;', 'counter = 1;'));
    repo.git('add', '-u');
    const inputs = await stagedInput(repo.dir);
    if (isInputError(inputs)) throw new Error(inputs.message);
    const result = await review(inputs);
    expect(result.errors).toEqual([]);
    expect(result.patches).toHaveLength(1);
    expect(result.patches[0].patch.series).toBeNull();
    expect(result.patches[0].patch.author).toBe('Ada Tester <ada@example.org>');
    expect(result.patches[0].patch.title).toBe('staged changes');
    expect(result.patches[0].patch.files[0].postImage?.addedLines).toEqual(new Set([13]));

    repo.git('commit', '-q', '--no-verify', '-m', 'counter: start at one');
    const nothing = await stagedInput(repo.dir);
    if (isInputError(nothing)) throw new Error(nothing.message);
    expect(await review(nothing)).toMatchObject({ patches: [], errors: [] });
  });
});
