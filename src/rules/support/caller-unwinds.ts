/**
 * A step that enables something and fails half-way (`foo_hw_init()` leaving the runtime PM
 * count taken) is not a leak when every caller in the file undoes the whole step afterwards
 * (`foo_hw_deinit()` on probe's error path, and in remove()): dropping the count in the step
 * too would drop it twice. Judged only where the callers are in view (any C file of the patch);
 * a step nobody in the patch calls (a callback, an exported function) keeps its finding.
 */
import type { CSource, Node } from '../../model/source.js';
import { calleeName, callArguments, enclosingFunctionDefinition, expressionKey, functionDefinitionName, lastFieldOfKey, nodesOfType } from '../../parsers/c-syntax.js';
import { acquireOfSite } from '../../analysis/ownership/engine.js';
import { releaseApi } from '../../analysis/ownership/resources.js';
import type { LeakInSource } from '../../analysis/ownership/patch-analysis.js';
import { resultUse } from './result-use.js';
import { returnKindOfDefinition } from '../../analysis/ownership/summaries.js';

/**
 * Whether `call` releases with `api` or a variant of it (pm_runtime_put_sync() for
 * pm_runtime_put()) something named like one of `names` (the same key, or the same last field).
 */
function releasesNamed(call: Node, api: string, names: readonly string[]): boolean {
  const name = calleeName(call);
  if (name === null || !name.startsWith(api)) return false;
  const carrier = releaseApi(name)?.carrier;
  if (typeof carrier !== 'number') return false;
  const argument = callArguments(call)[carrier];
  if (argument === undefined) return false;
  const key = expressionKey(argument);
  const field = lastFieldOfKey(key);
  return names.some((name) => name === key || (field !== null && lastFieldOfKey(name) === field) || walksElementOf(key, name));
}

/**
 * `adpt->clk[i]` released in a loop over the array (emac_clks_teardown()) covers the element
 * `adpt->clk[EMAC_CLK_TX]` taken; an element named by another constant does not.
 */
function walksElementOf(released: string, taken: string): boolean {
  const walk = /^(.*)\[([a-z_]\w*)\]$/.exec(released);
  const element = /^(.*)\[[^\]]+\]$/.exec(taken);
  return walk !== null && element !== null && walk[1] === element[1];
}

function definitionsByName(sources: readonly CSource[]): Map<string, Node> {
  const definitions = new Map<string, Node>();
  for (const definition of sources.flatMap((source) => nodesOfType(source.tree.rootNode, 'function_definition'))) {
    const name = functionDefinitionName(definition);
    if (name !== null && !definitions.has(name)) definitions.set(name, definition);
  }
  return definitions;
}

/** Whether `call` releases it, directly or through a function of the file that does so in its own body. */
function undoes(call: Node, api: string, names: readonly string[], definitions: Map<string, Node>, step: string): boolean {
  if (releasesNamed(call, api, names)) return true;
  const name = calleeName(call);
  const helper = name === null || name === step ? undefined : definitions.get(name);
  return helper !== undefined && nodesOfType(helper, 'call_expression').some((inner) => releasesNamed(inner, api, names));
}

function callsIn(nodes: readonly Node[]): Node[] {
  return nodes.flatMap((node) => nodesOfType(node, 'call_expression'));
}

/** The statements a goto to `label` runs: the labelled statement and all that follow it in the function's body. */
function ladderFrom(caller: Node, label: string): Node[] {
  const labelled = nodesOfType(caller, 'labeled_statement').find((node) => node.childForFieldName('label')?.text === label);
  if (labelled === undefined || labelled.parent === null) return [];
  const siblings = labelled.parent.namedChildren.filter((node): node is Node => node !== null);
  return siblings.slice(siblings.findIndex((node) => node.startIndex === labelled.startIndex));
}

/**
 * The calls the caller makes when the step fails, as far as the syntax tells: everything after
 * the call when its result is ignored; else the branch that tests its result (`if (ret) goto
 * err;` runs the ladder from `err:` on; a branch that returns runs what it holds). Null when it
 * cannot tell.
 */
function callsOnFailure(caller: Node, call: Node): Node[] | null {
  const statement = call.parent;
  if (statement?.type === 'expression_statement') return nodesOfType(caller, 'call_expression').filter((later) => later.startIndex > call.endIndex);
  let test: Node | null = null;
  if (statement?.type === 'parenthesized_expression' && statement.parent?.type === 'if_statement') test = statement.parent;
  if (statement?.type === 'unary_expression' && statement.parent?.type === 'parenthesized_expression' && statement.parent.parent?.type === 'if_statement') test = statement.parent.parent;
  if (statement?.type === 'assignment_expression' && statement.parent?.type === 'expression_statement') {
    const result = statement.childForFieldName('left');
    const next = statement.parent.nextNamedSibling;
    const tested = next?.type === 'if_statement' ? next.childForFieldName('condition') : null;
    if (result?.type === 'identifier' && tested && nodesOfType(tested, 'identifier').some((name) => name.text === result.text)) test = next;
  }
  const branch = test?.childForFieldName('consequence');
  if (branch === null || branch === undefined) return null;
  const jump = nodesOfType(branch, 'goto_statement')[0];
  const label = jump?.childForFieldName('label')?.text;
  return label === undefined ? callsIn([branch]) : [...callsIn([branch]), ...callsIn(ladderFrom(caller, label))];
}

/**
 * Whether every call of `step` in the file is followed, where it fails, by a call in its caller
 * that undoes the count; a caller that returns the step's result as its own (`return
 * foo_load(priv, fw);`) passes the question on to its own callers.
 */
function everyCallerUndoes(sources: readonly CSource[], step: string, api: string, names: readonly string[], definitions: Map<string, Node>, depth: number): boolean {
  const calls = sources
    .filter((source) => source.shownText.includes(step))
    .flatMap((source) => nodesOfType(source.tree.rootNode, 'call_expression'))
    .filter((call) => calleeName(call) === step);
  if (calls.length === 0) return false;
  return calls.every((call) => {
    const caller = enclosingFunctionDefinition(call);
    const callerName = caller === null ? null : functionDefinitionName(caller);
    if (caller === null || callerName === null || callerName === step) return false;
    if (call.parent?.type === 'return_statement') return depth > 0 && everyCallerUndoes(sources, callerName, api, names, definitions, depth - 1);
    return (callsOnFailure(caller, call) ?? []).some((later) => undoes(later, api, names, definitions, step));
  });
}

/**
 * Whether no caller can see the step fail: it returns a value (a void step has no failure a
 * caller could see, so its error exits are judged on their own), every mention of it in the patch is a call whose
 * value is dropped (`apll1_mux_setting(afe, true);`), none hands it to a framework as a
 * callback, and the file drops the count somewhere (the paired disable, or the step's own
 * `enable == false` branch). The caller goes on as if the step had worked and undoes it later;
 * a release on the step's error path would be a second one.
 */
function failureUnseenByCallers(sources: readonly CSource[], step: string, api: string, names: readonly string[]): boolean {
  const files = sources.filter((source) => source.shownText.includes(step));
  const mentions = files.flatMap((source) => nodesOfType(source.tree.rootNode, 'identifier')).filter((node) => node.text === step);
  const calls = mentions.filter((node) => node.parent?.type === 'call_expression' && node.parent.childForFieldName('function')?.startIndex === node.startIndex);
  const declarations = mentions.filter((node) => node.parent?.type === 'function_declarator');
  if (calls.length === 0 || calls.length + declarations.length !== mentions.length) return false;
  if (!calls.every((name) => name.parent !== null && resultUse(name.parent).kind === 'ignored')) return false;
  return files.some((source) => nodesOfType(source.tree.rootNode, 'call_expression').some((call) => releasesNamed(call, api, names)));
}

/**
 * Whether the function is a DAPM widget event handler (`foo_event(struct snd_soc_dapm_widget *w,
 * struct snd_kcontrol *k, int event)`): soc-dapm.c only logs its failure (`ASoC: ... event
 * failed`), keeps the widget powered and sends the power-down event later.
 */
function isDapmEvent(definition: Node): boolean {
  return firstParameterType(definition) === 'struct snd_soc_dapm_widget';
}

/** `struct snd_pcm_substream` of `foo_trigger(struct snd_pcm_substream *substream, int cmd)`. */
function firstParameterType(definition: Node): string | undefined {
  return nodesOfType(definition.childForFieldName('declarator') ?? definition, 'parameter_declaration')[0]?.childForFieldName('type')?.text;
}

/**
 * Whether the function is a PCM trigger callback with a stop branch (`foo_trigger(struct
 * snd_pcm_substream *substream, int cmd, ...)` testing SNDRV_PCM_TRIGGER_STOP): where its start
 * fails, the ALSA core undoes the start with a STOP trigger (snd_pcm_undo_start()).
 */
function isPcmTrigger(definition: Node): boolean {
  if (firstParameterType(definition) !== 'struct snd_pcm_substream') return false;
  const cases = nodesOfType(definition, 'identifier').map((name) => name.text);
  return cases.includes('SNDRV_PCM_TRIGGER_START') && cases.includes('SNDRV_PCM_TRIGGER_STOP');
}

/** `sources`: the C files of the patch (the step's callers may be in another file of it). */
export function undoneByCallers({ leak, fn }: LeakInSource, sources: readonly CSource[]): boolean {
  const { site } = leak;
  if (acquireOfSite(site)?.count === undefined || site.inherited !== null || site.iteration) return false;
  const api = site.release.replace(/\(\)$/, '');
  if ((isDapmEvent(fn.node) || isPcmTrigger(fn.node)) && nodesOfType(fn.node, 'call_expression').some((call) => releasesNamed(call, api, site.names))) return true;
  if (returnKindOfDefinition(fn.node) !== 'void' && failureUnseenByCallers(sources, fn.name, api, site.names)) return true;
  return everyCallerUndoes(sources, fn.name, api, site.names, definitionsByName(sources), 2);
}
