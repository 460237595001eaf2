// Commands run once per request id, in the opportunity and the account workflow alike: a repeat
// of a finished command answers the result it remembered, a repeat of one still running (its
// activities awaited) waits for that same result instead of running it again.

/** Commands running now, by request id: the validator reads it to refuse a reused id. */
export type InFlight<N extends string, R> = Map<string, { command: N; result: Promise<R> }>;

export function onceByRequestId<N extends string, C extends { requestId: string }, R>(
  inFlight: InFlight<N, R>,
  name: N,
  remembered: (requestId: string) => R | undefined,
  execute: (command: C) => Promise<R>,
): (command: C) => Promise<R> {
  return async (command) => {
    const earlier = remembered(command.requestId);
    if (earlier) return earlier;
    const running = inFlight.get(command.requestId);
    if (running) return running.result;
    const result = execute(command);
    inFlight.set(command.requestId, { command: name, result });
    try {
      return await result;
    } finally {
      inFlight.delete(command.requestId);
    }
  };
}
