import { libcFunction } from './libc.js';

/**
 * glibc's malloc_trim(0): give the freed pages of malloc's arenas back to the
 * kernel. Returns false where there is no such call (musl) or no native layer.
 */
export function mallocTrim(): boolean {
  try {
    libcFunction('int malloc_trim(size_t pad)')(0);
    return true;
  } catch {
    return false;
  }
}
