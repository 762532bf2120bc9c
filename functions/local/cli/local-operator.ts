/** Who runs the CLI on this machine: the operating system's user name, a person's identifier (sealed when stored). */
import { userInfo } from 'node:os';

export function localOperator(): string {
  try {
    const name = userInfo().username;
    return /^[\w.@+-]{1,128}$/.test(name) ? name : 'local-user';
  } catch {
    return 'local-user';
  }
}
