// Start-up against a cluster registers the deals' search attributes where they are missing, once:
// a fresh namespace on the real dev server gets all six, a second start adds nothing, and the
// operator commands printed when a start-up may not add them name the same six.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { PSM_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';
import { ensureSearchAttributes, searchAttributeCreateCommands } from '../../src/temporal/search-attributes';
import { temporalAddress } from '../support/temporal';
import { waitUntil } from '../support/wait';

let connection: Connection;
beforeAll(async () => {
  connection = await Connection.connect({ address: temporalAddress() });
});
afterAll(async () => {
  await connection?.close();
});

const CLI = path.resolve(__dirname, '../../.tools/venv/bin/temporal');

test('a namespace without the attributes gets all of them at the first start, and nothing at the next', async () => {
  const namespace = `psm-sa-${randomBytes(4).toString('hex')}`;
  execFileSync(CLI, [
    'operator',
    'namespace',
    'create',
    '--address',
    temporalAddress(),
    '--namespace',
    namespace,
  ]);
  await waitUntil(async () =>
    connection.workflowService.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    ),
  );
  const before = await connection.operatorService.listSearchAttributes({ namespace });
  expect(Object.keys(before.customAttributes ?? {}).filter((n) => n.startsWith('Psm'))).toEqual([]);

  expect(await ensureSearchAttributes(connection, namespace)).toEqual({
    added: PSM_SEARCH_ATTRIBUTES.map((a) => a.name),
    checked: true,
  });
  const after = await connection.operatorService.listSearchAttributes({ namespace });
  for (const { name } of PSM_SEARCH_ATTRIBUTES) expect(after.customAttributes?.[name]).toBeDefined();

  expect(await ensureSearchAttributes(connection, namespace)).toEqual({ added: [], checked: true });
});

test('the dev server the app embeds starts with them registered', async () => {
  expect(await ensureSearchAttributes(connection, 'default')).toEqual({ added: [], checked: true });
});

test('the commands for an operator name each attribute with its type', () => {
  expect(searchAttributeCreateCommands('sales')).toEqual([
    'temporal operator search-attribute create --namespace sales --name PsmMilestone --type Keyword',
    'temporal operator search-attribute create --namespace sales --name PsmOwner --type Keyword',
    'temporal operator search-attribute create --namespace sales --name PsmStatus --type Keyword',
    'temporal operator search-attribute create --namespace sales --name PsmStalled --type Bool',
    'temporal operator search-attribute create --namespace sales --name PsmAmount --type Double',
    'temporal operator search-attribute create --namespace sales --name PsmAccount --type Keyword',
  ]);
});
