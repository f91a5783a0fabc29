/**
 * JavaScript evaluated inside each strategy's QuickJS context before the strategy's own code.
 * It builds `ctx` from plain sandbox values (no host function is ever exposed), pins the clock and
 * randomness to the event, freezes every intrinsic so a strategy cannot tamper with `ctx`, the
 * result channel or the built-ins, and defines the two entry points the host calls.
 */
export const PRELUDE = String.raw`
(function () {
  'use strict';
  const G = globalThis;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const RealDate = Date;
  const freeze = Object.freeze;
  const isArray = Array.isArray;
  let current = null;
  let pending = null;
  let strategy = null;

  function mulberry32(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function need() {
    if (current === null) throw new Error('ctx is only usable during a callback');
    return current;
  }
  function text(args) {
    let out = '';
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      out += (i > 0 ? ' ' : '') + (typeof a === 'string' ? a : stringify(a));
    }
    return out;
  }
  function addLog(level, args) {
    need().logs.push({ level: level, message: text(args) });
  }
  const ctx = {
    placeOrder(body) {
      const c = need();
      if (body === null || typeof body !== 'object' || isArray(body))
        throw new TypeError('ctx.placeOrder takes the body of POST /orders');
      const copy = parse(stringify(body));
      if (copy.clientOrderId === undefined) copy.clientOrderId = c.snapshot.orderPrefix + '-' + c.placed;
      c.placed++;
      c.actions.push({ kind: 'placeOrder', body: copy });
      return copy.clientOrderId;
    },
    cancelOrder(id) {
      if (typeof id !== 'string') throw new TypeError('ctx.cancelOrder takes an order id or clientOrderId');
      need().actions.push({ kind: 'cancelOrder', id: id });
    },
    setTimer(name, afterMs) {
      if (typeof name !== 'string' || typeof afterMs !== 'number' || !(afterMs >= 0))
        throw new TypeError('ctx.setTimer(name, afterMs)');
      need().actions.push({ kind: 'setTimer', name: name, afterMs: Math.floor(afterMs) });
    },
    position(symbol) {
      const p = need().snapshot.positions[symbol];
      return p === undefined ? 0 : Number(p);
    },
    orders() {
      return parse(stringify(need().snapshot.orders));
    },
    log() {
      addLog('info', arguments);
    },
    warn() {
      addLog('warn', arguments);
    },
    random() {
      return need().random();
    },
    get state() {
      return need().state;
    },
    set state(value) {
      need().state = value;
    },
    get params() {
      return need().params;
    },
    get now() {
      return need().snapshot.now;
    },
    get strategyId() {
      return need().snapshot.strategyId;
    },
    get version() {
      return need().snapshot.version;
    },
  };
  freeze(ctx);

  function SandboxDate() {
    const now = current === null ? 0 : current.snapshot.now;
    if (new.target === undefined) return new RealDate(now).toString();
    return arguments.length === 0 ? new RealDate(now) : new RealDate(...arguments);
  }
  SandboxDate.prototype = RealDate.prototype;
  SandboxDate.now = function () {
    return current === null ? 0 : current.snapshot.now;
  };
  SandboxDate.UTC = RealDate.UTC;
  SandboxDate.parse = RealDate.parse;
  G.Date = SandboxDate;
  Math.random = function () {
    return need().random();
  };
  G.console = {
    log() { addLog('info', arguments); },
    info() { addLog('info', arguments); },
    warn() { addLog('warn', arguments); },
    error() { addLog('error', arguments); },
  };

  function result() {
    const c = current;
    current = null;
    const state = c.state;
    if (state === null || typeof state !== 'object' || isArray(state))
      throw new TypeError('ctx.state must stay a JSON object');
    return stringify({ actions: c.actions, state: state, logs: c.logs });
  }

  G.__omsLoad = function (factory) {
    const module = { exports: {} };
    factory(module, module.exports);
    const exported = module.exports && module.exports.default !== undefined ? module.exports.default : module.exports;
    if (exported === null || typeof exported !== 'object')
      throw new TypeError('A strategy module must export default an object of handlers');
    strategy = exported;
  };

  // Returns the output as JSON, or 'pending' when the handler returned a promise.
  G.__omsInvoke = function (handler, argJson, snapshotJson) {
    const snapshot = parse(snapshotJson);
    current = {
      snapshot: snapshot,
      params: snapshot.params,
      state: snapshot.state,
      actions: [],
      logs: [],
      placed: 0,
      random: mulberry32(snapshot.seed),
    };
    const fn = strategy[handler];
    if (fn === undefined) return result();
    if (typeof fn !== 'function') throw new TypeError(handler + ' is not a function');
    const out = handler === 'onStart' ? fn.call(strategy, ctx) : fn.call(strategy, ctx, parse(argJson));
    if (out !== null && typeof out === 'object' && typeof out.then === 'function') {
      pending = { done: false, error: undefined };
      const p = pending;
      out.then(
        function () { p.done = true; },
        function (e) { p.done = true; p.error = e === undefined ? new Error('rejected') : e; },
      );
      return 'pending';
    }
    return result();
  };

  G.__omsFinish = function () {
    const p = pending;
    pending = null;
    if (p === null || !p.done) {
      current = null;
      throw new Error('the handler returned a promise that never settled (ctx has no I/O to wait for)');
    }
    if (p.error !== undefined) {
      current = null;
      throw p.error;
    }
    return result();
  };

  // Freeze every intrinsic reachable from the global object, and the global object itself.
  const seen = new WeakSet();
  function deepFreeze(value) {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
    seen.add(value);
    freeze(value);
    deepFreeze(Object.getPrototypeOf(value));
    const keys = Reflect.ownKeys(value);
    for (let i = 0; i < keys.length; i++) {
      const d = Object.getOwnPropertyDescriptor(value, keys[i]);
      if (d === undefined) continue;
      if ('value' in d) deepFreeze(d.value);
      else {
        deepFreeze(d.get);
        deepFreeze(d.set);
      }
    }
  }
  deepFreeze(Object.getPrototypeOf(function* () {}));
  deepFreeze(Object.getPrototypeOf(async function () {}));
  deepFreeze(Object.getPrototypeOf(async function* () {}));
  deepFreeze(Object.getPrototypeOf([][Symbol.iterator]()));
  deepFreeze(G);
})();
`;

/** Wraps compiled CommonJS so it runs in strict mode with its own `module` and `exports`. */
export function moduleFactory(compiled: string): string {
  return `(function (module, exports) {'use strict';\n${compiled}\n})`;
}
