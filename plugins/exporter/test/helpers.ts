import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageContext } from '@tapline/core';

export const context = () => createMessageContext('test');

export const tempDir = () => mkdtemp(join(tmpdir(), 'tapline-exporter-'));
