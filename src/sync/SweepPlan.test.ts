import type { SyncStateRecord } from '../store/types';
import { planSweep, readJira, runLabel, REPROJECT_PLAN, type SweepCheckpoint } from './SweepPlan';

const SCOPE = 'project in ("A")';
const state = (overrides: Partial<SyncStateRecord> = {}): SyncStateRecord => ({
  syncId: 's', instance: 'i', watermarkMs: 1000, resumePoint: null, lastFullMs: 500, lastReconcileMs: 500,
  specHash: 'h', fieldsHash: 'f', fetchedFields: [], scopeJql: SCOPE, ...overrides,
});
const checkpoint: SweepCheckpoint = { mode: 'full', cursorMs: 900, fromMs: null, reconcile: true, runStartedMs: 100 };

describe('planSweep', () => {
  it('sweeps everything on a first run, a changed spec or scope, and always for a full sync', () => {
    expect(planSweep({ strategy: 'incremental' }, undefined, 'h', SCOPE)).toEqual({ kind: 'full', resumeFrom: null });
    expect(planSweep({ strategy: 'incremental' }, state({ watermarkMs: null }), 'h', SCOPE).kind).toBe('full');
    expect(planSweep({ strategy: 'incremental' }, state(), 'other spec', SCOPE).kind).toBe('full');
    expect(planSweep({ strategy: 'incremental' }, state(), 'h', 'project in ("B")').kind).toBe('full');
    expect(planSweep({ strategy: 'full' }, state(), 'h', SCOPE).kind).toBe('full');
  });

  it('reads from the watermark for incremental syncs and for webhook syncs (their safety net)', () => {
    expect(planSweep({ strategy: 'incremental' }, state(), 'h', SCOPE)).toEqual({ kind: 'incremental', resumeFrom: null });
    expect(planSweep({ strategy: 'webhook' }, state(), 'h', SCOPE)).toEqual({ kind: 'incremental', resumeFrom: null });
  });

  it('resumes a checkpoint of the same scope, and drops one of another scope', () => {
    expect(planSweep({ strategy: 'incremental' }, state({ resumePoint: checkpoint }), 'h', SCOPE)).toEqual({ kind: 'full', resumeFrom: checkpoint });
    expect(planSweep({ strategy: 'incremental' }, state({ resumePoint: checkpoint }), 'h', 'project in ("B")')).toEqual({ kind: 'full', resumeFrom: null });
  });
});

describe('runLabel', () => {
  it('names runs as they are recorded', () => {
    expect(runLabel({ kind: 'incremental', resumeFrom: null })).toBe('incremental');
    expect(runLabel({ kind: 'full', resumeFrom: checkpoint })).toBe('full (resumed)');
    expect(runLabel(REPROJECT_PLAN)).toBe('reproject');
    expect(readJira({ strategy: 'reproject' })).toBe(false);
    expect(readJira({ strategy: 'full (resumed)' })).toBe(true);
  });
});
