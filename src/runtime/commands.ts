/** Imports every CLI command module so that it registers itself. */
export {};
import './slo';
