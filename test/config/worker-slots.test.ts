// TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: how many workflow tasks a worker holds at once (bench:timers).
import { ConfigError, loadConfig } from '../../src/config';

it('is the SDK default (undefined) unless set, and taken as a number when set', () => {
  expect(loadConfig({}).temporal.maxConcurrentWorkflowTasks).toBeUndefined();
  expect(
    loadConfig({ TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '8' }).temporal.maxConcurrentWorkflowTasks,
  ).toBe(8);
});

it.each(['1', '0', 'eight', '2.5'])('refuses %s at start, naming the variable', (value) => {
  let error: unknown;
  try {
    loadConfig({ TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: value });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect(String((error as Error).message)).toContain('TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS');
});
