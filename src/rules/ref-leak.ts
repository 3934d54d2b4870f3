/**
 * ref-leak: a counted reference (task_struct, device, device-tree node, fwnode, kref, kobject,
 * file, dentry, PCI device) or a count kept on a device, clock or regulator (runtime PM usage
 * count, clock prepare/enable count, regulator enable count) that one path drops and another
 * leaves with, a for_each_*() loop left with its node held, or a reference stored in a
 * structure that the patch never puts.
 */
import type { LeakInSource } from '../analysis/ownership/patch-analysis.js';
import { exitPhrase, failureReach, joinWords, mayBeDroppedByHelper, mayBeDroppedThroughContainer, otherEndsPhrase, recordedInStateField, restoresDroppedCount, splitEnds, type LeakStory } from '../analysis/ownership/leak-findings.js';
import { releaseApi, type CountVerbs } from '../analysis/ownership/resources.js';
import { acquireOfSite, type AcquireSite } from '../analysis/ownership/engine.js';
import type { Rule } from './rule.js';
import type { CSource } from '../model/source.js';
import { leakFindings } from './support/leak-rule.js';
import { calleeName, callArguments, nodesOfType } from '../parsers/c-syntax.js';
import { keptForPairedSuspend } from './support/pm-callbacks.js';
import { undoneByCallers } from './support/caller-unwinds.js';

const ID = 'ref-leak';

/** `pm_runtime_put(&pdev->dev)`: the release called on what the site took, written as the acquire wrote it. */
function callOf(release: string, name: string, site: AcquireSite): string {
  const plain = name.replace(/`/g, '');
  return release.replace(/\(\)$/, `(${plain === site.addressOf ? `&${plain}` : plain})`);
}

/**
 * The site's own release as a call: `free_irq(i2c->irq, wm8903)`, with the dev_id the handler was
 * requested with (the engine names it `#cookie:<api>:<dev_id>`).
 */
function ownReleaseCall(found: LeakInSource, story: LeakStory): string {
  const { site } = found.leak;
  const cookie = site.names.find((name) => name.startsWith(`#cookie:${site.wraps ?? site.api}:`))?.split(':').slice(2).join(':');
  const count = bulkCount(found);
  if (count !== null) return site.release.replace(/\(\)$/, `(${count}, ${story.name.replace(/`/g, '')})`);
  return callOf(site.release, cookie === undefined ? story.name : `${story.name.replace(/`/g, '')}, ${cookie}`, site);
}

/** `hda->nclocks` of `clk_bulk_prepare_enable(hda->nclocks, hda->clocks)`: the count its bulk release takes too. */
function bulkCount({ leak, fn }: LeakInSource): string | null {
  if (!/_bulk_/.test(leak.site.release)) return null;
  const call = nodesOfType(fn.node, 'call_expression').find((node) => node.startPosition.row === leak.site.row && calleeName(node) === leak.site.api);
  const count = call === undefined ? undefined : callArguments(call)[0];
  return count === undefined ? null : count.text;
}

/**
 * The release to suggest: the table's (`clk_disable_unprepare(priv->clk)`), or, for what a
 * wrapper of the patch took, the wrapper the other paths release it with (`foo_put()`).
 */
function releaseToCall(found: LeakInSource, story: LeakStory): string {
  const { leak } = found;
  if (leak.site.wraps !== undefined) {
    const helpers = [...new Set(splitEnds(leak.otherEnds).released.map((end) => end.via).filter((via) => releaseApi(via) === undefined))];
    if (helpers.length === 1) return `${helpers[0]}()`;
  }
  return ownReleaseCall(found, story);
}

function iterationComment(found: LeakInSource, story: LeakStory): string {
  const { leak } = found;
  const release = callOf(leak.site.release, story.name, leak.site);
  return (
    `${story.exitClause} leaves the ${leak.site.api}() loop at line ${story.acquireLine} with its reference on ${story.name} still held; the loop drops it only when it moves on or runs to its end. ` +
    `Please call ${release} first (or use the _scoped variant of the loop).`
  );
}

/** "`clk`" (still enabled), "the runtime PM usage count on `dev`", "the reference on the device node (`np`)". */
function heldThing(found: LeakInSource, story: LeakStory): string {
  const count = acquireOfSite(found.leak.site)?.count;
  // "`priv->clk` still enabled" says it all; a usage count is named.
  if (count?.state === 'enabled') return story.name;
  return count ? `the ${found.leak.site.noun} on ${story.name}` : `the ${found.leak.site.noun} (${story.name})`;
}

/** "taken by of_find_node_by_path() at line 416", "enabled by clk_prepare_enable() at line 483". */
function takenBy(found: LeakInSource, story: LeakStory, verb: string): string {
  const acquired = story.acquireLine === null ? '' : ` at line ${story.acquireLine}`;
  return `${verb} by ${found.leak.site.api}()${acquired}`;
}

/** "dropped by the clk_disable_unprepare() at line 27 or handed on by the store at line 30". */
function otherPaths(found: LeakInSource, dropped: string): string {
  const { released, handedOff } = splitEnds(found.leak.otherEnds);
  const ends: string[] = [];
  if (released.length > 0) ends.push(`${dropped} by ${otherEndsPhrase(released, found.source)}`);
  if (handedOff.length > 0) ends.push(`handed on by ${otherEndsPhrase(handedOff, found.source)}`);
  return ends.join(' or ');
}

/** A count kept on a device, clock or regulator: "this return leaves with `clk` still enabled ...". */
function countComment(found: LeakInSource, story: LeakStory, verbs: CountVerbs): string {
  const { leak } = found;
  const problem =
    `${story.exitClause} ${story.leaves} with ${heldThing(found, story)} still ${verbs.state} (${takenBy(found, story, 'taken')}); ` +
    `the other paths have it ${otherPaths(found, verbs.dropped)}.`;
  const kept = acquireOfSite(leak.site)?.heldOnFailure;
  const reach = kept === undefined ? 'no' : failureReach(found);
  const instead = kept?.instead === undefined ? '' : `, or use ${kept.instead}`;
  if (kept !== undefined && reach === 'only') {
    return `${problem} ${leak.site.api}() takes it even when it fails: please call ${callOf(kept.release, story.name, leak.site)} here${instead}.`;
  }
  const unlike = kept?.instead === undefined ? '' : `, unlike ${kept.instead}`;
  const alsoOnFailure = kept !== undefined && reach === 'also' ? `, also on its failure branch: ${leak.site.api}() takes it even when it fails${unlike}` : '';
  return `${problem} Shouldn't this path call ${releaseToCall(found, story)} too${alsoOnFailure}?`;
}

function inconsistentComment(found: LeakInSource, story: LeakStory): string {
  const { leak } = found;
  const verbs = acquireOfSite(leak.site)?.count;
  if (verbs !== undefined) return countComment(found, story, verbs);
  return (
    `${story.exitClause} ${story.leaves} with ${heldThing(found, story)} still held (${takenBy(found, story, 'taken')}); ` +
    `the other paths have it ${otherPaths(found, 'put')}. Shouldn't this path call ${releaseToCall(found, story)} too?`
  );
}

/** Nothing in the function drops it, and this error exit leaves with it. */
function neverComment(found: LeakInSource, story: LeakStory): string {
  const { leak } = found;
  const count = acquireOfSite(leak.site)?.count;
  const state = count ? count.state : 'held';
  return (
    `${story.exitClause} ${story.leaves} with ${heldThing(found, story)} still ${state} (${takenBy(found, story, 'taken')}), and nothing in ${story.functionName}() ${count ? count.drop : 'drops'} it. ` +
    `Shouldn't it call ${ownReleaseCall(found, story)} first?`
  );
}

/**
 * A reference nothing in the function puts, returns or hands on: at its last use, naming the
 * exits that leave with it; else at the first such exit.
 */
function leftHeldComment(found: LeakInSource, story: LeakStory): string {
  const { leak, source } = found;
  const taken = `the ${leak.site.noun} ${leak.site.api}() took${story.acquireLine === null ? '' : ` at line ${story.acquireLine}`}`;
  const useLine = leak.lastUse === undefined ? null : source.postLineOfRow(leak.lastUse.row);
  if (useLine !== null && useLine === story.place.line && leak.heldExits !== undefined) {
    const exits = leak.heldExits.map((exit) => exitPhrase(exit, source.postLineOfRow(exit.row), story.functionName, false));
    const listed = exits.length > 3 ? `${exits.slice(0, 3).join(', ')} and ${exits.length - 3} more exits` : joinWords(exits);
    return (
      `${story.name} is not used after this ${leak.lastUseCall ?? ''}() call, but nothing in ${story.functionName}() puts ${taken}: ` +
      `${listed} ${exits.length === 1 ? 'leaves' : 'leave'} with it still held. Shouldn't ${ownReleaseCall(found, story)} follow this use?`
    );
  }
  return (
    `${story.exitClause} ${story.leaves} with ${heldThing(found, story)} still held (${takenBy(found, story, 'taken')}), and nothing in ${story.functionName}() puts it, returns it or hands it on. ` +
    `Shouldn't it call ${ownReleaseCall(found, story)} first?`
  );
}

/**
 * SPARC builds its device tree once from the PROM and never selects OF_DYNAMIC, so of_node_get()
 * and of_node_put() are empty stubs there (include/linux/of.h): code built only for SPARC (its
 * arch directory, the SBus drivers, openpromfs) walks the tree without counting, and a missing
 * of_node_put() is no leak.
 */
const SPARC_ONLY = /^(?:arch\/sparc|drivers\/sbus|fs\/openpromfs)\//;

function onStaticDeviceTree(found: LeakInSource): boolean {
  return found.leak.site.release === 'of_node_put()' && SPARC_ONLY.test(found.source.file.path);
}

function storedComment(found: LeakInSource): string {
  const { leak, source } = found;
  const store = leak.store;
  const storeLine = store === null ? null : source.postLineOfRow(store.row);
  const where = storeLine === null ? '' : ` at line ${storeLine}`;
  const field = store?.field ?? '';
  return (
    `The ${leak.site.noun} ${leak.site.api}() takes here is stored in ->${field}${where}, but I see no ${leak.site.release} of a \`${field}\` field anywhere in the patch. ` +
    `Where is it dropped?`
  );
}

export const refLeak: Rule = {
  meta: {
    id: ID,
    severity: 'error',
    summary: 'A counted reference is put on some paths but not on this one, or never',
    why:
      'get_task_struct(), get_device(), of_node_get() and the lookups that return a held object (of_find_*(), of_parse_phandle(), bus_find_device(), fget(), pci_get_device(), ...) raise a reference count that keeps the object alive. ' +
      'Each must be matched by its put (put_task_struct(), put_device(), of_node_put(), fput(), pci_dev_put(), ...), or the object is never freed. ' +
      'for_each_child_of_node() and friends hold a reference on the current node in the loop body and drop it only when they move on: leaving the loop with break, goto or return keeps it. ' +
      'The same goes for the counts kept on a device, a clock or a regulator: pm_runtime_get_sync() (which takes the usage count even when it fails), pm_runtime_resume_and_get() and pm_runtime_get_noresume() need a pm_runtime_put*(), clk_prepare_enable() a clk_disable_unprepare(), regulator_enable() a regulator_disable(), on every error path.',
    example:
      'for_each_child_of_node(np, child) {\n\tif (of_device_is_compatible(child, "foo"))\n\t\treturn foo_setup(child);\t/* child stays held */\n}',
    useInstead:
      'for_each_child_of_node(np, child) {\n\tif (of_device_is_compatible(child, "foo")) {\n\t\tret = foo_setup(child);\n\t\tof_node_put(child);\n\t\treturn ret;\n\t}\n}',
    limits:
      'Beyond the table, the acquire/release pairs mined from the kernel tree (data/kernel-facts.json: nvmem_cell_get()/nvmem_cell_put(), power_supply_register()/power_supply_unregister(); not a get/put taken on an argument) count only in a function that calls the release itself, only at exits that return an error, and only once the path has tested a returned pointer. ' +
      'A reference is reported when another path of the same function puts it or hands it on and this one, returning the same kind of value or an error, does not; or when it is stored in a structure field that nothing in the patch ever puts (only for files the patch shows whole; not the of_node of a device from platform_device_alloc(), which its release puts; nor an object also kept as the structure it is part of, `scom->fsi_dev = to_fsi_dev(dev)`, whose field the patch puts: `put_device(&scom->fsi_dev->dev)` in the release callback). ' +
      'A store into a structure defined in the shared kernel headers (include/linux, include/net, ...: data/kernel-core-structs.json) that the function was given as a parameter, into a field of that object itself (`fc->root = dget(sb->s_root)` with `struct fs_context *fc`, `vma->vm_file = get_file(file)`; not `link->platforms->of_node`, which is another object), is left to the owner of that object, whose contract drops the field (put_fs_context()). ' +
      'A reference a lookup returned (of_find_*(), of_parse_phandle(), of_get_*child*(), bus_find_device(), pci_get_device(); a get whose result a new variable keeps) that no path puts, returns or hands on is reported also where the function succeeds, at its last use, but only when every call it is given only reads it (of_iomap(), of_property_read_*(), of_device_is_compatible(), dev_name(), printing) and no path goes through lines the patch does not show: a callee cptlint does not know may keep it, a written field of the object or a pointer into it (its drvdata, its name, a property string) returned or stored keeps it on purpose, and a walk (`np = of_find_node_with_property(np, ...)`) drops it at its next step. A get on an object the function was given (`get_device(dev);`) and the counts kept on a device are not judged this way. ' +
      'Storing it, returning it, adding it to a list, passing it to a function whose name says it registers or takes ownership, or taking it right in the arguments of a call that does not only read it (`device_set_node(dev, fwnode_handle_get(fw))`) counts as handing it on. ' +
      'The last put of an initialised device whose `->release` the function set (`port->dev.release = foo_port_release`), or a kref_put() naming its release, or a kobj_type or struct device_type whose `.release` the function installs (`kobject_init_and_add(&t->kobj, &foo_ktype, ...)`, `x->dev.type = &foo_type`), runs that callback: what the callback lets go of through the object (`foo_adapter_put(port->adapter)`) is let go of there. ' +
      'A comment just above the acquire that names the function dropping it (`This will be dropped only in coresight_device_release().`) is believed when that function, if the file has it, calls the release; so is one that says when or by whom it is dropped (`It\'ll be dropped when the operation completes.`, `Caller will call fput in case of failure`). ' +
      'A comment in the few lines above the exit that says the reference is passed on or kept there (`The refcount on child is passed to the mdio device. Do not use of_node_put(child) here.`) is taken at its word, as is a comment saying the function leaks on purpose. ' +
      'cptlint cannot see the callers: a function that returns with a reference held on purpose is trusted when its return value tells the cases apart (a probe that leaves its clock enabled on success). ' +
      'A runtime PM, clock or regulator count is not reported on a path that passes the structure keeping it to a helper whose name says it disables or tears down; devm_add_action_or_reset() undoes what its data holds or reaches through driver data (`platform_set_drvdata(pdev, hw)` then data `pdev`; data `mc = platform_get_drvdata(pdev)`) (devm_add_action() only when it succeeds), and what its function releases through the data also when it is taken after the action was added (rt5682 adds the regulator disable before the enable) or through a field that names it (`dport->dport = dport_dev` before `put_device(dport->dport)` in the action); devm_ forms (devm_clk_get_enabled()) are never tracked. ' +
      'A count the function drops without having taken it and then takes again (a suspend step rolled back) restores the state it was entered with, and is not reported. ' +
      'free_irq() releases the handler request_irq() registered with the same dev_id; a name assigned once in the function (`priv->dev = &pdev->dev`) is the same object for releases. ' +
      'Such a count dropped under a test on one path and kept on another that leaves through the same exit with the same kind of value is taken as switched on purpose (`if (!state->enabled) clk_disable(clk); return 0;`). ' +
      'A system-sleep resume callback (SIMPLE_DEV_PM_OPS(), `.resume =`) that undoes nothing on its error paths may leave a count its paired suspend callback drops on its straight-line path (also under a test of the device such as `device_may_wakeup(dev)`, or through a helper of the file): the PM core runs that suspend again after a failed resume. A runtime resume is judged like any function: after its failure runtime_suspend is not called. ' +
      'A release callback called directly (`destroy_async(&rq->ref_count)`) drops what it reaches through the object; `of_node_get(chip->node)` takes nothing where chip->node then tests NULL; a loop cursor declared `__free(device_node)` is put by the scope. ' +
      'A count a function gives back where a later step fails, after it dropped that count itself (a suspend step rolled back under a flag cptlint does not follow), is not reported; nor one that every caller in the file undoes where the step fails (its result ignored and a deinit called after it, or a goto to a ladder that calls it; a loop over the array, `clk_disable_unprepare(adpt->clk[i])`, undoes each of its elements), since a release in the step would drop it twice; nor, in a function that returns a value, one whose every caller in the patch drops that value (`apll1_mux_setting(afe, true);`, not handed to a framework as a callback) while the patch drops the count elsewhere: the callers go on as if the step had worked and undo it later. A DAPM widget event handler (first parameter `struct snd_soc_dapm_widget *`) that drops the count in its power-down branch may leave it on its power-up error exits: the DAPM core only logs the failure, keeps the widget powered and sends the power-down event later; so may a PCM trigger callback (first parameter `struct snd_pcm_substream *`, with a SNDRV_PCM_TRIGGER_STOP branch) on its START error exits, since the ALSA core undoes a failed start with a STOP trigger. A count or interrupt handler taken only when a field says it is not taken yet (`if (!aio->clk_trace.cap_clk_en)`, `if (nq->requested) return -EFAULT;`) and recorded in that field (`= true`) on the way to the exit belongs to the function that tests the field to let it go (shutdown, remove); a field the acquire does not depend on owns nothing. device_unregister() of a device the function registered is its last put and runs the release the function set. An exit returning 0 that keeps it, beside one returning a positive constant that undid it (`return 1;` after freeing every handler), is a success beside a failure, and so is the end of a void function without goto that keeps it beside an early return that drops it (an atomic_enable() callback). Code under `#if 0` or `#ifdef DEBUG` is not built and not followed. A device node reference in code built only for SPARC (arch/sparc, drivers/sbus, fs/openpromfs) is not judged: SPARC never selects OF_DYNAMIC, so of_node_put() does nothing there.',
  },
  check: (context) =>
    leakFindings(context, {
      id: ID,
      oncePerPlace: true,
      selects: (found) =>
        found.leak.site.kind === 'reference' &&
        // A count on a device, clock or regulator: storing the pointer says nothing about who drops
        // it, and a devm action or helper given the structure that keeps it may have dropped it.
        !(acquireOfSite(found.leak.site)?.count !== undefined && (found.leak.reason === 'stored-never-put' || mayBeDroppedThroughContainer(found))) &&
        !((found.leak.reason === 'never-released' || acquireOfSite(found.leak.site)?.onlyWhereFileReleases) && mayBeDroppedByHelper(found)) &&
        !(acquireOfSite(found.leak.site)?.onlyWhereFileReleases && !found.source.shownText.includes(found.leak.site.release.replace(/\(\)$/, ''))) &&
        !keptForPairedSuspend(found) &&
        !(acquireOfSite(found.leak.site)?.count !== undefined && restoresDroppedCount(found)) &&
        !recordedInStateField(found) &&
        !onStaticDeviceTree(found) &&
        !undoneByCallers(found, context.current.sources.filter((source): source is CSource => source.kind === 'c')),
      word: (found, story) => {
        const { leak } = found;
        const count = acquireOfSite(leak.site)?.count;
        return {
          summary:
            leak.reason === 'never-released'
              ? `${leak.site.noun} from ${leak.site.api}()${story.acquireLine === null ? '' : ` at line ${story.acquireLine}`} is never dropped on this error path`
              : leak.reason === 'left-held'
              ? `${leak.site.noun} from ${leak.site.api}()${story.acquireLine === null ? '' : ` at line ${story.acquireLine}`} is never put`
              : leak.reason === 'stored-never-put'
              ? `${leak.site.noun} from ${leak.site.api}() is stored in ->${leak.store?.field ?? '?'} and never put in this patch`
              : leak.site.iteration
                ? `${story.name} leaves the ${leak.site.api}() loop with its reference held`
                : `${leak.site.noun} from ${leak.site.api}() leaks on this path`,
          comment:
            leak.reason === 'stored-never-put'
              ? storedComment(found)
              : leak.reason === 'never-released'
                ? neverComment(found, story)
                : leak.reason === 'left-held'
                ? leftHeldComment(found, story)
                : leak.site.iteration
                  ? iterationComment(found, story)
                  : inconsistentComment(found, story),
          releaseNote: `${count?.dropped ?? leak.site.release} here on another path`,
        };
      },
    }),
};
