import { BehaviorSubject, type Observable } from 'rxjs';

/**
 * The agent's own frozen flag (what guest-fsfreeze-status reports). The
 * command registry re-applies its filters whenever it changes; the logger
 * goes quiet while it is set so nothing is written to a frozen filesystem.
 */
export class FreezeState {
  private readonly subject = new BehaviorSubject<boolean>(false);

  get frozen(): boolean {
    return this.subject.value;
  }

  get changes$(): Observable<boolean> {
    return this.subject.asObservable();
  }

  set(frozen: boolean): void {
    if (frozen !== this.subject.value) this.subject.next(frozen);
  }
}
