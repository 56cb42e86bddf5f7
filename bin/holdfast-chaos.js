#!/usr/bin/env node
// `npm run chaos -- [options]`: fault injection with a history checker (see docs/chaos.md).
import { register } from 'tsx/esm/api';

register();
await import('../chaos/main.ts');
