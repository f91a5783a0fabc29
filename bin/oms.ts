#!/usr/bin/env node
/** The `oms` command (package.json `bin`): see docs/cli.md, or `oms --help`. */
import { main } from '../cli/main.ts';

process.exitCode = await main(process.argv);
