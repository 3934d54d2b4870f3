/**
 * The acquire/release table: for each kernel API, which argument or return value carries the
 * resource, what failure looks like, how it is released, and its kind. Data only: the engine
 * (engine.ts) reads it, the rules word their comments from its nouns.
 */
import { POSITIVE, ZERO, type FailureStyle, type ValueMask } from '../flow/facts.js';
import { memoized } from '../memo.js';

export type ResourceKind = 'module' | 'reference' | 'memory' | 'lock' | 'completion';

/**
 * How a call tells success from failure, as the value it returns:
 * - never: it cannot fail (get_task_struct, mutex_lock, __module_get);
 * - null: a NULL pointer on failure (kmalloc);
 * - err-ptr: an ERR_PTR on failure (IS_ERR);
 * - err-ptr-or-null: either;
 * - errno: zero on success, a negative errno on failure (mutex_lock_interruptible);
 * - negative: a negative errno on failure, zero or a positive value on success (kernel_thread);
 * - zero-ok: zero on success, anything else on failure (down_trylock);
 * - false: zero on failure, non-zero on success (try_module_get, spin_trylock).
 */
export type { FailureStyle };

export interface AcquireApi {
  name: string;
  kind: ResourceKind;
  /**
   * What names the resource afterwards: the returned value, argument i (0-based), or
   * nothing the code passes (rcu_read_lock): then IMPLICIT_RESOURCE_NAMES names it.
   */
  carrier: 'return' | number | 'implicit';
  /** The API also returns its carrier argument (of_node_get(np) returns np). */
  returnsCarrier?: boolean;
  failure: FailureStyle;
  /** An argument the call releases (of_find_node_by_name(from, ...) drops `from`). */
  releasesArgument?: number;
  /** An argument given NULL, which makes the call return NULL (of_get_parent(NULL) takes nothing). */
  nullGivenNull?: number;
  /** What the resource is, for comments: "module reference", "reference on the device node". */
  noun: string;
  /** The usual release, for comments. */
  release: string;
  /**
   * Present when the resource is a count kept on an object rather than a reference to it (a
   * clock's enable count, a runtime PM usage count): storing or registering the object does not
   * hand the count on, and the function that took it must undo it on its error paths. Its verbs
   * word the comments: "enables `clk`", "disables it", "still enabled". Absent: taken and put.
   */
  count?: CountVerbs;
  /**
   * The argument that also identifies what is taken (request_irq()'s dev_id): a release given the
   * same cookie (`free_irq(ad->irq, ad)` for `request_irq(irq, ..., ad)`) releases it whatever
   * the carrier is written as.
   */
  cookie?: number;
  /**
   * The call takes its resource even when it returns an error (pm_runtime_get_sync()): its
   * failure branch must release it too, with `release`; `instead` names the API that does not.
   */
  heldOnFailure?: { release: string; instead?: string };
  /**
   * Judged only in files that call the release themselves: some frameworks release what they
   * were told about (comedi frees the `dev->irq` a driver requested), so a driver file that never
   * calls it leaves it to them.
   */
  onlyWhereFileReleases?: boolean;
  /**
   * The carrier is a number naming the resource (an interrupt line), not a pointer to an object
   * holding it: handing on the structure the number is kept in does not hand the resource on.
   */
  numbered?: boolean;
  /** A pair mined from the kernel tree (mined-pairs.ts), not an entry of this table. */
  mined?: true;
}

export interface CountVerbs {
  /** What the acquire does to the object named after it: "enables", "takes a runtime PM usage count on". */
  take: string;
  /** What the release does: "disables", "drops". */
  drop: string;
  /** The object's state while held: "enabled", "held". */
  state: string;
  /** What the release did, for notes: "disabled", "dropped". */
  dropped: string;
}

export interface ReleaseApi {
  name: string;
  kind: ResourceKind;
  /** The argument naming what is released; `implicit` when the API names it itself. */
  carrier: number | 'implicit';
  /** For implicit releases: the resource name released (THIS_MODULE, rcu, rtnl). */
  implicitName?: string;
  /** The argument that, with the carrier, identifies what is released (free_irq()'s dev_id): see AcquireApi.cookie. */
  cookie?: number;
}

/** Calls that start a thread running a function of the patch (threads.ts follows them). */
export interface ThreadStarterApi {
  name: string;
  /** The thread function argument. */
  functionArgument: number;
  /** The argument handed to the thread function. */
  dataArgument: number;
  failure: FailureStyle;
}

/** Calls that take ownership of one of their arguments (stored in a list, a table, a device). */
export interface HandOffApi {
  name: string;
  argument: number;
  /**
   * The receiver keeps a pointer but does not own it (a device's drvdata): nobody frees it if
   * the function then fails, so on an error exit it is still the function's to free.
   */
  borrowsOnly?: boolean;
  /**
   * A managed action (`devm_add_action_or_reset(dev, fn, data)`): `fn(data)` runs at teardown, so
   * what `data` holds is undone for the function, counts and fields included. 'always' when a
   * failure runs it at once (`*_or_reset`), 'on-success' when it is only registered on success.
   */
  undoes?: 'always' | 'on-success';
  /** The call takes the argument only when it succeeds, as this style tells (anon_inode_getfd() returns an fd or an errno). */
  failure?: FailureStyle;
  /** A name the call keeps a pointer to when it succeeds (request_irq()'s devname: the irqaction points at it), errno style. */
  keepsName?: number;
  /** Other arguments the call takes over as well (the planes drm_crtc_init_with_planes() links to the CRTC). */
  alsoArguments?: number[];
  /**
   * The receiver's owner destroys the object at its own teardown, which also runs when the
   * function fails later (drm_mode_config_cleanup() calls each mode object's funcs->destroy()):
   * this takes over an object a drvdata setter only borrowed.
   */
  cleanedUpByOwner?: true;
  /**
   * The argument is a setup structure of the caller's (`rpc_run_task(&task_setup_data)`): what the
   * structure was initialised with goes to the receiver with it (its `.callback_data`).
   */
  throughSetup?: true;
}

/** `for_each_child_of_node(parent, child)`: the loop holds a reference on `child` in its body. */
export interface IterationMacro {
  name: string;
  variableArgument: number;
  noun: string;
  release: string;
}

export interface WaitApi {
  name: string;
  argument: number;
  /** Sleeps until the completion is completed, however long that takes. */
  forever: boolean;
}

function acquires(
  kind: ResourceKind,
  noun: string,
  release: string,
  entries: [name: string, carrier: AcquireApi['carrier'], failure: FailureStyle, extra?: Partial<AcquireApi>][],
): AcquireApi[] {
  return entries.map(([name, carrier, failure, extra]) => ({ name, kind, carrier, failure, noun, release, ...extra }));
}

function releases(kind: ResourceKind, entries: [name: string, carrier: ReleaseApi['carrier'], implicitName?: string][]): ReleaseApi[] {
  return entries.map(([name, carrier, implicitName]) => ({ name, kind, carrier, ...(implicitName ? { implicitName } : {}) }));
}

/** The call returns its argument (NULL when given NULL, so the result may be tested). */
const RETURNS_ARGUMENT = { returnsCarrier: true } as const;

const RUNTIME_PM_VERBS: CountVerbs = { take: 'takes a runtime PM usage count on', drop: 'drops', state: 'held', dropped: 'dropped' };
const ENABLE_VERBS: CountVerbs = { take: 'enables', drop: 'disables', state: 'enabled', dropped: 'disabled' };
const PREPARE_VERBS: CountVerbs = { take: 'prepares', drop: 'unprepares', state: 'prepared', dropped: 'unprepared' };
const REGISTER_VERBS: CountVerbs = { take: 'registers', drop: 'unregisters', state: 'registered', dropped: 'unregistered' };

export const ACQUIRE_APIS: readonly AcquireApi[] = [
  // Module references.
  ...acquires('module', 'module reference', 'module_put()', [
    ['try_module_get', 0, 'false'],
    ['__module_get', 0, 'never'],
  ]),
  ...acquires('module', 'reference on the file_operations owner', 'fops_put()', [['fops_get', 'return', 'null']]),

  // Tasks and pids.
  ...acquires('reference', 'reference on the task_struct', 'put_task_struct()', [
    ['get_task_struct', 0, 'never', RETURNS_ARGUMENT],
    ['get_pid_task', 'return', 'null'],
    ['find_get_task_by_vpid', 'return', 'null'],
  ]),
  ...acquires('reference', 'reference on the pid', 'put_pid()', [
    ['get_pid', 0, 'null', RETURNS_ARGUMENT],
    ['find_get_pid', 'return', 'null'],
    ['get_task_pid', 'return', 'null'],
  ]),

  // Devices.
  ...acquires('reference', 'reference on the device', 'put_device()', [
    ['get_device', 0, 'null', RETURNS_ARGUMENT],
    ['bus_find_device', 'return', 'null'],
    ['bus_find_device_by_name', 'return', 'null'],
    ['bus_find_device_by_of_node', 'return', 'null'],
    ['bus_find_device_by_fwnode', 'return', 'null'],
    ['bus_find_device_by_devt', 'return', 'null'],
    ['class_find_device', 'return', 'null'],
    ['class_find_device_by_name', 'return', 'null'],
    ['class_find_device_by_of_node', 'return', 'null'],
    ['class_find_device_by_fwnode', 'return', 'null'],
    ['driver_find_device', 'return', 'null'],
    ['driver_find_device_by_of_node', 'return', 'null'],
    ['device_find_child', 'return', 'null'],
    ['device_find_child_by_name', 'return', 'null'],
    ['of_find_device_by_node', 'return', 'null'],
    ['of_find_i2c_device_by_node', 'return', 'null'],
    ['of_find_i2c_adapter_by_node', 'return', 'null'],
    ['of_find_net_device_by_node', 'return', 'null'],
  ]),
  ...acquires('reference', 'reference on the PCI device', 'pci_dev_put()', [
    ['pci_dev_get', 0, 'null', RETURNS_ARGUMENT],
    ['pci_get_device', 'return', 'null', { releasesArgument: 2 }],
    ['pci_get_subsys', 'return', 'null', { releasesArgument: 4 }],
    ['pci_get_class', 'return', 'null', { releasesArgument: 1 }],
    ['pci_get_slot', 'return', 'null'],
    ['pci_get_domain_bus_and_slot', 'return', 'null'],
  ]),

  // Device-tree nodes and firmware nodes.
  ...acquires('reference', 'reference on the device node', 'of_node_put()', [
    ['of_node_get', 0, 'null', RETURNS_ARGUMENT],
    ['of_find_node_by_name', 'return', 'null', { releasesArgument: 0 }],
    ['of_find_node_by_type', 'return', 'null', { releasesArgument: 0 }],
    ['of_find_compatible_node', 'return', 'null', { releasesArgument: 0 }],
    ['of_find_matching_node', 'return', 'null', { releasesArgument: 0 }],
    ['of_find_matching_node_and_match', 'return', 'null', { releasesArgument: 0 }],
    ['of_find_node_with_property', 'return', 'null', { releasesArgument: 0 }],
    ['of_find_node_by_path', 'return', 'null'],
    // drivers/of's own walk: it puts each node it leaves, the one it was given first.
    ['__of_find_node_by_full_path', 'return', 'null', { releasesArgument: 0 }],
    ['of_find_node_opts_by_path', 'return', 'null'],
    ['of_find_node_by_phandle', 'return', 'null'],
    ['of_get_parent', 'return', 'null', { nullGivenNull: 0 }],
    ['of_get_next_parent', 'return', 'null', { releasesArgument: 0, nullGivenNull: 0 }],
    ['of_get_child_by_name', 'return', 'null', { nullGivenNull: 0 }],
    ['of_get_available_child_by_name', 'return', 'null', { nullGivenNull: 0 }],
    ['of_get_compatible_child', 'return', 'null', { nullGivenNull: 0 }],
    ['of_parse_phandle', 'return', 'null'],
    ['of_get_cpu_node', 'return', 'null'],
    ['of_cpu_device_node_get', 'return', 'null'],
    ['of_graph_get_remote_node', 'return', 'null'],
    ['of_graph_get_remote_port_parent', 'return', 'null'],
    ['of_graph_get_remote_port', 'return', 'null'],
    ['of_graph_get_remote_endpoint', 'return', 'null'],
    ['of_graph_get_port_parent', 'return', 'null'],
    ['of_graph_get_port_by_id', 'return', 'null'],
    ['of_graph_get_endpoint_by_regs', 'return', 'null'],
  ]),
  ...acquires('reference', 'reference on the fwnode', 'fwnode_handle_put()', [
    ['fwnode_handle_get', 0, 'null', RETURNS_ARGUMENT],
    ['fwnode_get_parent', 'return', 'null'],
    ['fwnode_get_named_child_node', 'return', 'null'],
    ['device_get_named_child_node', 'return', 'null'],
    ['fwnode_find_reference', 'return', 'err-ptr'],
    ['fwnode_graph_get_remote_endpoint', 'return', 'null'],
    ['fwnode_graph_get_port_parent', 'return', 'null'],
  ]),

  // kref, kobject, files, dentries.
  ...acquires('reference', 'kref reference', 'kref_put()', [
    ['kref_get', 0, 'never'],
    ['kref_get_unless_zero', 0, 'false'],
  ]),
  ...acquires('reference', 'kobject reference', 'kobject_put()', [['kobject_get', 0, 'null', RETURNS_ARGUMENT]]),
  ...acquires('reference', 'file reference', 'fput()', [
    ['fget', 'return', 'null'],
    ['fget_raw', 'return', 'null'],
    ['get_file', 0, 'null', RETURNS_ARGUMENT],
    ['filp_open', 'return', 'err-ptr'],
  ]),
  ...acquires('reference', 'dentry reference', 'dput()', [
    ['dget', 0, 'null', RETURNS_ARGUMENT],
    ['dget_parent', 'return', 'never'],
    ['d_find_alias', 'return', 'null'],
    ['lookup_one_len', 'return', 'err-ptr'],
  ]),

  // Runtime PM usage counts: the device keeps them, so they are counted references on it.
  // pm_runtime_get_sync() and pm_runtime_get() take the count whatever they return (an error
  // from the resume does not drop it); pm_runtime_resume_and_get() drops it itself on failure.
  ...acquires('reference', 'runtime PM usage count', 'pm_runtime_put()', [
    ['pm_runtime_get_sync', 0, 'never', { count: RUNTIME_PM_VERBS, heldOnFailure: { release: 'pm_runtime_put_noidle()', instead: 'pm_runtime_resume_and_get()' } }],
    ['pm_runtime_get', 0, 'never', { count: RUNTIME_PM_VERBS, heldOnFailure: { release: 'pm_runtime_put_noidle()' } }],
    ['pm_runtime_resume_and_get', 0, 'errno', { count: RUNTIME_PM_VERBS }],
  ]),
  ...acquires('reference', 'runtime PM usage count', 'pm_runtime_put_noidle()', [
    ['pm_runtime_get_noresume', 0, 'never', { count: RUNTIME_PM_VERBS }],
  ]),

  // Clock and regulator enable counts: counted on the clock or regulator, dropped by the
  // matching disable. The devm_ forms (devm_clk_get_enabled()) are released by devres.
  ...acquires('reference', 'clock prepare and enable count', 'clk_disable_unprepare()', [
    ['clk_prepare_enable', 0, 'errno', { count: ENABLE_VERBS }],
  ]),
  ...acquires('reference', 'clock prepare count', 'clk_unprepare()', [['clk_prepare', 0, 'errno', { count: PREPARE_VERBS }]]),
  ...acquires('reference', 'clock enable count', 'clk_disable()', [['clk_enable', 0, 'errno', { count: ENABLE_VERBS }]]),
  ...acquires('reference', 'clock prepare and enable count', 'clk_bulk_disable_unprepare()', [
    ['clk_bulk_prepare_enable', 1, 'errno', { count: ENABLE_VERBS }],
  ]),
  ...acquires('reference', 'clock prepare count', 'clk_bulk_unprepare()', [['clk_bulk_prepare', 1, 'errno', { count: PREPARE_VERBS }]]),
  ...acquires('reference', 'clock enable count', 'clk_bulk_disable()', [['clk_bulk_enable', 1, 'errno', { count: ENABLE_VERBS }]]),
  ...acquires('reference', 'regulator enable count', 'regulator_disable()', [['regulator_enable', 0, 'errno', { count: ENABLE_VERBS }]]),
  ...acquires('reference', 'regulator enable count', 'regulator_bulk_disable()', [
    ['regulator_bulk_enable', 1, 'errno', { count: ENABLE_VERBS }],
  ]),
  // The line's number stored where a framework frees it (comedi's dev->irq) hands the handler on.
  ...acquires('reference', 'handler on the interrupt line', 'free_irq()', [
    ['request_irq', 0, 'errno', { onlyWhereFileReleases: true, cookie: 4, numbered: true }],
    ['request_threaded_irq', 0, 'errno', { onlyWhereFileReleases: true, cookie: 5, numbered: true }],
  ]),
  ...acquires('reference', 'reference on the USB device', 'usb_put_dev()', [['usb_get_dev', 0, 'never', RETURNS_ARGUMENT]]),
  ...acquires('reference', 'DMA engine registration', 'dma_async_device_unregister()', [['dma_async_device_register', 0, 'errno', { count: REGISTER_VERBS }]]),

  // Memory.
  ...acquires('memory', 'I/O mapping', 'iounmap()', [
    ['ioremap', 'return', 'null'],
    ['ioremap_wc', 'return', 'null'],
    ['ioremap_cache', 'return', 'null'],
    ['ioremap_uc', 'return', 'null'],
  ]),
  ...acquires('memory', 'network device', 'free_netdev()', [
    ['alloc_etherdev', 'return', 'null'],
    ['alloc_etherdev_mq', 'return', 'null'],
    ['alloc_etherdev_mqs', 'return', 'null'],
    ['alloc_netdev', 'return', 'null'],
    ['alloc_netdev_mqs', 'return', 'null'],
  ]),
  ...acquires('memory', 'coherent DMA buffer', 'dma_free_coherent()', [['dma_alloc_coherent', 'return', 'null']]),
  ...acquires('memory', 'scatterlist table', 'sg_free_table()', [['sg_alloc_table', 0, 'errno']]),
  ...acquires('memory', 'allocation', 'kfree()', [
    ['kmalloc', 'return', 'null'],
    ['kzalloc', 'return', 'null'],
    ['kcalloc', 'return', 'null'],
    ['kmalloc_array', 'return', 'null'],
    ['kmalloc_node', 'return', 'null'],
    ['kzalloc_node', 'return', 'null'],
    ['kcalloc_node', 'return', 'null'],
    ['kmalloc_obj', 'return', 'null'],
    ['kzalloc_obj', 'return', 'null'],
    ['kzalloc_objs', 'return', 'null'],
    ['kstrdup', 'return', 'null'],
    ['kstrndup', 'return', 'null'],
    ['kmemdup', 'return', 'null'],
    ['kmemdup_nul', 'return', 'null'],
    ['kmemdup_array', 'return', 'null'],
    ['kasprintf', 'return', 'null'],
    ['kvasprintf', 'return', 'null'],
    ['memdup_user', 'return', 'err-ptr'],
    ['memdup_user_nul', 'return', 'err-ptr'],
    ['strndup_user', 'return', 'err-ptr'],
  ]),
  ...acquires('memory', 'allocation', 'kvfree()', [
    ['kvmalloc', 'return', 'null'],
    ['kvzalloc', 'return', 'null'],
    ['kvcalloc', 'return', 'null'],
    ['kvmalloc_array', 'return', 'null'],
    ['kvmalloc_node', 'return', 'null'],
    ['kvzalloc_node', 'return', 'null'],
    ['vmemdup_user', 'return', 'err-ptr'],
  ]),
  ...acquires('memory', 'allocation', 'vfree()', [
    ['vmalloc', 'return', 'null'],
    ['vzalloc', 'return', 'null'],
    ['vmalloc_node', 'return', 'null'],
    ['vzalloc_node', 'return', 'null'],
    ['vmalloc_user', 'return', 'null'],
  ]),
  ...acquires('memory', 'allocation', 'bitmap_free()', [['bitmap_zalloc', 'return', 'null'], ['bitmap_alloc', 'return', 'null']]),
  ...acquires('memory', 'allocation', 'kmem_cache_free()', [
    ['kmem_cache_alloc', 'return', 'null'],
    ['kmem_cache_zalloc', 'return', 'null'],
    ['__getname', 'return', 'null'],
  ]),

  // Locks.
  ...acquires('lock', 'inode lock', 'inode_unlock()', [['inode_lock', 0, 'never']]),
  ...acquires('lock', 'inode lock', 'inode_unlock_shared()', [['inode_lock_shared', 0, 'never']]),
  ...acquires('lock', 'spinlock', 'spin_unlock()', [
    ['spin_lock', 0, 'never'],
    ['spin_lock_bh', 0, 'never'],
    ['spin_lock_irq', 0, 'never'],
    ['spin_lock_irqsave', 0, 'never'],
    ['spin_lock_nested', 0, 'never'],
    ['spin_lock_irqsave_nested', 0, 'never'],
    ['raw_spin_lock', 0, 'never'],
    ['raw_spin_lock_bh', 0, 'never'],
    ['raw_spin_lock_irq', 0, 'never'],
    ['raw_spin_lock_irqsave', 0, 'never'],
    ['raw_spin_lock_nested', 0, 'never'],
    ['spin_trylock', 0, 'false'],
    ['spin_trylock_bh', 0, 'false'],
    ['spin_trylock_irq', 0, 'false'],
    ['spin_trylock_irqsave', 0, 'false'],
    ['raw_spin_trylock', 0, 'false'],
    ['raw_spin_trylock_irqsave', 0, 'false'],
    ['xa_lock', 0, 'never'],
    ['xa_lock_bh', 0, 'never'],
    ['xa_lock_irq', 0, 'never'],
    ['xa_lock_irqsave', 0, 'never'],
  ]),
  ...acquires('lock', 'mutex', 'mutex_unlock()', [
    ['mutex_lock', 0, 'never'],
    ['mutex_lock_nested', 0, 'never'],
    ['mutex_lock_io', 0, 'never'],
    ['mutex_lock_interruptible', 0, 'errno'],
    ['mutex_lock_interruptible_nested', 0, 'errno'],
    ['mutex_lock_killable', 0, 'errno'],
    ['mutex_lock_killable_nested', 0, 'errno'],
    ['mutex_trylock', 0, 'false'],
  ]),
  ...acquires('lock', 'rwlock', 'read_unlock()/write_unlock()', [
    ['read_lock', 0, 'never'],
    ['read_lock_bh', 0, 'never'],
    ['read_lock_irq', 0, 'never'],
    ['read_lock_irqsave', 0, 'never'],
    ['write_lock', 0, 'never'],
    ['write_lock_bh', 0, 'never'],
    ['write_lock_irq', 0, 'never'],
    ['write_lock_irqsave', 0, 'never'],
    ['read_trylock', 0, 'false'],
    ['write_trylock', 0, 'false'],
  ]),
  ...acquires('lock', 'semaphore', 'up()', [
    ['down', 0, 'never'],
    ['down_interruptible', 0, 'errno'],
    ['down_killable', 0, 'errno'],
    ['down_timeout', 0, 'errno'],
    ['down_trylock', 0, 'zero-ok'],
  ]),
  ...acquires('lock', 'rw_semaphore', 'up_read()/up_write()', [
    ['down_read', 0, 'never'],
    ['down_read_nested', 0, 'never'],
    ['down_write', 0, 'never'],
    ['down_write_nested', 0, 'never'],
    ['down_read_interruptible', 0, 'errno'],
    ['down_read_killable', 0, 'errno'],
    ['down_write_killable', 0, 'errno'],
    ['down_read_trylock', 0, 'false'],
    ['down_write_trylock', 0, 'false'],
  ]),
  ...acquires('lock', 'RCU read-side critical section', 'rcu_read_unlock()', [
    ['rcu_read_lock', 'implicit', 'never'],
  ]),
  ...acquires('lock', 'RCU-bh read-side critical section', 'rcu_read_unlock_bh()', [
    ['rcu_read_lock_bh', 'implicit', 'never'],
  ]),
  ...acquires('lock', 'socket lock', 'release_sock()', [['lock_sock', 0, 'never']]),
  ...acquires('lock', 'RTNL', 'rtnl_unlock()', [
    ['rtnl_lock', 'implicit', 'never'],
    ['rtnl_trylock', 'implicit', 'false'],
  ]),
];

/** A call that sets a state of its one argument, which a query of the same argument then answers. */
export interface StateSetterApi {
  name: string;
  query: string;
  answer: ValueMask;
}

/** `pm_runtime_enable(dev)` ... `if (!pm_runtime_enabled(dev))`: what the function set is what it reads back. */
const STATE_SETTER_APIS: readonly StateSetterApi[] = [
  { name: 'pm_runtime_enable', query: 'pm_runtime_enabled', answer: POSITIVE },
  { name: 'pm_runtime_disable', query: 'pm_runtime_enabled', answer: ZERO },
];

const stateSetterByName = new Map(STATE_SETTER_APIS.map((api) => [api.name, api]));

export function stateSetterApi(name: string): StateSetterApi | undefined {
  return stateSetterByName.get(name);
}

/** The name an implicit-carrier acquire (no argument names it) gives its resource. */
export const IMPLICIT_RESOURCE_NAMES: Readonly<Record<string, string>> = {
  rcu_read_lock: 'rcu',
  rcu_read_unlock: 'rcu',
  rcu_read_lock_bh: 'rcu_bh',
  rcu_read_unlock_bh: 'rcu_bh',
  rtnl_lock: 'rtnl',
  rtnl_trylock: 'rtnl',
  rtnl_unlock: 'rtnl',
};

export const RELEASE_APIS: readonly ReleaseApi[] = [
  ...releases('module', [
    ['module_put', 0],
    ['module_put_and_exit', 'implicit', 'THIS_MODULE'],
    ['module_put_and_kthread_exit', 'implicit', 'THIS_MODULE'],
    ['fops_put', 0],
  ]),
  { name: 'free_irq', kind: 'reference', carrier: 0, cookie: 1 },
  ...releases('reference', [
    ['usb_put_dev', 0],
    ['dma_async_device_unregister', 0],
    ['put_task_struct', 0],
    ['put_pid', 0],
    ['put_device', 0],
    ['platform_device_put', 0],
    ['i2c_put_adapter', 0],
    ['pci_dev_put', 0],
    ['of_node_put', 0],
    ['fwnode_handle_put', 0],
    ['kref_put', 0],
    ['kref_put_mutex', 0],
    ['kref_put_lock', 0],
    ['kobject_put', 0],
    ['fput', 0],
    ['filp_close', 0],
    ['dput', 0],
    ['pm_runtime_put', 0],
    ['pm_runtime_put_sync', 0],
    ['pm_runtime_put_noidle', 0],
    ['pm_runtime_put_autosuspend', 0],
    ['pm_runtime_put_sync_autosuspend', 0],
    ['pm_runtime_put_sync_suspend', 0],
    ['clk_disable_unprepare', 0],
    ['clk_unprepare', 0],
    ['clk_disable', 0],
    ['clk_bulk_disable_unprepare', 1],
    ['clk_bulk_unprepare', 1],
    ['clk_bulk_disable', 1],
    ['regulator_disable', 0],
    ['regulator_bulk_disable', 1],
  ]),
  ...releases('memory', [
    ['iounmap', 0],
    ['free_netdev', 0],
    ['dma_free_coherent', 2],
    ['sg_free_table', 0],
    ['kfree', 0],
    ['kvfree', 0],
    ['vfree', 0],
    ['kfree_sensitive', 0],
    ['kvfree_sensitive', 0],
    ['kzfree', 0],
    ['kfree_const', 0],
    ['kfree_rcu', 0],
    ['kvfree_rcu', 0],
    ['kfree_rcu_mightsleep', 0],
    ['bitmap_free', 0],
    ['kmem_cache_free', 1],
    // include/linux/fs.h: kmem_cache_free(names_cachep, ...).
    ['__putname', 0],
  ]),
  ...releases('lock', [
    ['inode_unlock', 0],
    ['inode_unlock_shared', 0],
    ['spin_unlock', 0],
    ['spin_unlock_bh', 0],
    ['spin_unlock_irq', 0],
    ['spin_unlock_irqrestore', 0],
    ['raw_spin_unlock', 0],
    ['raw_spin_unlock_bh', 0],
    ['raw_spin_unlock_irq', 0],
    ['raw_spin_unlock_irqrestore', 0],
    ['xa_unlock', 0],
    ['xa_unlock_bh', 0],
    ['xa_unlock_irq', 0],
    ['xa_unlock_irqrestore', 0],
    ['mutex_unlock', 0],
    ['read_unlock', 0],
    ['read_unlock_bh', 0],
    ['read_unlock_irq', 0],
    ['read_unlock_irqrestore', 0],
    ['write_unlock', 0],
    ['write_unlock_bh', 0],
    ['write_unlock_irq', 0],
    ['write_unlock_irqrestore', 0],
    ['up', 0],
    ['up_read', 0],
    ['up_write', 0],
    ['rcu_read_unlock', 'implicit', 'rcu'],
    ['rcu_read_unlock_bh', 'implicit', 'rcu_bh'],
    ['release_sock', 0],
    ['rtnl_unlock', 'implicit', 'rtnl'],
  ]),
  ...releases('completion', [
    ['complete', 0],
    ['complete_all', 0],
    ['complete_and_exit', 0],
    ['kthread_complete_and_exit', 0],
  ]),
];

export const THREAD_STARTER_APIS: readonly ThreadStarterApi[] = [
  { name: 'kernel_thread', functionArgument: 0, dataArgument: 1, failure: 'negative' },
  { name: 'kthread_run', functionArgument: 0, dataArgument: 1, failure: 'err-ptr' },
  { name: 'kthread_create', functionArgument: 0, dataArgument: 1, failure: 'err-ptr' },
  { name: 'kthread_create_on_node', functionArgument: 0, dataArgument: 1, failure: 'err-ptr' },
  { name: 'kthread_create_on_cpu', functionArgument: 0, dataArgument: 1, failure: 'err-ptr' },
  { name: 'kthread_run_on_cpu', functionArgument: 0, dataArgument: 1, failure: 'err-ptr' },
];

/**
 * Calls that hand work to something that runs later or elsewhere (a new thread, a work item, a
 * timer, an RCU callback, an interrupt handler), with what they do in words: the code they start
 * may outlive the caller, which is why a module reference is taken before them.
 */
const DEFERRED_WORK_VERBS: ReadonlyMap<string, string> = new Map([
  ...['kernel_thread', 'kthread_run', 'kthread_create', 'kthread_create_on_node', 'kthread_run_on_cpu', 'kthread_create_on_cpu', 'kthread_run_worker', 'kthread_create_worker'].map(
    (name): [string, string] => [name, 'starts a thread with'],
  ),
  ...['schedule_work', 'schedule_delayed_work', 'queue_work', 'queue_delayed_work', 'mod_delayed_work', 'queue_work_on', 'queue_rcu_work', 'kthread_queue_work', 'schedule_work_on'].map(
    (name): [string, string] => [name, 'queues work with'],
  ),
  ...['mod_timer', 'add_timer', 'hrtimer_start', 'timer_reduce'].map((name): [string, string] => [name, 'arms a timer with']),
  ...['call_rcu', 'call_srcu'].map((name): [string, string] => [name, 'queues a callback with']),
  ...['request_irq', 'request_threaded_irq', 'devm_request_irq', 'devm_request_threaded_irq'].map((name): [string, string] => [name, 'installs an interrupt handler with']),
]);

/** Set a work item up with the function it runs (`INIT_WORK(&ew->work, handle_event)`). */
export const WORK_INITIALIZERS: ReadonlySet<string> = new Set(['INIT_WORK', 'INIT_DELAYED_WORK', 'INIT_RCU_WORK']);

export function deferredWorkVerb(name: string): string | undefined {
  return DEFERRED_WORK_VERBS.get(name);
}

/** Work that runs later in a work item, a timer or an RCU callback (threads are started by THREAD_STARTER_APIS). */
export function queuesDeferredWork(name: string): boolean {
  const verb = DEFERRED_WORK_VERBS.get(name);
  return verb === 'queues work with' || verb === 'arms a timer with' || verb === 'queues a callback with';
}

/**
 * Allocators whose memory starts on a page (Documentation/core-api/dma-api-howto.rst: aligned to
 * the smallest PAGE_SIZE order not smaller than the size).
 */
export const PAGE_ALIGNED_ALLOCATORS: ReadonlySet<string> = new Set(['dma_alloc_coherent', 'dma_alloc_attrs', 'dma_alloc_wc']);

export const HAND_OFF_APIS: readonly HandOffApi[] = [
  { name: 'list_add', argument: 0 },
  { name: 'list_add_tail', argument: 0 },
  { name: 'list_add_rcu', argument: 0 },
  { name: 'list_add_tail_rcu', argument: 0 },
  // Unlinks the entry from wherever it was (itself, when new) and links it into the list.
  { name: 'list_move', argument: 0 },
  { name: 'list_move_tail', argument: 0 },
  { name: 'list_replace', argument: 1 },
  { name: 'list_replace_init', argument: 1 },
  { name: 'list_replace_rcu', argument: 1 },
  { name: 'hlist_replace_rcu', argument: 1 },
  // The card owns the component: its dev_free op frees it when the card goes.
  { name: 'snd_device_new', argument: 2 },
  // The control keeps its private data (its private_free frees it); snd_ctl_add() frees a
  // control it cannot add, and io_fixed_fd_install() puts a file it cannot install.
  { name: 'snd_ctl_new1', argument: 1, failure: 'null' },
  // The author tells kmemleak the object is kept on purpose, where no pointer it scans reaches it.
  { name: 'kmemleak_ignore', argument: 0 },
  { name: 'kmemleak_not_leak', argument: 0 },
  { name: 'snd_ctl_add', argument: 1 },
  { name: 'snd_ctl_replace', argument: 1 },
  { name: 'io_fixed_fd_install', argument: 2 },
  { name: 'pci_scan_root_bus', argument: 3 },
  // The file's f_op from here on; its ->release (or the fops_put() of the next replace_fops()) lets it go (debugfs' proxy fops).
  { name: 'replace_fops', argument: 1 },
  // The task's calldata: rpc_release frees it, even when the task cannot be started (rpc_new_task() failing).
  { name: 'rpc_call_async', argument: 4 },
  // The callback_data of the task setup it is given, likewise.
  { name: 'rpc_run_task', argument: 0, throughSetup: true },
  { name: 'hlist_add_head', argument: 0 },
  { name: 'hlist_add_head_rcu', argument: 0 },
  { name: 'hlist_add_behind', argument: 0 },
  { name: 'hlist_add_before', argument: 0 },
  { name: 'hlist_add_behind_rcu', argument: 0 },
  { name: 'hlist_add_before_rcu', argument: 0 },
  { name: 'hlist_add_tail_rcu', argument: 0 },
  { name: 'hlist_nulls_add_head_rcu', argument: 0 },
  { name: 'llist_add', argument: 0 },
  { name: 'rb_link_node', argument: 0 },
  { name: 'platform_set_drvdata', argument: 1, borrowsOnly: true },
  { name: 'dev_set_drvdata', argument: 1, borrowsOnly: true },
  { name: 'i2c_set_clientdata', argument: 1, borrowsOnly: true },
  { name: 'spi_set_drvdata', argument: 1, borrowsOnly: true },
  { name: 'pci_set_drvdata', argument: 1, borrowsOnly: true },
  { name: 'usb_set_intfdata', argument: 1, borrowsOnly: true },
  { name: 'hid_set_drvdata', argument: 1, borrowsOnly: true },
  { name: 'input_set_drvdata', argument: 1, borrowsOnly: true },
  { name: 'serdev_device_set_drvdata', argument: 1, borrowsOnly: true },
  { name: 'idr_alloc', argument: 1 },
  { name: 'idr_alloc_cyclic', argument: 1 },
  { name: 'idr_alloc_u32', argument: 1 },
  { name: 'idr_replace', argument: 1 },
  { name: 'xa_store', argument: 2 },
  { name: 'xa_insert', argument: 2 },
  { name: 'xa_alloc', argument: 2 },
  { name: 'xa_alloc_cyclic', argument: 2 },
  { name: 'xa_cmpxchg', argument: 3 },
  { name: 'xa_store_bh', argument: 2 },
  { name: 'xa_store_irq', argument: 2 },
  { name: '__xa_store', argument: 2 },
  { name: 'radix_tree_insert', argument: 2 },
  { name: 'call_rcu', argument: 0 },
  { name: 'schedule_work', argument: 0 },
  { name: 'schedule_delayed_work', argument: 0 },
  { name: 'queue_work', argument: 1 },
  { name: 'queue_delayed_work', argument: 1 },
  { name: 'add_timer', argument: 0 },
  { name: 'mod_timer', argument: 0 },
  { name: 'request_irq', argument: 4, keepsName: 3 },
  { name: 'request_threaded_irq', argument: 5, keepsName: 4 },
  { name: 'request_any_context_irq', argument: 4, keepsName: 3 },
  { name: 'devm_request_irq', argument: 5, keepsName: 4 },
  { name: 'devm_request_threaded_irq', argument: 6, keepsName: 5 },
  // The name or label is not copied: the resource or GPIO descriptor keeps the pointer while it is held.
  { name: 'request_region', argument: 2, failure: 'null' },
  { name: 'request_mem_region', argument: 2, failure: 'null' },
  { name: 'request_muxed_region', argument: 2, failure: 'null' },
  { name: 'devm_request_region', argument: 3, failure: 'null' },
  { name: 'devm_request_mem_region', argument: 3, failure: 'null' },
  { name: 'gpio_request', argument: 1, failure: 'errno' },
  { name: 'gpio_request_one', argument: 2, failure: 'errno' },
  { name: 'devm_gpio_request', argument: 2, failure: 'errno' },
  { name: 'devm_gpio_request_one', argument: 3, failure: 'errno' },
  // drivers/of/dynamic.c: the node keeps the property (a replaced one moves to its deadprops list).
  { name: 'of_add_property', argument: 1, failure: 'errno' },
  { name: 'of_update_property', argument: 1, failure: 'errno' },
  { name: 'devm_add_action', argument: 2, undoes: 'on-success' },
  { name: 'devm_add_action_or_reset', argument: 2, undoes: 'always' },
  { name: 'drmm_add_action', argument: 2, undoes: 'on-success' },
  { name: 'drmm_add_action_or_reset', argument: 2, undoes: 'always' },
  { name: 'single_open', argument: 2 },
  // The file's private data, released by the fops' ->release() once the file exists.
  { name: 'anon_inode_getfd', argument: 2, failure: 'negative' },
  { name: 'anon_inode_getfile', argument: 2, failure: 'err-ptr' },
  // The old buffer becomes the new one when the call succeeds; it is still the caller's when it fails.
  { name: 'krealloc', argument: 0, failure: 'null' },
  { name: 'krealloc_array', argument: 0, failure: 'null' },
  { name: 'debugfs_create_file', argument: 3 },
  { name: 'proc_create_data', argument: 4 },
  { name: 'skb_queue_tail', argument: 1 },
  { name: 'skb_queue_head', argument: 1 },
  { name: 'tasklet_init', argument: 2 },
  { name: 'kthread_stop_put', argument: 0 },
  // drivers/gpu/drm/ttm/ttm_bo.c: the buffer object is TTM's from here; on failure TTM calls its destroy function.
  { name: 'ttm_bo_init_reserved', argument: 1 },
  { name: 'ttm_bo_init_validate', argument: 1 },
  // drivers/dma-buf/dma-fence-array.c: the array owns the fences it is given, and frees them with itself.
  { name: 'dma_fence_array_create', argument: 1, failure: 'null' },
  // drivers/base/devcoredump.c: the dump owns its data and frees it (vfree(), the sg table, the free callback).
  { name: 'dev_coredumpv', argument: 1 },
  { name: 'dev_coredumpm', argument: 2 },
  { name: 'dev_coredumpsg', argument: 1 },
  // DRM mode objects: the device's mode config lists keep them, and drm_mode_config_cleanup()
  // calls each one's funcs->destroy(), which frees the driver structure around it.
  { name: 'drm_crtc_init_with_planes', argument: 1, alsoArguments: [2, 3], cleanedUpByOwner: true },
  { name: 'drm_universal_plane_init', argument: 1, cleanedUpByOwner: true },
  { name: 'drm_plane_init', argument: 1, cleanedUpByOwner: true },
  { name: 'drm_encoder_init', argument: 1, cleanedUpByOwner: true },
  { name: 'drm_simple_encoder_init', argument: 1, cleanedUpByOwner: true },
  { name: 'drm_connector_init', argument: 1, cleanedUpByOwner: true },
  { name: 'drm_connector_init_with_ddc', argument: 1, cleanedUpByOwner: true },
  { name: 'drm_writeback_connector_init', argument: 1, cleanedUpByOwner: true },
  // Stores written as macros.
  { name: 'rcu_assign_pointer', argument: 1 },
  { name: 'RCU_INIT_POINTER', argument: 1 },
  { name: 'rcu_replace_pointer', argument: 1 },
  { name: 'WRITE_ONCE', argument: 1 },
  { name: 'smp_store_release', argument: 1 },
  { name: 'xchg', argument: 1 },
  { name: 'cmpxchg', argument: 2 },
  { name: 'cmpxchg64', argument: 2 },
  { name: 'cmpxchg_relaxed', argument: 2 },
  { name: 'cmpxchg_acquire', argument: 2 },
  { name: 'cmpxchg_release', argument: 2 },
  { name: 'try_cmpxchg', argument: 2 },
  { name: 'xchg_relaxed', argument: 1 },
  { name: 'xchg_release', argument: 1 },
  { name: 'swap', argument: 1 },
];

export const WAIT_APIS: readonly WaitApi[] = [
  { name: 'wait_for_completion', argument: 0, forever: true },
  { name: 'wait_for_completion_io', argument: 0, forever: true },
  { name: 'wait_for_completion_interruptible', argument: 0, forever: false },
  { name: 'wait_for_completion_killable', argument: 0, forever: false },
  { name: 'wait_for_completion_state', argument: 0, forever: false },
  { name: 'wait_for_completion_timeout', argument: 0, forever: false },
  { name: 'wait_for_completion_io_timeout', argument: 0, forever: false },
  { name: 'wait_for_completion_interruptible_timeout', argument: 0, forever: false },
  { name: 'wait_for_completion_killable_timeout', argument: 0, forever: false },
];

export const ITERATION_MACROS: readonly IterationMacro[] = [
  ...[
    ['for_each_child_of_node', 1],
    ['for_each_available_child_of_node', 1],
    ['for_each_reserved_child_of_node', 1],
    ['for_each_endpoint_of_node', 1],
    ['for_each_node_by_name', 0],
    ['for_each_node_by_type', 0],
    ['for_each_compatible_node', 0],
    ['for_each_matching_node', 0],
    ['for_each_matching_node_and_match', 0],
    ['for_each_node_with_property', 0],
    ['for_each_of_cpu_node', 0],
    ['for_each_of_graph_port', 1],
    ['for_each_of_graph_port_endpoint', 1],
  ].map(([name, variableArgument]) => ({
    name: name as string,
    variableArgument: variableArgument as number,
    noun: 'reference on the device node',
    release: 'of_node_put()',
  })),
  ...[
    ['fwnode_for_each_child_node', 1],
    ['fwnode_for_each_available_child_node', 1],
    ['device_for_each_child_node', 1],
    ['fwnode_graph_for_each_endpoint', 1],
  ].map(([name, variableArgument]) => ({
    name: name as string,
    variableArgument: variableArgument as number,
    noun: 'reference on the fwnode',
    release: 'fwnode_handle_put()',
  })),
  { name: 'for_each_pci_dev', variableArgument: 0, noun: 'reference on the PCI device', release: 'pci_dev_put()' },
];

/** A call that may leave something held: an acquire of the table or a for_each loop holding a reference (a cheap text test before building a CFG). */
export const HOLDING_CALL = new RegExp(
  `(?<![\\w$])(?:${[...ACQUIRE_APIS.map((api) => api.name), ...ITERATION_MACROS.map((macro) => macro.name)].join('|')})\\s*\\(`,
);

/*
 * The rows below are looked up on every call a path passes, by a few hot functions of the
 * engine. Written as literals, a row has one of dozens of object shapes (the optional fields it
 * sets, in the order it sets them), and V8 recompiled those functions for each new shape it met
 * (on a sweep of 1,500 files, its optimising compiler took a quarter of the CPU, most of it
 * recompiling). Each row is rebuilt with every field present, in one order.
 */

/** An acquire row with every field present, in one order (see above). */
export function uniformAcquire(api: AcquireApi): AcquireApi {
  return {
    name: api.name,
    kind: api.kind,
    carrier: api.carrier,
    returnsCarrier: api.returnsCarrier,
    failure: api.failure,
    releasesArgument: api.releasesArgument,
    nullGivenNull: api.nullGivenNull,
    noun: api.noun,
    release: api.release,
    count: api.count,
    cookie: api.cookie,
    heldOnFailure: api.heldOnFailure,
    onlyWhereFileReleases: api.onlyWhereFileReleases,
    numbered: api.numbered,
    mined: api.mined,
  };
}

/** A release row with every field present, in one order. */
export function uniformRelease(api: ReleaseApi): ReleaseApi {
  return { name: api.name, kind: api.kind, carrier: api.carrier, implicitName: api.implicitName, cookie: api.cookie };
}

function uniformHandOff(api: HandOffApi): HandOffApi {
  return {
    name: api.name,
    argument: api.argument,
    borrowsOnly: api.borrowsOnly,
    undoes: api.undoes,
    failure: api.failure,
    keepsName: api.keepsName,
    alsoArguments: api.alsoArguments,
    cleanedUpByOwner: api.cleanedUpByOwner,
    throughSetup: api.throughSetup,
  };
}

const acquireByName = new Map(ACQUIRE_APIS.map((api) => [api.name, uniformAcquire(api)]));
const releaseByName = new Map(RELEASE_APIS.map((api) => [api.name, uniformRelease(api)]));
const starterByName = new Map(THREAD_STARTER_APIS.map((api) => [api.name, api]));
const handOffByName = new Map(HAND_OFF_APIS.map((api) => [api.name, uniformHandOff(api)]));
const waitByName = new Map(WAIT_APIS.map((api) => [api.name, api]));
const iterationByName = new Map(ITERATION_MACROS.map((macro) => [macro.name, macro]));

export function iterationMacro(name: string): IterationMacro | undefined {
  return iterationByName.get(name);
}

export function acquireApi(name: string): AcquireApi | undefined {
  return acquireByName.get(name);
}

export function releaseApi(name: string): ReleaseApi | undefined {
  return releaseByName.get(name);
}

/** The calls an acquire's release text names: `'up_read()/up_write()'` gives up_read and up_write. */
export function releaseCallsOf(release: string): string[] {
  return release.split('/').map((call) => call.replace(/\(\)$/, ''));
}

export function threadStarterApi(name: string): ThreadStarterApi | undefined {
  return starterByName.get(name);
}

export function handOffApi(name: string): HandOffApi | undefined {
  return handOffByName.get(name);
}

export function waitApi(name: string): WaitApi | undefined {
  return waitByName.get(name);
}

const DESTRUCTOR_WORDS = new Set([
  'free', 'dealloc', 'put', 'release', 'destroy', 'unref', 'cleanup', 'delete', 'del', 'remove', 'unregister', 'deinit',
  'uninit', 'dispose', 'drop', 'kill', 'fini', 'finish', 'close', 'unmap', 'detach', 'exit',
]);
const REGISTRATION_WORDS = new Set([
  'register', 'add', 'queue', 'insert', 'attach', 'enqueue', 'submit', 'install', 'publish', 'store', 'push',
  'link', 'hash', 'commit', 'adopt', 'own', 'consume', 'transfer', 'post', 'send', 'xmit', 'hold',
]);

const SETTER_OBJECTS = new Set(['data', 'drvdata', 'priv', 'private', 'clientdata', 'intfdata', 'ctx', 'context', 'userdata', 'cookie', 'owner', 'parent', 'buf', 'buffer', 'node', 'of', 'fwnode']);

function nameWords(name: string): string[] {
  const bare = name.replace(/^.*(?:->|\.)/, '');
  return bare.split('_').filter((word) => word !== '').map((word) => word.toLowerCase());
}

/** Name judgements are asked for on every call a path passes: remembered per name. */
const releaseNameCache = new Map<ResourceKind, Map<string, boolean>>();
const handOffNameCache = new Map<string, boolean>();

/**
 * An unknown function that, by its name, releases what it is given: `foo_free(p)`,
 * `my_put(dev)`, `unlock_thing(&l)`, `signal_done(&c)`.
 */
export function nameSuggestsRelease(name: string, kind: ResourceKind): boolean {
  return memoized(releaseNameCache, kind, name, () => releaseByWords(nameWords(name), kind));
}

function releaseByWords(words: string[], kind: ResourceKind): boolean {
  switch (kind) {
    case 'lock':
      return words.some((word) => word.includes('unlock') || word === 'up');
    case 'completion':
      return words.some((word) => word.startsWith('complete') || word === 'done' || word === 'signal');
    case 'module':
      return words.includes('module') && words.includes('put');
    default:
      return words.some((word) => DESTRUCTOR_WORDS.has(word) || /^(k|kv|v)?free$/.test(word));
  }
}

const COUNT_DROP_WORDS = new Set(['disable', 'unprepare', 'off', 'down', 'suspend', 'stop', 'shutdown', 'teardown', 'unwind', 'undo']);

/**
 * An unknown function that, by its name, may drop a count kept on what it is given, or on a
 * structure holding it: `foo_disable_clocks(priv)`, `foo_power_off(st)`, `foo_cleanup(priv)`.
 */
export function nameSuggestsCountRelease(name: string): boolean {
  // The runtime PM, clock and regulator calls that drop a count are in the table; the others
  // (pm_runtime_disable(), clk_set_rate()) do not.
  if (/^(?:pm_runtime|clk|regulator)_/.test(name)) return false;
  return nameSuggestsRelease(name, 'reference') || nameWords(name).some((word) => COUNT_DROP_WORDS.has(word));
}

const TEARDOWN_WORDS = new Set(['close', 'release', 'remove', 'deinit', 'cleanup', 'uninit', 'exit', 'fini', 'destroy', 'unregister', 'unbind', 'poweroff', 'terminate']);

/**
 * A helper that, by its name, tears something down (`imx_keypad_close(dev)`, `foo_power_off(priv)`):
 * what it drops it may reach through its own arguments or drvdata, which cptlint does not follow.
 */
export function nameSuggestsTeardown(name: string): boolean {
  return nameSuggestsCountRelease(name) || nameWords(name).some((word) => TEARDOWN_WORDS.has(word));
}

/** An unknown function that, by its name, takes ownership of what it is given: `*_register*`, `*_add*`, `queue_*`. */
const setUpNameCache = new Map<string, boolean>();

/** Words of a function that sets an object up with what it is given (nfp_repr_init(app, repr, id, port, netdev)), which it may keep. */
const SET_UP_WORDS = new Set(['init', 'setup', 'bind', 'assign', 'set']);

/** Whether a function of the tree, by its name, sets up one argument with the others (see the engine's ties). */
export function nameSuggestsSetUp(name: string): boolean {
  let known = setUpNameCache.get(name);
  if (known === undefined) {
    known = nameWords(name).some((word) => SET_UP_WORDS.has(word));
    setUpNameCache.set(name, known);
  }
  return known;
}

export function nameSuggestsHandOff(name: string): boolean {
  let known = handOffNameCache.get(name);
  if (known === undefined) {
    const words = nameWords(name);
    // set_gadget_data(gadget, dev), foo_set_priv(x, p): a setter that keeps the pointer in its first argument.
    known =
      words.some((word) => REGISTRATION_WORDS.has(word) || word.startsWith('register')) ||
      (words.includes('set') && words.some((word) => SETTER_OBJECTS.has(word)));
    handOffNameCache.set(name, known);
  }
  return known;
}
