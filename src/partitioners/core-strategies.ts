import type { StrategyDefinition } from './registry.js';

/** Hash, keyless and sticky strategies (filled in by the partitioners work). */
export const coreStrategies: StrategyDefinition[] = [];
