/**
 * The end of a server connection's socket after the driver said goodbye (COM_QUIT, Terminate).
 * Both drivers end politely and leave the socket to the server, which normally closes it at
 * once; a server that hangs, or a network that went silent, never does, and the open socket
 * then keeps the process from exiting. So the socket gets a grace period to close, then is
 * destroyed.
 */
import type { Socket } from 'node:net';

/** How long a server gets to close the connection after the goodbye. */
export const CLOSE_GRACE_MS = 2000;

/** Resolves once `socket` is closed: by the server within `graceMs`, else destroyed here. */
export function closeSocket(socket: Socket | undefined, graceMs = CLOSE_GRACE_MS): Promise<void> {
  if (!socket || socket.closed || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(), graceMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
