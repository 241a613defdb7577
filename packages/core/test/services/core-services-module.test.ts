import 'reflect-metadata';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import t from 'tap';
import { DEFAULT_AGENT_CONFIG } from '../../src/agent/agent-config.js';
import type { Lifecycle } from '../../src/agent/lifecycle.js';
import { coreServicesModule } from '../../src/services/core-services-module.js';
import { ExecRecords } from '../../src/services/exec-records.js';
import { FileHandles } from '../../src/services/file-handles.js';
import { FileStateStore } from '../../src/services/file-state-store.js';
import type { FreezeState } from '../../src/services/freeze-state.js';
import { FsFreezeController } from '../../src/services/fsfreeze-controller.js';
import { MemoryStateStore } from '../../src/services/memory-state-store.js';
import type { StateStore } from '../../src/services/state-store.js';
import { INTERNAL_TOKENS, TOKENS } from '../../src/tokens.js';

t.test('with a stateDir: file store, singletons, lifecycle loads state and restores frozen', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'qga-mod-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const c = new Container();
  c.bind(TOKENS.AgentConfig).toConstantValue({ ...DEFAULT_AGENT_CONFIG, stateDir: dir });
  c.load(coreServicesModule);
  const store = c.get<StateStore>(INTERNAL_TOKENS.StateStore);
  t.ok(store instanceof FileStateStore);
  t.equal(c.get(INTERNAL_TOKENS.StateStore), store, 'singleton');
  t.equal(c.get(FileHandles), c.get(FileHandles));
  t.ok(c.get(ExecRecords) instanceof ExecRecords, 'resolvable without an ExecPort');
  const [life] = c.getAll<Lifecycle>(INTERNAL_TOKENS.Lifecycle);
  await life!.start!();
  t.equal(await readFile(join(dir, 'qga.state'), 'utf8'), '[global]\nfd_counter=1000\n');
  await store.setFrozenMarker(true);

  const c2 = new Container();
  c2.bind(TOKENS.AgentConfig).toConstantValue({ ...DEFAULT_AGENT_CONFIG, stateDir: dir, freezeTimeoutMs: 0 });
  c2.load(coreServicesModule);
  const [life2] = c2.getAll<Lifecycle>(INTERNAL_TOKENS.Lifecycle);
  await life2!.start!();
  t.equal(c2.get<FreezeState>(INTERNAL_TOKENS.FreezeState).frozen, true, 'started frozen');
  t.equal(c2.get(FsFreezeController).frozen, true);
  await life2!.stop!();
  t.equal(c2.get<FreezeState>(INTERNAL_TOKENS.FreezeState).frozen, false, 'thawed at stop');
});

t.test('without a stateDir: memory store; an existing FreezeState binding is kept', async (t) => {
  const { FreezeState } = await import('../../src/services/freeze-state.js');
  const mine = new FreezeState();
  const c = new Container();
  c.bind(TOKENS.AgentConfig).toConstantValue(DEFAULT_AGENT_CONFIG);
  c.bind(INTERNAL_TOKENS.FreezeState).toConstantValue(mine);
  c.load(coreServicesModule);
  t.ok(c.get(INTERNAL_TOKENS.StateStore) instanceof MemoryStateStore);
  t.equal(c.get(INTERNAL_TOKENS.FreezeState), mine);
});
