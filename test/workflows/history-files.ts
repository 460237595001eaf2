// Reading and writing workflow histories as the standard proto3 JSON that `temporal workflow show
// --output json` and the Web UI's download produce, so a production history can be dropped into
// test/histories as is.
//
// Why not historyToJSON / historyFromJSON from @temporalio/common: in this install common and
// proto each carry their own copy of protobufjs 8, and protojson's `instanceof Type` check fails
// across copies ("type must be a Type"). Using the protojson that belongs to @temporalio/proto's
// own protobufjs keeps the message types and the serializer from the same copy.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
}

const requireBesideProto = createRequire(require.resolve('@temporalio/proto'));
const protojson = requireBesideProto('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyToJsonText(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  return `${JSON.stringify(protojson.toJson(historyType, message), null, 2)}\n`;
}

export function readHistoryFile(file: string): History {
  const history = protojson.fromJson(historyType, JSON.parse(fs.readFileSync(file, 'utf8')), {
    ignoreUnknownFields: true,
  });
  if (!history?.events?.length) throw new Error(`${file} holds no history events`);
  return history;
}
