#!/usr/bin/env node
// `npm run bench -- <scenario> [options]`: the benchmark runner (see benchmarks/README.md).
import { register } from 'tsx/esm/api';

register();
await import('../benchmarks/run.ts');
