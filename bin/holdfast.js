#!/usr/bin/env node
// The `holdfast` CLI. Sources are TypeScript run through tsx's loader, so there is no build
// step between a checkout and a running stack.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
