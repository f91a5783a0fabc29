/** Errors of the paper gateway; each carries a stable `code`. */

/** A byte stream that cannot be a TWS API frame (bad handshake, bad length, missing terminator). */
export class FramingError extends Error {
  readonly code = 'PAPER_GATEWAY_FRAMING';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FramingError';
  }
}

/** A well-framed message whose fields do not follow the layout of its message id at server version 193. */
export class DecodeError extends Error {
  readonly code = 'PAPER_GATEWAY_DECODE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DecodeError';
  }
}

/** A valid request for something the paper gateway does not simulate (an algo, a combo, a condition ...). */
export class UnsupportedFeatureError extends Error {
  readonly code = 'PAPER_GATEWAY_UNSUPPORTED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnsupportedFeatureError';
  }
}

/** A control-interface call with bad arguments (unknown symbol, unknown order ...). */
export class ControlError extends Error {
  readonly code = 'PAPER_GATEWAY_CONTROL';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ControlError';
  }
}

/** A state file that cannot be read back. */
export class StateFileError extends Error {
  readonly code = 'PAPER_GATEWAY_STATE_FILE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateFileError';
  }
}
