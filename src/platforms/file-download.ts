import { collectBytes, fileTooLarge, type IncomingFile } from '../core/commands/index.js';
import { isUserError, UserError } from '../core/errors.js';

/** How long a download may take, from the request to the last byte, unless a platform says otherwise. */
export const DOWNLOAD_TIMEOUT_MS = 30_000;

/** A file a chat platform keeps behind a URL (a Discord attachment, a Slack file). */
export interface RemoteFile {
  url: string;
  /** Sent with the request (Slack's `Authorization: Bearer <bot token>`). */
  headers?: Readonly<Record<string, string>>;
  name: string;
  size: number | undefined;
  /** The platform, as messages name it ("Discord"). */
  from: string;
  /** What to do when the platform no longer has the file (an expired link), said after that news. */
  whenGone: string;
  /** From the request to the last byte; DOWNLOAD_TIMEOUT_MS when not given. */
  timeoutMs?: number;
  /**
   * Checks the answer before its body is read, throwing a UserError to refuse it (Slack answers a
   * request without a valid token with its sign-in page, status 200).
   */
  check?: (response: Response) => void;
}

/** The IncomingFile of a file behind a URL: read with the global fetch, within the limit and a timeout. */
export function remoteFile(file: RemoteFile): IncomingFile {
  return { name: file.name, size: file.size, read: (maxBytes) => download(file, maxBytes) };
}

/**
 * Downloads `file`: refused before any request when its known size is over `maxBytes`, and stopped as
 * soon as the bytes (or a Content-Length) go past it. Every failure is a UserError saying what to do.
 */
export async function download(file: RemoteFile, maxBytes: number): Promise<Uint8Array> {
  const { name, from } = file;
  if (file.size !== undefined && file.size > maxBytes) throw fileTooLarge(name, maxBytes, file.size);
  const tryAgain = (what: string) =>
    new UserError(
      `I could not download ${name} from ${from} (${what}). Nothing was saved; please try again in a moment.`,
      'FILE_DOWNLOAD_FAILED',
    );
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), file.timeoutMs ?? DOWNLOAD_TIMEOUT_MS);
  try {
    let response: Response;
    try {
      response = await fetch(file.url, { headers: { ...file.headers }, signal: abort.signal });
    } catch {
      throw tryAgain(abort.signal.aborted ? 'it took too long' : 'the connection failed');
    }
    if (response.status === 403 || response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      throw new UserError(`${from} no longer has ${name}. ${file.whenGone}`, 'FILE_GONE');
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw tryAgain(`${from} answered ${response.status}`);
    }
    file.check?.(response);
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(length) && length > maxBytes) {
      await response.body?.cancel();
      throw fileTooLarge(name, maxBytes, length);
    }
    if (!response.body) return new Uint8Array();
    try {
      return await collectBytes(response.body, maxBytes, name);
    } catch (error) {
      if (isUserError(error)) throw error;
      throw tryAgain(abort.signal.aborted ? 'it took too long' : 'the connection broke off');
    }
  } finally {
    clearTimeout(timer);
    // Stops a body left unread (a refusal above), so its connection is not kept waiting.
    abort.abort();
  }
}
