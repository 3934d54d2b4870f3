/**
 * Where a reference goes in one function, read from its CFG's events without walking paths:
 * the calls that only read the object it names (of_iomap(), of_property_read_u32(), dev_err())
 * and whether anything else may have kept it (a callee the tables do not know, a store, a
 * container passed whole). leaks.ts asks this before calling a reference that no path drops
 * a leak at an exit where the function succeeds: a reference a callee may have kept is not.
 */
import type { Cfg, CfgNode } from '../flow/cfg.js';
import { callOfEvent, type ArgumentInfo, type CallEvent } from '../flow/events.js';
import { keyMentions } from '../../parsers/c-syntax.js';
import { acquireApi } from './resources.js';
import { readsOnly } from './readers.js';
import type { AcquireSite } from './engine.js';

/**
 * Whether the argument hands over the object a name holds: the name itself, a conversion of it
 * (`of_fwnode_handle(np)`), a member's address (`&np->fwnode`), or what keeps it (`&info` for
 * `info.np`). A field read through it (`np->full_name`) passes another value.
 */
function passes(argument: ArgumentInfo, name: string): boolean {
  if (argument.key === name) return true;
  // What keeps it: `&info` for `info.np`, `&pdev->dev` for `pdev->dev.of_node` (a name a get was given).
  if (name.startsWith(`${argument.key}.`) || name.startsWith(`${argument.key}->`)) return true;
  if (argument.key.startsWith(`${name}->`) || argument.key.startsWith(`${name}.`)) return argument.addressOfMember;
  return keyMentions(argument.key, name);
}

function callsOf(node: CfgNode): CallEvent[] {
  return node.events.map(callOfEvent).filter((call): call is CallEvent => call !== null);
}

export interface ReferenceUses {
  /** Something other than a reader was given it, it was copied where the function does not keep it, or a view of it was kept. */
  escaped: boolean;
  /** Nodes whose calls read it, with the first such call's name. */
  readers: { node: CfgNode; call: string }[];
  /** How it escaped (`given to foo_register (row 12)`). */
  why?: string;
}

/**
 * Readers whose result points into the object (its driver data, its name, a property's value):
 * whoever keeps that pointer needs the object alive, so the reference goes with it.
 */
const VIEWS: ReadonlySet<string> = new Set([
  'dev_get_drvdata',
  'platform_get_drvdata',
  'pci_get_drvdata',
  'i2c_get_clientdata',
  'spi_get_drvdata',
  'dev_name',
  'pci_name',
  'of_node_full_name',
  'of_get_property',
  'of_find_property',
  'fwnode_get_name',
]);

/** Readers that write a pointer into the object through an out-parameter (`of_property_read_string(np, "label", &name)`). */
const VIEW_OUT = /^(?:of|fwnode|device)_property_read_string(?:_index|_array)?$/;

/**
 * How the function uses what `site` took: the names it holds it under, with the local
 * variables it is copied into, followed through every call and assignment of the function.
 * It escapes when a call other than a reader is given it, a copy lands outside the function's
 * locals, a field of the object is written (the function sets it up for someone else), or a
 * view of it (a pointer into it: its drvdata, its name, a property) is returned or stored.
 * A lookup that drops the node it starts from (`np = of_find_node_with_property(np, ...)` in a
 * loop) walks the tree: the walk's next step drops what it held.
 */
export function usesOf(cfg: Cfg, site: AcquireSite): ReferenceUses {
  const names = new Set(site.names);
  const views = new Set<string>();
  const isLocalVariable = (key: string): boolean => /^[A-Za-z_]\w*$/.test(key) && (cfg.locals.has(key) || cfg.parameters.includes(key));
  const passesAny = (call: CallEvent): boolean => call.args.some((argument) => [...names].some((name) => passes(argument, name)));
  const own = (call: CallEvent): boolean => call.row === site.row && call.column === site.column;
  // `why` says which way, for whoever debugs this.
  const escape = (why: string): ReferenceUses => ({ escaped: true, readers: [], why });
  const acquire = acquireApi(site.api);
  // Copies and views first, to a fixed point: `child = np` makes `child` a name of it too.
  for (let changed = true; changed; ) {
    changed = false;
    const grow = (set: Set<string>, key: string): void => {
      if (set.has(key)) return;
      set.add(key);
      changed = true;
    };
    for (const node of cfg.nodes) {
      for (const call of callsOf(node)) {
        if (own(call) && acquire?.releasesArgument !== undefined) {
          const from = call.args[acquire.releasesArgument];
          if (from !== undefined && [...names].some((name) => passes(from, name))) return escape(`walks from it (row ${call.row + 1})`);
        }
        if (!VIEW_OUT.test(call.name) || !passesAny(call)) continue;
        for (const argument of call.args.slice(1)) {
          if (argument.addressOfVariable && isLocalVariable(argument.key)) grow(views, argument.key);
          else if (argument.addressOfMember || argument.addressOfVariable) return escape(`view kept by ${call.name} (row ${call.row + 1})`);
        }
      }
      for (const event of node.events) {
        if (event.type !== 'assign') continue;
        const { target, value } = event;
        if ([...names].some((name) => target.key.startsWith(`${name}->`) || target.key.startsWith(`${name}.`) && !isLocalVariable(name))) {
          return escape(`field ${target.key} written (row ${event.row + 1})`);
        }
        if (names.has(target.key)) continue;
        const has = (set: Set<string>, key: string): boolean => set.has(key);
        const fieldOf = (key: string): boolean => [...names].some((name) => key.startsWith(`${name}->`) || key.startsWith(`${name}.`));
        const carried =
          value.kind === 'copy' ? has(names, value.key) : value.kind === 'other' ? [...names].some((name) => value.mentions.includes(name) || value.memberAddress === name) : false;
        const viewed =
          value.kind === 'copy'
            ? has(views, value.key) || fieldOf(value.key)
            : value.kind === 'other'
              ? value.mentions.some((key) => views.has(key))
              : value.kind === 'call' && VIEWS.has(value.call.name) && passesAny(value.call);
        if (!carried && !viewed) continue;
        if (!isLocalVariable(target.key)) return escape(`${carried ? 'stored' : 'view stored'} in ${target.key} (row ${event.row + 1})`);
        grow(carried ? names : views, target.key);
      }
    }
  }
  const readers: { node: CfgNode; call: string }[] = [];
  for (const node of cfg.nodes) {
    let reads: string | null = null;
    for (const call of callsOf(node)) {
      if (own(call) || !passesAny(call)) continue;
      if (!readsOnly(call.name)) return escape(`given to ${call.name} (row ${call.row + 1})`);
      // `return platform_get_drvdata(pdev);`: the caller gets a view of it.
      if (node.kind === 'return' && VIEWS.has(call.name)) return escape(`view returned (row ${call.row + 1})`);
      reads ??= call.name;
    }
    const returned = node.kind === 'return' ? node.returnValue : null;
    if (returned !== null && returned.kind !== 'none') {
      const keys = returned.kind === 'key' ? [returned.key, ...returned.mentions] : returned.mentions;
      if (keys.some((key) => views.has(key) || [...names].some((name) => key.startsWith(`${name}->`)))) return escape(`view returned (row ${node.row + 1})`);
    }
    if (reads !== null) readers.push({ node, call: reads });
  }
  return { escaped: false, readers };
}
