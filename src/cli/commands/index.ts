/**
 * The CLI's command list. Each command lives in its own module exporting `register(program)`;
 * add a new command by importing its register function here (keep the list sorted).
 */
import type { Command } from 'commander';
import { register as analyze } from './analyze.js';
import { register as assign } from './assign.js';
import { register as consumers } from './consumers.js';
import { register as demo } from './demo.js';
import { register as inspect } from './inspect.js';
import { register as lag } from './lag.js';
import { register as place } from './place.js';
import { register as rebalance } from './rebalance.js';
import { register as plan } from './plan.js';
import { register as repartition } from './repartition.js';
import { register as serve } from './serve.js';
import { register as simulate } from './simulate.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  analyze,
  assign,
  consumers,
  demo,
  inspect,
  lag,
  place,
  plan,
  rebalance,
  repartition,
  serve,
  simulate,
];
