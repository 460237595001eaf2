/** What a deal card calls after its command succeeded: a toast, then the deal re-read. */
export type Done = (message: string) => Promise<void>;
