/**
 * The sandbox: QuickJS compiled to WebAssembly (quickjs-emscripten). Each strategy gets its own
 * WebAssembly module instance with its own linear memory, capped by a hard maximum, so one
 * strategy's heap (and its fragmentation) never grows another's, and dropping a failed strategy
 * gives its memory back. Inside, a QuickJS runtime with a heap limit, a stack limit and an
 * interrupt handler that counts polls (a deterministic instruction budget) with a wall-clock
 * backstop. See docs/strategies.md for the measurements behind the choice.
 */
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
} from 'quickjs-emscripten';
import {
  CallbackOutput,
  DEFAULT_LIMITS,
  FAILURES,
  checkOutput,
  type CallbackInput,
  type CallbackLimits,
  type CallbackResult,
  type FailureCode,
  type StrategyRunner,
} from '../core/strategies/callbacks.ts';
import { PRELUDE, moduleFactory } from './prelude.ts';

const PAGE = 64 * 1024;

/** WebAssembly.Memory, typed here because the project's `lib` has no DOM/WebAssembly declarations. */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const WasmMemory = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (size: { initial: number; maximum: number }) => WasmMemory };
  }
).WebAssembly.Memory;

interface Budget {
  polls: number;
  deadline: number;
  tripped: 'cpu' | 'wall' | undefined;
}

type Failure = { code: FailureCode; detail: string };

/** A loaded strategy; `call` runs one callback under the limits. */
export interface SandboxedStrategy extends StrategyRunner {
  /** Bytes of WebAssembly memory this strategy's instance holds. */
  memoryBytes(): number;
}

/** Loads compiled strategy code into a fresh sandbox; a module that throws on load is a failure. */
export async function loadStrategy(
  compiled: string,
  limits: CallbackLimits = DEFAULT_LIMITS,
): Promise<SandboxedStrategy | { failure: Failure }> {
  const memory = new WasmMemory({
    initial: Math.min(256, limits.wasmMemoryBytes / PAGE),
    maximum: Math.floor(limits.wasmMemoryBytes / PAGE),
  });
  const quickjs = await newQuickJSWASMModuleFromVariant(
    newVariant(RELEASE_SYNC, { wasmMemory: memory as never }),
  );
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(limits.memoryBytes);
  runtime.setMaxStackSize(limits.stackBytes);
  const budget: Budget = { polls: 0, deadline: Infinity, tripped: undefined };
  runtime.setInterruptHandler(() => {
    budget.polls++;
    if (budget.polls > limits.interruptBudget) budget.tripped = 'cpu';
    else if (performance.now() > budget.deadline) budget.tripped = 'wall';
    return budget.tripped !== undefined;
  });
  const vm = runtime.newContext();
  const sandbox = new QuickJsStrategy(runtime, vm, budget, limits, memory);
  const loaded = sandbox.load(compiled);
  if (loaded) {
    sandbox.dispose();
    return { failure: loaded };
  }
  return sandbox;
}

class QuickJsStrategy implements SandboxedStrategy {
  private readonly runtime: QuickJSRuntime;
  private readonly vm: QuickJSContext;
  private readonly budget: Budget;
  private readonly limits: CallbackLimits;
  private readonly memory: WasmMemory;
  private invoke: QuickJSHandle | undefined;
  private finish: QuickJSHandle | undefined;
  private disposed = false;

  constructor(
    runtime: QuickJSRuntime,
    vm: QuickJSContext,
    budget: Budget,
    limits: CallbackLimits,
    memory: WasmMemory,
  ) {
    this.runtime = runtime;
    this.vm = vm;
    this.budget = budget;
    this.limits = limits;
    this.memory = memory;
  }

  memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Evaluates the prelude and the strategy's module; a failure when either throws. */
  load(compiled: string): Failure | undefined {
    return this.guarded(FAILURES.load, () => {
      this.arm();
      this.vm.unwrapResult(this.vm.evalCode(PRELUDE, 'prelude.js')).dispose();
      this.arm();
      const failure = this.evaluate(`globalThis.__omsLoad(${moduleFactory(compiled)})`, 'strategy.js');
      if (failure) return failure;
      this.invoke = this.vm.getProp(this.vm.global, '__omsInvoke');
      this.finish = this.vm.getProp(this.vm.global, '__omsFinish');
      return undefined;
    });
  }

  async call(input: CallbackInput): Promise<CallbackResult> {
    const started = performance.now();
    const done = (r: { output: CallbackOutput } | { failure: Failure }): CallbackResult => {
      const cpuMs = Math.round((performance.now() - started) * 1000) / 1000;
      return 'output' in r ? { ok: true, output: r.output, cpuMs } : { ok: false, failure: r.failure, cpuMs };
    };
    if (this.disposed || !this.invoke || !this.finish)
      return done({ failure: { code: FAILURES.crashed, detail: 'the sandbox is not loaded' } });
    let json: string | undefined;
    const failure = this.guarded(FAILURES.threw, () => {
      this.arm();
      const args = [
        this.vm.newString(input.handler),
        this.vm.newString(JSON.stringify(input.arg ?? null)),
        this.vm.newString(JSON.stringify(input.snapshot)),
      ];
      const result = this.vm.callFunction(this.invoke as QuickJSHandle, this.vm.undefined, ...args);
      for (const a of args) a.dispose();
      const first = this.read(result);
      if ('failure' in first) return first.failure;
      if (first.value !== 'pending') {
        json = first.value;
        return undefined;
      }
      const jobs = this.runtime.executePendingJobs();
      if (jobs.error) {
        const failed = this.classify(jobs.error);
        jobs.error.dispose();
        return failed;
      }
      const second = this.read(this.vm.callFunction(this.finish as QuickJSHandle, this.vm.undefined));
      if ('failure' in second) return second.failure;
      json = second.value;
      return undefined;
    });
    if (failure) return done({ failure });
    const parsed = CallbackOutput.safeParse(JSON.parse(json ?? 'null'));
    if (!parsed.success)
      return done({
        failure: {
          code: FAILURES.output,
          detail: `the callback's output is invalid: ${parsed.error.message}`,
        },
      });
    const broken = checkOutput(parsed.data, this.limits);
    return done(broken ? { failure: broken } : { output: parsed.data });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // A runtime stopped mid-callback may hold objects QuickJS's own leak assertion trips on; the
    // whole module instance is dropped with it anyway.
    try {
      this.invoke?.dispose();
      this.finish?.dispose();
      this.vm.dispose();
      this.runtime.dispose();
    } catch {
      /* the instance is unreachable after this and is collected with its memory */
    }
  }

  private arm(): void {
    this.budget.polls = 0;
    this.budget.tripped = undefined;
    this.budget.deadline = performance.now() + this.limits.wallClockMs;
  }

  private evaluate(code: string, file: string): Failure | undefined {
    const result = this.vm.evalCode(code, file);
    const read = this.read(result);
    return 'failure' in read ? read.failure : undefined;
  }

  private read(
    result: ReturnType<QuickJSContext['evalCode']>,
  ): { value: string | undefined } | { failure: Failure } {
    if (result.error) {
      const failure = this.classify(result.error);
      result.error.dispose();
      return { failure };
    }
    const value = this.vm.typeof(result.value) === 'string' ? this.vm.getString(result.value) : undefined;
    result.value.dispose();
    return { value };
  }

  private classify(handle: QuickJSHandle): Failure {
    const dumped = this.vm.dump(handle) as { name?: string; message?: string } | string | undefined;
    const name = typeof dumped === 'object' && dumped ? String(dumped.name ?? 'Error') : 'Error';
    const message = typeof dumped === 'object' && dumped ? String(dumped.message ?? '') : String(dumped);
    if (this.budget.tripped === 'cpu')
      return {
        code: FAILURES.cpu,
        detail: `a callback ran past its instruction budget (${this.limits.interruptBudget} interrupt polls)`,
      };
    if (this.budget.tripped === 'wall')
      return { code: FAILURES.cpu, detail: `a callback ran longer than ${this.limits.wallClockMs} ms` };
    if (/out of memory/i.test(message))
      return { code: FAILURES.memory, detail: `out of memory (limit ${this.limits.memoryBytes} bytes)` };
    if (/stack overflow/i.test(message))
      return { code: FAILURES.memory, detail: `stack overflow (limit ${this.limits.stackBytes} bytes)` };
    if (
      name === 'TypeError' &&
      /read-only|not extensible|not configurable|non-configurable|frozen|not writable/i.test(message)
    )
      return { code: FAILURES.tampered, detail: `tried to change ctx or a built-in: ${name}: ${message}` };
    return { code: FAILURES.threw, detail: `${name}: ${message}`.slice(0, 500) };
  }

  /** Runs a step; a crash of the WebAssembly instance itself (an abort) is a failure, not a host error. */
  private guarded(code: FailureCode, step: () => Failure | undefined): Failure | undefined {
    try {
      return step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/out of memory|OOM|memory access/i.test(message))
        return { code: FAILURES.memory, detail: `the sandbox ran out of memory (${message})` };
      return {
        code: code === FAILURES.load ? FAILURES.load : FAILURES.crashed,
        detail: message.slice(0, 500),
      };
    }
  }
}
