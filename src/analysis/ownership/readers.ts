/**
 * Calls that only read what they are given: a reference handed to one of them is still the
 * caller's to drop (escapes.ts, and the engine for a reference taken right in a call's arguments).
 */
import { acquireApi } from './resources.js';

/**
 * Calls that read the object they are given and keep no pointer to it, so no reference on it
 * either: device-tree and firmware-node property readers and matchers, address and interrupt
 * lookups (of_iomap() maps the registers, it keeps nothing of the node), and printing.
 */
const READS_ONLY: ReadonlySet<string> = new Set([
  // include/linux/of.h, of_address.h, of_irq.h, of_device.h
  'of_device_is_compatible',
  'of_device_is_available',
  'of_device_is_big_endian',
  'of_device_compatible_match',
  'of_match_node',
  'of_node_name_eq',
  'of_node_name_prefix',
  'of_node_is_type',
  'of_get_child_count',
  'of_get_available_child_count',
  'of_n_addr_cells',
  'of_n_size_cells',
  'of_alias_get_id',
  'of_iomap',
  'of_address_to_resource',
  'of_get_address',
  'of_translate_address',
  'of_irq_get',
  'of_irq_get_byname',
  'of_irq_count',
  'irq_of_parse_and_map',
  'of_count_phandle_with_args',
  'of_parse_phandle_with_args',
  'of_parse_phandle_with_fixed_args',
  'of_get_named_gpio',
  'of_get_named_gpio_flags',
  'of_get_mac_address',
  'of_get_phy_mode',
  'of_dma_is_coherent',
  'of_node_full_name',
  // include/linux/property.h
  'fwnode_device_is_available',
  'fwnode_get_name',
  'fwnode_irq_get',
  'is_of_node',
  'is_acpi_node',
  // Devices: names, driver data, resources.
  'dev_name',
  'dev_driver_string',
  'dev_get_drvdata',
  'platform_get_drvdata',
  'platform_get_resource',
  'platform_get_resource_byname',
  'platform_get_irq',
  'platform_get_irq_byname',
  'pci_name',
  // Tests and printing.
  'IS_ERR',
  'IS_ERR_OR_NULL',
  'PTR_ERR',
  'PTR_ERR_OR_ZERO',
  'WARN_ON',
  'WARN_ON_ONCE',
  'WARN',
  'WARN_ONCE',
  'BUG_ON',
  'likely',
  'unlikely',
  'printk',
  'dev_printk',
  'dev_err_probe',
  'seq_printf',
  'snprintf',
  'scnprintf',
  'sprintf',
]);

/** The printing families: pr_*(), dev_*(), netdev_*(). */
const PRINTING_NAME =
  /^(?:pr_(?:emerg|alert|crit|err|warn|warning|notice|info|debug|devel|cont)(?:_once|_ratelimited)?|dev_(?:emerg|alert|crit|err|warn|notice|info|dbg|vdbg)(?:_once|_ratelimited)?|netdev_(?:emerg|alert|crit|err|warn|notice|info|dbg))$/;

/** Families of readers named by prefix: the property readers of each firmware interface. */
const PROPERTY_READER_NAME = /^(?:of_property_\w+|fwnode_property_\w+|device_property_\w+)$/;

/** Other calls that only print or warn (drm's messages, WARN*()). */
const PRINTS: ReadonlySet<string> = new Set(['printk', 'dev_printk', 'WARN', 'WARN_ONCE', 'WARN_ON', 'WARN_ON_ONCE', 'drm_err', 'drm_warn', 'DRM_ERROR', 'DRM_WARN']);

/** A call whose statement only prints (`dev_err(dev, "unexpected private driver data\n");`). */
export function onlyPrints(name: string): boolean {
  return PRINTING_NAME.test(name) || PRINTS.has(name);
}

/** A call that only reads what it is given, or takes another reference of the table from it (of_get_child_by_name(np, ...)). */
export function readsOnly(name: string): boolean {
  if (READS_ONLY.has(name) || PROPERTY_READER_NAME.test(name) || PRINTING_NAME.test(name)) return true;
  // An acquire given the object looks something up from it; one that drops its argument
  // (of_find_node_by_name(from, ...)) is a release the engine sees.
  const acquire = acquireApi(name);
  return acquire !== undefined && acquire.releasesArgument === undefined;
}
