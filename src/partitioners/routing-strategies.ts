import type { StrategyDefinition } from './registry.js';

/** Routing, composite and load-aware strategies (filled in by the partitioners work). */
export const routingStrategies: StrategyDefinition[] = [];
