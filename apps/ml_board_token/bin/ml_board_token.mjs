#!/usr/bin/env node
import { launchCli } from '@mlgym/launcher';
await launchCli(import.meta.url);
