/**
 * Every error kpart raises on purpose is a KpartError with a stable string `code`, so callers and the CLI
 * can branch on it without parsing messages. The CLI maps `exitCode` to the process exit status and prints
 * only `message` (one line, no stack).
 */
export class KpartError extends Error {
  readonly code: string;
  /** Process exit status the CLI uses for this error. */
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A bad flag, value or argument: exit status 2, like commander's own usage errors. */
export class UsageError extends KpartError {
  constructor(message: string, code = 'E_USAGE') {
    super(code, message, 2);
  }
}

/** Input that cannot be read or parsed (missing file, bad hex, malformed record under --strict): exit 2. */
export class InputError extends KpartError {
  constructor(message: string, code = 'E_INPUT') {
    super(code, message, 2);
  }
}

/** A broker or cluster problem (unreachable, no leader, timeout): exit 1. */
export class ClusterError extends KpartError {
  constructor(message: string, code = 'E_CLUSTER', options?: { cause?: unknown }) {
    super(code, message, 1, options);
  }
}
