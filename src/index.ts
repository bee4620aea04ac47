/**
 * kpart's library entry point. Everything exported here is public API (see README "Library").
 * Each concept lives in its own folder under src/; this file only re-exports.
 */
export { KpartError, UsageError, InputError, ClusterError } from './errors.js';
