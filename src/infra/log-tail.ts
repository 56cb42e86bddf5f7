/** The end of a service's log, quoted in errors so a failed start explains itself. */
import { open } from 'node:fs/promises';

export async function tailOfFile(path: string, maxLines = 30, maxBytes = 16_384): Promise<string> {
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString('utf8').split('\n').slice(-maxLines).join('\n').trimEnd();
    } finally {
      await handle.close();
    }
  } catch {
    return `(no log at ${path})`;
  }
}
