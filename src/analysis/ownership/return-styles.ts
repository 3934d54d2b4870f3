/**
 * How well-known kernel APIs that return a pointer say they failed: an ERR_PTR() and never
 * NULL, NULL and never an ERR_PTR(), or either. Data only: the rule err-ptr-null-check reads
 * it to tell an `if (!p)` that cannot catch a failure from one that does.
 *
 * The acquire table (resources.ts) already knows the style of the allocations and lookups it
 * holds, and the thread-starter table that of kthread_run() and its kin: they are taken from
 * there, not copied. Entries here are checked against current kernel source (v6.x); an API
 * whose style changed across releases or differs between its real and its stub form in a
 * way that makes NULL a failure is left out: wrong data is worse than missing data.
 *
 * Notes on entries that look odd:
 * - clk_get(), devm_clk_get(), regulator_get(), devm_pinctrl_get() return NULL from their
 *   !CONFIG stubs, but NULL is then a valid dummy handle, not a failure: the failure is
 *   still only ever an ERR_PTR(), so they are `err-ptr`.
 * - regulator_get_optional() and devm_regulator_get_optional() return ERR_PTR(-ENODEV) when
 *   the supply is absent, never NULL (unlike the gpiod, clk, reset and phy _optional getters,
 *   which return NULL then): they are `err-ptr`.
 * - debugfs_create_*() return an ERR_PTR() (ERR_PTR(-ENODEV) when debugfs is off), never NULL,
 *   and callers are not meant to test them at all.
 */
import { ACQUIRE_APIS, THREAD_STARTER_APIS, type FailureStyle } from './resources.js';
import { kernelFacts, type PointerConvention } from '../../facts/kernel-facts.js';

/** The failure styles of a returned pointer. */
export type PointerFailureStyle = Extract<FailureStyle, 'null' | 'err-ptr' | 'err-ptr-or-null'>;

export interface ReturnStyle {
  name: string;
  /**
   * - null: NULL on failure, never an ERR_PTR() (IS_ERR() of the result is always false);
   * - err-ptr: an ERR_PTR() on failure, never NULL (`!p` of the result is always false);
   * - err-ptr-or-null: either (an _optional getter: NULL when absent, ERR_PTR() on error).
   */
  failure: PointerFailureStyle;
  /** For `null` APIs: the errno a caller usually returns when the call fails. */
  errno?: string;
  /** Callers are not meant to test the result at all (debugfs): a comment says drop the test. */
  uncheckedByDesign?: boolean;
  /**
   * The mined facts (src/facts) see both NULL and ERR_PTR() returns where the table names one
   * style: why the table's style is the contract callers test for (a !CONFIG stub whose NULL
   * is a valid dummy handle, a NULL only for an argument the name rules out).
   */
  treeBoth?: string;
}

function styles(failure: PointerFailureStyle, names: string[], extra: Partial<ReturnStyle> = {}): ReturnStyle[] {
  return names.map((name) => ({ name, failure, ...extra }));
}

const POINTER_STYLES: ReadonlySet<FailureStyle> = new Set<FailureStyle>(['null', 'err-ptr', 'err-ptr-or-null']);

function isPointerStyle(style: FailureStyle): style is PointerFailureStyle {
  return POINTER_STYLES.has(style);
}

/**
 * The acquire table's returned pointers (kmalloc(), of_parse_phandle(), filp_open(),
 * memdup_user()...). Entries whose carrier is an argument (get_device(dev) returns dev) are
 * left out: they return what they were given.
 */
const FROM_ACQUIRE_TABLE: ReturnStyle[] = ACQUIRE_APIS.flatMap((api) => {
  if (api.carrier !== 'return' || !isPointerStyle(api.failure)) return [];
  return [{ name: api.name, failure: api.failure, ...(api.failure === 'null' && api.kind === 'memory' ? { errno: '-ENOMEM' } : {}) }];
});

const FROM_THREAD_STARTERS: ReturnStyle[] = THREAD_STARTER_APIS.flatMap((api) =>
  isPointerStyle(api.failure) ? [{ name: api.name, failure: api.failure }] : [],
);

const ERR_PTR_APIS: ReturnStyle[] = [
  // I/O memory: the resource-checking mappers fail with an ERR_PTR() (devm_ioremap() does not).
  ...styles('err-ptr', [
    'devm_ioremap_resource',
    'devm_ioremap_resource_wc',
    'devm_platform_ioremap_resource',
    'devm_platform_ioremap_resource_byname',
    'devm_platform_get_and_ioremap_resource',
    'devm_of_iomap',
    'of_io_request_and_map',
    'devm_memremap',
  ]),
  // Clocks.
  ...styles('err-ptr', [
    'clk_get',
    'devm_clk_get',
    'devm_clk_get_enabled',
    'devm_clk_get_prepared',
    'of_clk_get',
    'of_clk_get_by_name',
    'devm_get_clk_from_child',
    'clk_register',
    'devm_clk_register',
    'clk_register_fixed_rate',
    'clk_register_gate',
  ]),
  // Regulators (the _optional getters too: ERR_PTR(-ENODEV) when absent).
  ...styles('err-ptr', [
    'regulator_get',
    'devm_regulator_get',
    'regulator_get_exclusive',
    'devm_regulator_get_exclusive',
    'regulator_get_optional',
    'devm_regulator_get_optional',
    'regulator_register',
    'devm_regulator_register',
  ]),
  // Reset controls (the non-optional getters).
  ...styles('err-ptr', [
    'reset_control_get_exclusive',
    'reset_control_get_shared',
    'of_reset_control_get',
    'devm_reset_control_get',
    'devm_reset_control_get_exclusive',
    'devm_reset_control_get_shared',
    'devm_reset_control_get_by_index',
    'devm_reset_control_get_exclusive_by_index',
    'devm_reset_control_get_shared_by_index',
    'devm_reset_control_array_get_exclusive',
    'devm_reset_control_array_get_shared',
  ]),
  // GPIO descriptors (the non-optional getters; the !CONFIG_GPIOLIB stubs return ERR_PTR(-ENOSYS)).
  ...styles('err-ptr', [
    'gpiod_get',
    'devm_gpiod_get',
    'gpiod_get_index',
    'devm_gpiod_get_index',
    'gpiod_get_array',
    'devm_gpiod_get_array',
    'fwnode_gpiod_get_index',
    'devm_fwnode_gpiod_get',
  ]),
  // Generic and USB PHYs.
  ...styles('err-ptr', [
    'phy_get',
    'devm_phy_get',
    'of_phy_get',
    'devm_of_phy_get',
    'phy_create',
    'devm_phy_create',
    'devm_of_phy_provider_register',
    'usb_get_phy',
    'devm_usb_get_phy',
    'devm_usb_get_phy_by_phandle',
  ]),
  // Pin control.
  ...styles('err-ptr', [
    'pinctrl_get',
    'devm_pinctrl_get',
    'pinctrl_lookup_state',
    'devm_pinctrl_get_select',
    'devm_pinctrl_get_select_default',
    'pinctrl_register',
    'devm_pinctrl_register',
  ]),
  // Regmap and syscon.
  ...styles('err-ptr', [
    'syscon_node_to_regmap',
    'syscon_regmap_lookup_by_phandle',
    'syscon_regmap_lookup_by_phandle_args',
    'syscon_regmap_lookup_by_compatible',
    'device_node_to_regmap',
    'regmap_init',
    'devm_regmap_init',
    'regmap_init_mmio',
    'devm_regmap_init_mmio',
    'devm_regmap_init_mmio_clk',
    'regmap_init_i2c',
    'devm_regmap_init_i2c',
    'regmap_init_spi',
    'devm_regmap_init_spi',
    'regmap_field_alloc',
    'devm_regmap_field_alloc',
  ]),
  // Driver model: devices, classes, platform and I2C clients.
  ...styles('err-ptr', [
    'class_create',
    'device_create',
    'device_create_with_groups',
    'platform_device_register_simple',
    'platform_device_register_data',
    'platform_device_register_full',
    'platform_device_register_resndata',
    'i2c_new_client_device',
    'i2c_new_dummy_device',
    'devm_i2c_new_dummy_device',
    'i2c_new_ancillary_device',
    'kthread_create_worker',
  ]),
  // debugfs: an ERR_PTR() on failure, and the callers should not test it at all.
  ...styles('err-ptr', ['debugfs_create_dir', 'debugfs_create_file', 'debugfs_create_file_unsafe', 'debugfs_create_symlink'], {
    uncheckedByDesign: true,
  }),
  // Files and mounts.
  ...styles('err-ptr', ['anon_inode_getfile', 'alloc_file_pseudo', 'dentry_open', 'shmem_file_setup', 'getname', 'kern_mount']),
  // DMA engine channels (dma_request_slave_channel() is the NULL one).
  ...styles('err-ptr', ['dma_request_chan', 'dma_request_chan_by_mask']),
  // Crypto transforms.
  ...styles('err-ptr', [
    'crypto_alloc_base',
    'crypto_alloc_cipher',
    'crypto_alloc_comp',
    'crypto_alloc_shash',
    'crypto_alloc_ahash',
    'crypto_alloc_skcipher',
    'crypto_alloc_sync_skcipher',
    'crypto_alloc_aead',
    'crypto_alloc_akcipher',
    'crypto_alloc_kpp',
    'crypto_alloc_rng',
  ]),
  // Class devices of other subsystems.
  ...styles('err-ptr', [
    'hwmon_device_register_with_groups',
    'devm_hwmon_device_register_with_groups',
    'hwmon_device_register_with_info',
    'devm_hwmon_device_register_with_info',
    'devm_thermal_of_zone_register',
    'thermal_of_cooling_device_register',
    'devm_thermal_of_cooling_device_register',
    'power_supply_register',
    'devm_power_supply_register',
    'devm_rtc_allocate_device',
    'devm_rtc_device_register',
    'backlight_device_register',
    'devm_backlight_device_register',
    'nvmem_register',
    'devm_nvmem_register',
    'nvmem_cell_get',
    'devm_nvmem_cell_get',
    'of_nvmem_cell_get',
    'nvmem_cell_read',
    'nvmem_device_get',
    'devm_nvmem_device_get',
    'mbox_request_channel',
    'mbox_request_channel_byname',
    'pwm_get',
    'devm_pwm_get',
    'iio_channel_get',
    'devm_iio_channel_get',
    'devm_extcon_dev_allocate',
    'extcon_get_edev_by_phandle',
  ]),
  // Networking PHYs, DRM, dma-buf, block.
  ...styles('err-ptr', [
    'get_phy_device',
    'phy_connect',
    'phylink_create',
    'drm_dev_alloc',
    'of_drm_find_panel',
    'devm_drm_of_get_bridge',
    'devm_drm_panel_bridge_add',
    'drm_atomic_get_crtc_state',
    'drm_atomic_get_plane_state',
    'drm_atomic_get_connector_state',
    'dma_buf_get',
    'dma_buf_export',
    'dma_buf_attach',
    'blk_mq_init_queue',
    'blk_mq_alloc_disk',
  ]),
];

const NULL_APIS: ReturnStyle[] = [
  // Managed and other allocations the acquire table does not hold.
  ...styles(
    'null',
    [
      'devm_kmalloc',
      'devm_kzalloc',
      'devm_kcalloc',
      'devm_kmalloc_array',
      'devm_kstrdup',
      'devm_kstrdup_const',
      'devm_kasprintf',
      'devm_kmemdup',
      'devm_krealloc',
      'devm_bitmap_zalloc',
      'krealloc',
      'krealloc_array',
      'kmem_cache_create',
      'kmem_cache_create_usercopy',
      'KMEM_CACHE',
      'alloc_pages',
      'alloc_page',
      'vmap',
      'memremap',
      'mempool_create',
      'dma_pool_create',
      'dmam_pool_create',
      'dma_pool_alloc',
      'dma_pool_zalloc',
      'gen_pool_create',
      'kobject_create_and_add',
      'kset_create_and_add',
      'cdev_alloc',
      'dmam_alloc_coherent',
      'dma_alloc_wc',
      'usb_alloc_urb',
      'usb_alloc_coherent',
      'skcipher_request_alloc',
      'ahash_request_alloc',
      'aead_request_alloc',
    ],
    { errno: '-ENOMEM' },
  ),
  // I/O memory: the plain mappers.
  ...styles('null', ['devm_ioremap', 'devm_ioremap_wc', 'devm_ioremap_uc', 'of_iomap', 'pci_iomap', 'pcim_iomap', 'pci_ioremap_bar', 'devm_ioport_map'], {
    errno: '-ENOMEM',
  }),
  ...styles('null', ['request_mem_region', 'request_region', 'devm_request_mem_region', 'devm_request_region'], { errno: '-EBUSY' }),
  ...styles('null', ['platform_get_resource', 'platform_get_resource_byname'], { errno: '-ENODEV' }),
  // Workqueues.
  ...styles('null', ['alloc_workqueue', 'alloc_ordered_workqueue', 'create_workqueue', 'create_singlethread_workqueue', 'create_freezable_workqueue'], {
    errno: '-ENOMEM',
  }),
  // DMA engine: the old channel request and the descriptor preparations.
  ...styles('null', ['dma_request_slave_channel', 'dma_request_channel']),
  ...styles('null', ['dmaengine_prep_slave_sg', 'dmaengine_prep_slave_single', 'dmaengine_prep_dma_cyclic', 'dmaengine_prep_dma_memcpy']),
  // Networking.
  ...styles(
    'null',
    [
      'devm_alloc_etherdev',
      'devm_alloc_etherdev_mqs',
      'alloc_candev',
      'alloc_skb',
      'dev_alloc_skb',
      'netdev_alloc_skb',
      'netdev_alloc_skb_ip_align',
      'napi_alloc_skb',
      'build_skb',
      'skb_clone',
      'skb_copy',
      'nlmsg_new',
      'genlmsg_new',
      'ieee80211_alloc_hw',
      'wiphy_new',
      'mdiobus_alloc',
      'mdiobus_alloc_size',
      'devm_mdiobus_alloc',
      'devm_mdiobus_alloc_size',
    ],
    { errno: '-ENOMEM' },
  ),
  ...styles('null', ['genlmsg_put', 'nla_nest_start', 'nla_nest_start_noflag', 'of_phy_connect', 'of_phy_find_device']),
  // Device allocations of subsystems.
  ...styles(
    'null',
    [
      'input_allocate_device',
      'devm_input_allocate_device',
      'iio_device_alloc',
      'devm_iio_device_alloc',
      'iio_trigger_alloc',
      'devm_iio_trigger_alloc',
      'spi_alloc_master',
      'devm_spi_alloc_master',
      'spi_alloc_host',
      'devm_spi_alloc_host',
      'platform_device_alloc',
      'mmc_alloc_host',
      'devm_mmc_alloc_host',
      'scsi_host_alloc',
      'rproc_alloc',
      'devm_rproc_alloc',
      'video_device_alloc',
      'drm_atomic_state_alloc',
      'drm_mode_create',
      'drm_mode_duplicate',
    ],
    { errno: '-ENOMEM' },
  ),
  ...styles('null', ['spi_new_device', 'i2c_get_adapter', 'irq_domain_add_linear', 'irq_domain_create_linear', 'power_supply_get_by_name', 'of_drm_find_bridge']),
  // Device-tree properties and match data.
  ...styles('null', ['of_get_property', 'of_find_property', 'of_device_get_match_data', 'device_get_match_data', 'of_match_device', 'of_match_node', 'i2c_get_match_data', 'dev_get_regmap']),
  // procfs, sysctl, inodes.
  ...styles('null', ['proc_create', 'proc_create_data', 'proc_create_single_data', 'proc_create_seq_data', 'proc_mkdir', 'register_sysctl', 'd_make_root', 'new_inode', 'iget_locked'], {
    errno: '-ENOMEM',
  }),
  // DRM atomic state lookups: NULL when the object is not part of the state.
  ...styles('null', [
    'drm_atomic_get_new_crtc_state',
    'drm_atomic_get_old_crtc_state',
    'drm_atomic_get_new_plane_state',
    'drm_atomic_get_old_plane_state',
    'drm_atomic_get_new_connector_state',
    'drm_atomic_get_old_connector_state',
  ]),
];

/** NULL when the thing is absent (not an error), an ERR_PTR() on a real error. */
const EITHER_APIS: ReturnStyle[] = styles('err-ptr-or-null', [
  'gpiod_get_optional',
  'devm_gpiod_get_optional',
  'gpiod_get_index_optional',
  'devm_gpiod_get_index_optional',
  'gpiod_get_array_optional',
  'devm_gpiod_get_array_optional',
  'clk_get_optional',
  'devm_clk_get_optional',
  'devm_clk_get_optional_enabled',
  'devm_clk_get_optional_prepared',
  'reset_control_get_optional_exclusive',
  'reset_control_get_optional_shared',
  'devm_reset_control_get_optional',
  'devm_reset_control_get_optional_exclusive',
  'devm_reset_control_get_optional_shared',
  'devm_reset_control_array_get_optional_exclusive',
  'devm_reset_control_array_get_optional_shared',
  'phy_optional_get',
  'devm_phy_optional_get',
  'devm_of_phy_optional_get',
  'debugfs_lookup',
]);

const REGULATOR_STUB = 'the !CONFIG_REGULATOR stubs return NULL, a dummy handle the other regulator calls accept';
const PINCTRL_STUB = 'the !CONFIG_PINCTRL stubs return NULL, a dummy handle the other pinctrl calls accept';
const NOT_PLACED = 'the miner reports a NULL it could not place (left for a closer look; the table keeps the documented contract)';

/** Why the mined facts see both NULL and ERR_PTR() where the table names one style (see `treeBoth`). */
const TREE_BOTH: Record<string, string> = {
  regulator_get: REGULATOR_STUB,
  devm_regulator_get: REGULATOR_STUB,
  regulator_get_exclusive: REGULATOR_STUB,
  devm_regulator_get_exclusive: REGULATOR_STUB,
  regulator_get_optional: NOT_PLACED,
  devm_regulator_get_optional: NOT_PLACED,
  pinctrl_get: PINCTRL_STUB,
  devm_pinctrl_get: PINCTRL_STUB,
  pinctrl_lookup_state: PINCTRL_STUB,
  devm_pinctrl_get_select: PINCTRL_STUB,
  devm_pinctrl_get_select_default: PINCTRL_STUB,
  get_phy_device: 'the !CONFIG_PHYLIB stub returns NULL; a driver that calls it depends on PHYLIB',
  memremap: NOT_PLACED,
  dma_request_chan: 'its `chan = NULL` reaches `return chan` only through `goto found` after `!IS_ERR_OR_NULL(chan)`, a path the miner does not follow',
  devm_memremap: NOT_PLACED,
};

/** Every API of the table; a name appears once (see the test of the table). */
export const RETURN_STYLES: readonly ReturnStyle[] = [...FROM_ACQUIRE_TABLE, ...FROM_THREAD_STARTERS, ...ERR_PTR_APIS, ...NULL_APIS, ...EITHER_APIS].map((style) =>
  TREE_BOTH[style.name] ? { ...style, treeBoth: TREE_BOTH[style.name] } : style,
);

const styleByName = new Map(RETURN_STYLES.map((style) => [style.name, style]));

export function returnStyle(name: string): ReturnStyle | undefined {
  return styleByName.get(name);
}

const MINED_STYLE: Record<PointerConvention, PointerFailureStyle | null> = { err: 'err-ptr', null: 'null', both: 'err-ptr-or-null', ok: null };
const minedStyles = new Map<string, ReturnStyle | null>();

/**
 * The failure style of any kernel function: the table's when it has the name (it knows what
 * the tree cannot tell: errnos, debugfs, NULL as a dummy handle), else the one mined from the
 * release tree (src/facts). Reads the mined facts on the first name the table lacks.
 */
export function pointerStyle(name: string): ReturnStyle | undefined {
  const known = styleByName.get(name);
  if (known) return known;
  let mined = minedStyles.get(name);
  if (mined === undefined) {
    const convention = kernelFacts().pointerConvention(name);
    const failure = convention ? MINED_STYLE[convention] : null;
    mined = failure ? { name, failure } : null;
    minedStyles.set(name, mined);
  }
  return mined ?? undefined;
}
