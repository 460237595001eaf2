// One file field of a multipart/form-data request (curl -F file=@accounts.csv, a browser form), read
// into memory with busboy: at most one file and `maxBytes`; other fields are ignored. A malformed
// body, a missing field or a file past the limit is the caller's fault (400/413), never a 500.
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';

export function isMultipart(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'multipart/form-data';
}

const invalid = (message: string) =>
  new AppError('INVALID_INPUT', message, [{ path: 'body', message, rule: 'custom' }]);

export function readMultipartFile(req: Request, field: string, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: AppError | null, file?: Buffer) => {
      if (done) return;
      done = true;
      if (err) {
        // Stop parsing; the rest of the body is read and dropped so the answer can be sent.
        req.unpipe();
        req.resume();
        reject(err);
      } else resolve(file!);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 64 * 1024, parts: 21 },
      });
    } catch {
      finish(invalid('a multipart/form-data body needs its boundary'));
      return;
    }
    let file: Buffer | undefined;
    parser.on('file', (name, stream) => {
      if (name !== field || file !== undefined) {
        stream.on('error', () => undefined);
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () =>
        finish(new AppError('PAYLOAD_TOO_LARGE', `the file is larger than ${maxBytes} bytes`)),
      );
      // A body cut short ends the file stream with an error (as well as the parser).
      stream.on('error', () => finish(invalid('the multipart/form-data body cannot be read')));
      stream.on('end', () => {
        file = Buffer.concat(chunks);
      });
    });
    parser.on('error', () => finish(invalid('the multipart/form-data body cannot be read')));
    parser.on('close', () =>
      file === undefined
        ? finish(invalid(`the multipart/form-data body has no file field "${field}"`))
        : finish(null, file),
    );
    req.on('aborted', () => finish(invalid('the request was aborted')));
    req.pipe(parser);
  });
}
